package org.openpista.auth.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.openpista.api.auth.ProviderAuthStatus;

/**
 * Asks which provider to log in to. On a terminal: a list to move through with the arrow keys,
 * narrowed by typing (any part of the name or the vendor's name), chosen with Enter, left with Esc
 * or Ctrl-C. Otherwise (a pipe, a script): the numbered list, answered with a number or a name.
 */
final class ProviderPicker {

    static final String QUESTION = "Log in to which provider?";
    private static final int VISIBLE = 12;
    private static final String INVERSE = "\033[7m";
    private static final String PLAIN = "\033[0m";

    private final List<ProviderAuthStatus> providers;
    private final Function<ProviderAuthStatus, String> how;
    private String query = "";
    private int cursor;
    private int drawn;

    /**
     * @param providers the providers in the order to show
     * @param how how a provider logs in, for example {@code device code}
     */
    ProviderPicker(List<ProviderAuthStatus> providers, Function<ProviderAuthStatus, String> how) {
        this.providers = List.copyOf(providers);
        this.how = how;
    }

    /** @return one line describing a provider: name, vendor, how it logs in and whether it is ready */
    String label(ProviderAuthStatus status) {
        return String.format("%-18s %-40s %s", status.name(), status.displayName() + " [" + how.apply(status) + "]",
                status.authenticated() ? "✓ " + (status.source().isEmpty() ? "ready" : status.source()) : "").stripTrailing();
    }

    /**
     * The numbered list, for input that is no terminal.
     *
     * @param name finds a provider by a name typed instead of a number
     * @return the chosen provider, or {@code null} when the answer names none
     */
    ProviderAuthStatus byNumber(BufferedReader in, PrintStream out, Function<String, ProviderAuthStatus> name) throws IOException {
        out.println(QUESTION);
        for (int i = 0; i < providers.size(); i++) {
            out.printf("  %2d) %s%n", i + 1, label(providers.get(i)));
        }
        out.print("Number or name: ");
        out.flush();
        String answer = in.readLine();
        if (answer == null || answer.isBlank()) {
            return null;
        }
        String text = answer.strip();
        if (text.matches("[0-9]{1,3}")) {
            int index = Integer.parseInt(text) - 1;
            return index >= 0 && index < providers.size() ? providers.get(index) : null;
        }
        return name.apply(text);
    }

    /**
     * The list to move through, for a terminal in key-by-key mode.
     *
     * @param keys the terminal's input
     * @param screen the terminal's output
     * @param width the terminal's width; longer lines are cut so that none wraps
     * @return the chosen provider, or {@code null} when the user left the list
     */
    ProviderAuthStatus choose(InputStream keys, PrintStream screen, int width) throws IOException {
        KeyReader reader = new KeyReader(keys);
        draw(screen, width);
        while (true) {
            KeyReader.Key key = reader.next();
            List<ProviderAuthStatus> shown = matching();
            switch (key.kind()) {
                case UP -> cursor = Math.max(0, cursor - 1);
                case DOWN -> cursor = Math.min(Math.max(0, shown.size() - 1), cursor + 1);
                case PAGE_UP -> cursor = Math.max(0, cursor - VISIBLE);
                case PAGE_DOWN -> cursor = Math.min(Math.max(0, shown.size() - 1), cursor + VISIBLE);
                case HOME -> cursor = 0;
                case END -> cursor = Math.max(0, shown.size() - 1);
                case BACKSPACE -> search(query.isEmpty() ? query : query.substring(0, query.length() - 1));
                case CLEAR -> search("");
                case CHARACTER -> search(query + key.character());
                case CANCEL -> {
                    finish(screen, "(cancelled)");
                    return null;
                }
                case ENTER -> {
                    if (!shown.isEmpty()) {
                        ProviderAuthStatus chosen = shown.get(cursor);
                        finish(screen, chosen.name());
                        return chosen;
                    }
                }
                default -> {
                    // a key the list has no use for
                }
            }
            draw(screen, width);
        }
    }

    /** @return the providers whose name or vendor's name contains what was typed */
    List<ProviderAuthStatus> matching() {
        String wanted = query.toLowerCase(Locale.ROOT);
        return providers.stream().filter(status -> status.name().toLowerCase(Locale.ROOT).contains(wanted)
                || status.displayName().toLowerCase(Locale.ROOT).contains(wanted)).toList();
    }

    private void search(String text) {
        query = text;
        cursor = 0;
    }

    private void draw(PrintStream screen, int width) {
        List<String> lines = new ArrayList<>();
        lines.add(cut(QUESTION + " ↑/↓ move, type to search, Enter chooses, Esc cancels", width));
        lines.add(cut("Search: " + query, width));
        List<ProviderAuthStatus> shown = matching();
        if (shown.isEmpty()) {
            lines.add(cut("  (no provider matches \"" + query + "\"; Backspace to change it)", width));
        }
        int first = Math.max(0, Math.min(cursor - VISIBLE / 2, shown.size() - VISIBLE));
        for (int i = first; i < Math.min(shown.size(), first + VISIBLE); i++) {
            String line = cut((i == cursor ? "> " : "  ") + label(shown.get(i)), width);
            lines.add(i == cursor ? INVERSE + line + PLAIN : line);
        }
        StringBuilder frame = new StringBuilder(erase());
        lines.forEach(line -> frame.append(line).append('\n'));
        screen.print(frame);
        screen.flush();
        drawn = lines.size();
    }

    private void finish(PrintStream screen, String answer) {
        screen.print(erase() + QUESTION + " " + answer + "\n");
        screen.flush();
        drawn = 0;
    }

    /** @return what moves the cursor back to the start of the list drawn last and clears from there */
    private String erase() {
        return drawn == 0 ? "" : "\033[" + drawn + "F\033[J";
    }

    /** @return the text cut to fit the width, so that no line wraps and the redraw stays in place */
    private static String cut(String text, int width) {
        int limit = Math.max(10, width - 1);
        return text.codePointCount(0, text.length()) <= limit ? text
                : text.substring(0, text.offsetByCodePoints(0, limit - 1)) + "…";
    }
}
