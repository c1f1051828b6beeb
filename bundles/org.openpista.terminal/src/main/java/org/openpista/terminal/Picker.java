package org.openpista.terminal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * One question answered by choosing from a list, for any kind of item. On a terminal: a list to move
 * through with the arrow keys, narrowed by typing (any part of an item's name or line; the best
 * matches first), chosen with Enter, left with Esc or Ctrl-C. Otherwise (a pipe, a script): the
 * numbered list, answered with a number or a name. Its {@code with}… methods, called before it is
 * shown, change what typing finds, the order of the matches and what an empty answer means.
 *
 * @param <T> what is chosen
 */
public final class Picker<T> {

    private static final int VISIBLE = 12;
    private static final String INVERSE = "\033[7m";
    private static final String PLAIN = "\033[0m";

    private final String question;
    private final List<T> items;
    private final Function<T, String> label;
    private final Function<T, String> name;
    private Function<T, String> searched;
    private boolean bestFirst = true;
    private boolean emptyChoosesCursor = true;
    private String nothingMatches = "nothing matches";
    private String query = "";
    private int cursor;
    private int drawn;

    /**
     * @param question what is asked, for example {@code Which provider?}
     * @param items the items in the order to show
     * @param name an item's name: what is typed to find it, shown once it is chosen
     * @param label an item's line in the list (it is found by this text too)
     * @param initial the item the cursor starts on, or {@code null} for the first; on a pipe an empty
     *     answer chooses it
     */
    public Picker(String question, List<T> items, Function<T, String> name, Function<T, String> label, T initial) {
        this.question = question;
        this.items = List.copyOf(items);
        this.name = name;
        this.label = label;
        this.searched = item -> name.apply(item) + "\n" + label.apply(item);
        this.cursor = initial == null ? 0 : Math.max(0, this.items.indexOf(initial));
    }

    /**
     * @param text what typing finds an item by instead of its name and line; lines of it are searched
     *     one by one (a search never spans a line break)
     * @return this picker
     */
    public Picker<T> withSearchText(Function<T, String> text) {
        this.searched = text;
        return this;
    }

    /** @return this picker, its matches in the list's order rather than the best ones first */
    public Picker<T> withMatchesInListOrder() {
        this.bestFirst = false;
        return this;
    }

    /** @return this picker, where an empty answer on a pipe chooses nothing rather than the initial item */
    public Picker<T> withoutDefault() {
        this.emptyChoosesCursor = false;
        return this;
    }

    /**
     * @param noun what the items are, for example {@code provider}: the empty list then says {@code no
     *     provider matches "…"} rather than {@code nothing matches "…"}
     * @return this picker
     */
    public Picker<T> withItemsCalled(String noun) {
        this.nothingMatches = "no " + noun + " matches";
        return this;
    }

    /**
     * The numbered list, for input that is no terminal; a name is found by its exact name.
     *
     * @return the chosen item: by number or by exact name; the initial one for an empty answer (unless
     *     {@link #withoutDefault()}); {@code null} at the end of the input or when the answer names none
     */
    public T byNumber(BufferedReader in, PrintStream out) throws IOException {
        return byNumber(in, out, text -> items.stream().filter(item -> name.apply(item).equalsIgnoreCase(text)).findFirst().orElse(null));
    }

    /**
     * The numbered list, for input that is no terminal.
     *
     * @param named finds the item a name typed instead of a number names, {@code null} for none
     * @return the chosen item: by number or by {@code named}; the initial one for an empty answer (unless
     *     {@link #withoutDefault()}); {@code null} at the end of the input or when the answer names none
     */
    public T byNumber(BufferedReader in, PrintStream out, Function<String, T> named) throws IOException {
        out.println(question);
        for (int i = 0; i < items.size(); i++) {
            out.printf("  %2d) %s%n", i + 1, label.apply(items.get(i)));
        }
        out.print(emptyChoosesCursor ? "Number or name [" + (items.isEmpty() ? "" : name.apply(items.get(cursor))) + "]: " : "Number or name: ");
        out.flush();
        String answer = in.readLine();
        if (answer == null || items.isEmpty()) {
            return null;
        }
        String text = answer.strip();
        if (text.isEmpty()) {
            return emptyChoosesCursor ? items.get(cursor) : null;
        }
        if (text.matches("[0-9]{1,4}")) {
            int index = Integer.parseInt(text) - 1;
            return index >= 0 && index < items.size() ? items.get(index) : null;
        }
        return named.apply(text);
    }

    /**
     * The list to move through, for a terminal in key-by-key mode.
     *
     * @param keys the terminal's input
     * @param screen the terminal's output
     * @param width the terminal's width; longer lines are cut so that none wraps
     * @return the chosen item, or {@code null} when the user left the list
     */
    public T choose(InputStream keys, PrintStream screen, int width) throws IOException {
        KeyReader reader = new KeyReader(keys);
        draw(screen, width);
        while (true) {
            KeyReader.Key key = reader.next();
            List<T> shown = matching();
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
                        T chosen = shown.get(cursor);
                        finish(screen, name.apply(chosen));
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

    /**
     * @return the items whose search text (name or line) contains what was typed: the one of that very
     *     name first, then those whose name starts with it, then the others, each in the list's order
     *     (all in the list's order with {@link #withMatchesInListOrder()})
     */
    List<T> matching() {
        String wanted = query.toLowerCase(Locale.ROOT);
        List<T> found = items.stream().filter(item -> wanted.isEmpty() || searched.apply(item).toLowerCase(Locale.ROOT).lines()
                .anyMatch(line -> line.contains(wanted))).toList();
        return bestFirst ? found.stream().sorted(Comparator.comparingInt(item -> rank(name.apply(item).toLowerCase(Locale.ROOT), wanted)))
                .toList() : found;
    }

    private static int rank(String itemName, String wanted) {
        return wanted.isEmpty() ? 0 : itemName.equals(wanted) ? 0 : itemName.startsWith(wanted) ? 1 : 2;
    }

    private void search(String text) {
        query = text;
        cursor = 0;
    }

    private void draw(PrintStream screen, int width) {
        List<String> lines = new ArrayList<>();
        lines.add(cut(question + " ↑/↓ move, type to search, Enter chooses, Esc cancels", width));
        lines.add(cut("Search: " + query, width));
        List<T> shown = matching();
        if (shown.isEmpty()) {
            lines.add(cut("  (" + nothingMatches + " \"" + query + "\"; Backspace to change it)", width));
        }
        int first = Math.max(0, Math.min(cursor - VISIBLE / 2, shown.size() - VISIBLE));
        for (int i = first; i < Math.min(shown.size(), first + VISIBLE); i++) {
            String line = cut((i == cursor ? "> " : "  ") + label.apply(shown.get(i)), width);
            lines.add(i == cursor ? INVERSE + line + PLAIN : line);
        }
        StringBuilder frame = new StringBuilder(erase());
        lines.forEach(line -> frame.append(line).append('\n'));
        screen.print(frame);
        screen.flush();
        drawn = lines.size();
    }

    private void finish(PrintStream screen, String answer) {
        screen.print(erase() + question + " " + answer + "\n");
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
