package org.openpista.tui.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Keeps {@code System.out} and {@code System.err} off the screen while the UI draws it: the UI
 * writes to the terminal directly, and a stray line from a bundle would tear the picture. What
 * was written meanwhile is printed after the screen is left. A command run from the UI ({@code
 * /web setup}) writes into a buffer of its own, shown in a box.
 */
final class Captured implements AutoCloseable {

    private final PrintStream out;
    private final PrintStream err;
    private final InputStream in;
    private final Redirect redirect = new Redirect();
    private final ByteArrayOutputStream meanwhile = new ByteArrayOutputStream();

    Captured() {
        this.out = System.out;
        this.err = System.err;
        this.in = System.in;
        redirect.target = meanwhile;
        PrintStream captured = new PrintStream(redirect, true, StandardCharsets.UTF_8);
        System.setOut(captured);
        System.setErr(captured);
    }

    /** Runs a task with standard output and error going into a buffer and nothing on standard input. */
    String around(Runnable task) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        synchronized (redirect) {
            redirect.target = buffer;
        }
        System.setIn(InputStream.nullInputStream());
        try {
            task.run();
        } finally {
            System.setIn(in);
            synchronized (redirect) {
                redirect.target = meanwhile;
            }
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.setOut(out);
        System.setErr(err);
        String rest = meanwhile.toString(StandardCharsets.UTF_8);
        if (!rest.isBlank()) {
            err.print(rest.endsWith("\n") ? rest : rest + "\n");
            err.flush();
        }
    }

    /** Where the captured streams write now. */
    private static final class Redirect extends OutputStream {
        private OutputStream target;

        @Override
        public synchronized void write(int b) throws IOException {
            target.write(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
            target.write(bytes, offset, length);
        }
    }
}
