package org.openpista.onboard.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import org.openpista.terminal.Picker;
import org.openpista.terminal.Terminal;

/**
 * The questions of {@code openpista onboard}, asked on the user's terminal (lists to move through
 * with the arrow keys, keys read without echo) or, when standard input is a pipe, as numbered lists
 * and lines read one by one, so that a script can answer them too.
 */
class Dialog {

    private final BufferedReader in;
    private final PrintStream out;
    private final boolean terminal;

    /**
     * @param in standard input
     * @param out standard output
     * @param terminal whether both are a terminal, where the pickers switch it to key-by-key mode
     */
    Dialog(BufferedReader in, PrintStream out, boolean terminal) {
        this.in = in;
        this.out = out;
        this.terminal = terminal;
    }

    /** @return whether the questions are asked on a terminal */
    boolean terminal() {
        return terminal;
    }

    /** Prints a line for the user. */
    void say(String line) {
        out.println(line);
        out.flush();
    }

    /** @return the chosen item, or {@code null} when the user cancelled or the input ended */
    <T> T choose(Picker<T> picker) throws IOException {
        if (!terminal) {
            return picker.byNumber(in, out);
        }
        int width = Terminal.width();
        try (Terminal.Raw raw = Terminal.raw()) {
            return picker.choose(raw.keys(), out, width);
        }
    }

    /**
     * @param answer what an empty answer means
     * @return the line typed, stripped; {@code answer} when it is empty; {@code null} at the end of the input
     */
    String ask(String question, String answer) throws IOException {
        out.print(question + (answer.isEmpty() ? ": " : " [" + answer + "]: "));
        out.flush();
        String line = in.readLine();
        if (line == null) {
            return null;
        }
        return line.isBlank() ? answer : line.strip();
    }

    /** @return yes or no; {@code answer} for an empty line and at the end of the input */
    boolean confirm(String question, boolean answer) throws IOException {
        String line = ask(question + (answer ? " (Y/n)" : " (y/N)"), "");
        if (line == null || line.isEmpty()) {
            return answer;
        }
        return line.toLowerCase(Locale.ROOT).startsWith("y");
    }

    /** @return a secret: without echo on a terminal, else one line; empty when none was given */
    String secret(String prompt) throws IOException {
        return Terminal.secret(prompt, in, out);
    }
}
