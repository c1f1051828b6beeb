package org.openpista.terminal;

import java.io.BufferedReader;
import java.io.Console;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The user's terminal, as the commands that ask a person something need it ({@code openpista auth
 * login}, {@code openpista onboard}): whether there is one (Java has no isatty, so {@code test -t} is
 * asked), key by key input for the pickers ({@code stty} on the inherited standard input), its width,
 * and input without echo for keys.
 */
public final class Terminal {

    private Terminal() {}

    /** @return whether standard input and output are both a terminal, so a person can pick with the arrow keys */
    public static boolean interactive() {
        return isTerminal(0) && isTerminal(1);
    }

    /** @return whether standard input is a terminal */
    public static boolean input() {
        return isTerminal(0);
    }

    private static boolean isTerminal(int descriptor) {
        ProcessBuilder test = new ProcessBuilder("test", "-t", Integer.toString(descriptor))
                .redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        test.redirectOutput(descriptor == 1 ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD);
        try {
            return test.start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** @return the terminal's width in columns, 80 when it cannot be told */
    public static int width() {
        try {
            String[] size = stty("size").strip().split("\\s+");
            int columns = size.length == 2 ? Integer.parseInt(size[1]) : 0;
            return columns > 20 ? columns : 80;
        } catch (IOException | NumberFormatException e) {
            return 80;
        }
    }

    /**
     * Reads a secret: without echo from the console when standard input is a terminal, else one
     * line of standard input (a pipe, a script) after the prompt.
     *
     * @return the secret without surrounding blanks, empty when none was given
     */
    public static String secret(String prompt, BufferedReader stdin, PrintStream out) throws IOException {
        Console console = System.console();
        if (console != null && input()) {
            char[] typed = console.readPassword("%s", prompt);
            return typed == null ? "" : new String(typed).strip();
        }
        out.print(prompt);
        out.flush();
        String line = stdin.readLine();
        return line == null ? "" : line.strip();
    }

    /**
     * Switches the terminal to key-by-key input without echo, where Ctrl-C arrives as a key rather
     * than as a signal; closing restores what was set before, also when the process is ended meanwhile.
     */
    public static Raw raw() throws IOException {
        return new Raw(stty("-g").strip());
    }

    /** Key-by-key input until closed. */
    public static final class Raw implements AutoCloseable {
        private final String saved;
        private final Thread restoreOnExit;

        private Raw(String saved) throws IOException {
            this.saved = saved;
            this.restoreOnExit = new Thread(this::restore, "openpista-terminal-restore");
            Runtime.getRuntime().addShutdownHook(restoreOnExit);
            stty("-icanon", "-echo", "-isig", "min", "1", "time", "0");
        }

        private void restore() {
            try {
                stty(saved);
            } catch (IOException e) {
                // nothing more to do for a terminal that went away
            }
        }

        /**
         * @return standard input, unbuffered, so that nothing typed after the last key read (a key
         *     typed at the next prompt, say) is taken from the others; not to be closed
         */
        public InputStream keys() {
            return new FileInputStream(FileDescriptor.in);
        }

        @Override
        public void close() {
            restore();
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook restores it
            }
        }
    }

    /** Runs {@code stty} on the terminal of standard input and returns what it printed. */
    private static String stty(String... arguments) throws IOException {
        String[] command = new String[arguments.length + 1];
        command[0] = "stty";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process stty = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output = new String(stty.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (stty.waitFor() != 0) {
                throw new IOException("stty " + String.join(" ", arguments) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        return output;
    }
}
