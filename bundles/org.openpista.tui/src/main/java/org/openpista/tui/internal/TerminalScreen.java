package org.openpista.tui.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;

/**
 * The user's terminal in full-screen mode, through JLine: key-by-key input (Ctrl-C, Ctrl-S and
 * Ctrl-Z arrive as keys, not as signals), the alternate screen (what was on the terminal before
 * comes back at the end), bracketed paste, the size and its changes (SIGWINCH), and a screen
 * redrawn by differences (JLine's {@link Display}), so nothing flickers. Closing restores the
 * terminal as it was, to the line speed ({@link KernelTermios}); a shutdown hook does the same when
 * the process ends otherwise (SIGTERM, a crash that gets that far).
 */
final class TerminalScreen implements AutoCloseable {

    private static final String PASTE_ON = "\033[?2004h";
    private static final String PASTE_OFF = "\033[?2004l";

    private final Terminal terminal;
    private final Attributes saved;
    private final KernelTermios exact;
    private final Display display;
    private final Thread restoreOnExit;
    private final NonBlockingReader reader;
    private volatile Size size;
    private boolean cursorShown = true;
    private boolean restored;

    private TerminalScreen(Terminal terminal) {
        this.terminal = terminal;
        this.exact = KernelTermios.save();
        this.saved = terminal.enterRawMode();
        Attributes raw = terminal.getAttributes();
        raw.setLocalFlag(Attributes.LocalFlag.ISIG, false);
        raw.setInputFlag(Attributes.InputFlag.IXON, false);
        terminal.setAttributes(raw);
        this.restoreOnExit = new Thread(this::restoreAtExit, "openpista-tui-restore");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.writer().write(PASTE_ON);
        terminal.puts(Capability.clear_screen);
        terminal.flush();
        this.size = terminal.getSize();
        this.display = new Display(terminal, true);
        display.resize(size.getRows(), size.getColumns());
        this.reader = terminal.reader();
    }

    /**
     * Opens the terminal of standard input and output.
     *
     * @throws IOException when there is none
     */
    static TerminalScreen open() throws IOException {
        // box-drawing characters go out as UTF-8: JLine would otherwise switch to the terminal's line-drawing
        // character set (smacs), which tmux, screen and many fonts show as letters (lqqk). Read once, when JLine's
        // AttributedCharSequence is loaded, which happens only after this, with the first frame.
        System.setProperty("org.jline.utils.disableAlternateCharset", "true");
        // JLine finds its terminal providers through resources of its own bundle
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(TerminalBuilder.class.getClassLoader());
        try {
            // JNI first: system calls for raw mode and the size; the exec provider (the fallback where the native
            // library cannot load) starts a stty process for each, which costs seconds on a loaded machine
            Terminal terminal = TerminalBuilder.builder().system(true).providers("jni,exec").dumb(false)
                    .encoding(StandardCharsets.UTF_8).nativeSignals(true).build();
            return new TerminalScreen(terminal);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    int width() {
        return Math.max(1, size.getColumns());
    }

    int height() {
        return Math.max(1, size.getRows());
    }

    /** Calls {@code changed} with the new columns and rows whenever the terminal is resized. */
    void onResize(BiConsumer<Integer, Integer> changed) {
        terminal.handle(Terminal.Signal.WINCH, signal -> {
            Size now = terminal.getSize();
            changed.accept(now.getColumns(), now.getRows());
        });
    }

    /** @return the keys of the terminal */
    KeyDecoder.Source keys() {
        return timeout -> reader.read(timeout);
    }

    /** Takes a new size: the next frame is drawn from scratch, since the terminal rewrapped what it showed. */
    synchronized void resize(int columns, int rows) {
        size = new Size(columns, rows);
        terminal.puts(Capability.clear_screen);
        display.clear();
        display.resize(rows, columns);
    }

    /** The next frame is drawn whole (Ctrl-L). */
    synchronized void redraw() {
        terminal.puts(Capability.clear_screen);
        display.clear();
    }

    /** Draws a frame: only the lines that changed are sent. */
    synchronized void draw(View.Frame frame) {
        if (restored) {
            return;
        }
        boolean showCursor = frame.cursorRow() >= 0;
        if (showCursor != cursorShown) {
            terminal.puts(showCursor ? Capability.cursor_visible : Capability.cursor_invisible);
            cursorShown = showCursor;
        }
        int cursor = showCursor ? size.cursorPos(frame.cursorRow(), Math.min(frame.cursorColumn(), width() - 1))
                : size.cursorPos(height() - 1, 0);
        display.update(frame.lines(), cursor, true);
    }

    private synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        try {
            terminal.writer().write(PASTE_OFF);
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.keypad_local);
            terminal.puts(Capability.exit_ca_mode);
            terminal.flush();
            terminal.setAttributes(saved);
            if (exact != null) {
                exact.restore();
            }
        } catch (RuntimeException e) {
            // a terminal that went away cannot be restored
        }
    }

    /**
     * The shutdown hook. JLine's own hook, which runs beside it in any order, closes the terminal and
     * so sets JLine's lossy copy of the settings back. Closing the terminal here first takes JLine's
     * task out of its hook, or waits until that task has run (adding, removing and running the tasks
     * all hold {@code ShutdownHooks}' lock), so the exact settings go last either way.
     */
    private void restoreAtExit() {
        restore();
        if (exact == null) {
            return;
        }
        try {
            terminal.close();
        } catch (IOException | RuntimeException e) {
            // a terminal that went away
        }
        exact.restore();
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // closing a terminal that went away
        }
        // closing sets JLine's copy of the settings back, without the line speed: the exact ones go last
        if (exact != null) {
            exact.restore();
        }
    }
}
