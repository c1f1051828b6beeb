package org.openpista.tool.desktop.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openpista.api.chat.Cancellation;
import org.openpista.tool.support.ChildProcess;

/**
 * The desktop's clipboard, as text, through the programs each desktop has for it: {@code wl-paste}
 * and {@code wl-copy} (wl-clipboard) in a Wayland session, {@code xclip} or else {@code xsel} on an
 * X11 display (also XWayland's), {@code pbpaste} and {@code pbcopy} on macOS. An X11 clipboard is
 * owned by a running program, so a write leaves xclip (or xsel, or wl-copy) running in the
 * background until another program takes the clipboard over; that is how every X11 clipboard works.
 */
final class Clipboard {

    static final String NO_SESSION = "there is no desktop session to reach the clipboard of: the daemon has"
            + " neither DISPLAY nor WAYLAND_DISPLAY (it runs on a server, from systemd or over ssh without -X); on a"
            + " machine with a desktop, set [tools.desktop] display = \":0\" in config.toml";

    static final String NO_X11_PROGRAM = "neither xclip nor xsel is installed (Debian/Ubuntu: sudo apt install xclip;"
            + " Fedora: sudo dnf install xclip)";

    static final String NO_WAYLAND_PROGRAM = "wl-clipboard is not installed (Debian/Ubuntu: sudo apt install"
            + " wl-clipboard; Fedora: sudo dnf install wl-clipboard)";

    /** The programs that read and write, and what they are. */
    record Programs(List<String> read, List<String> write, String what, boolean forks) {}

    private static final int MAX_READ = 16 * 1024 * 1024;

    private final Map<String, String> environment;
    private final String display;
    private final boolean macOs;

    /**
     * @param display the configured X11 display, empty for the daemon's {@code DISPLAY}
     * @param osName the value of {@code os.name}
     */
    Clipboard(String display, Map<String, String> environment, String osName) {
        this.environment = Map.copyOf(environment);
        this.display = display;
        this.macOs = osName != null && osName.startsWith("Mac");
    }

    /**
     * @return the programs this machine has for its clipboard
     * @throws DesktopException when there is no desktop session or no program for it
     */
    Programs programs() throws DesktopException {
        if (macOs) {
            Path paste = ChildProcess.find("pbpaste", environment);
            Path copy = ChildProcess.find("pbcopy", environment);
            if (paste == null || copy == null) {
                throw new DesktopException("pbcopy and pbpaste, macOS's own clipboard programs, are not on PATH");
            }
            return new Programs(List.of(paste.toString()), List.of(copy.toString()), "the macOS clipboard", false);
        }
        String wayland = environment.getOrDefault("WAYLAND_DISPLAY", "").strip();
        String x11 = !display.isEmpty() ? display : environment.getOrDefault("DISPLAY", "").strip();
        if (!wayland.isEmpty() && display.isEmpty()) {
            Path paste = ChildProcess.find("wl-paste", environment);
            Path copy = ChildProcess.find("wl-copy", environment);
            if (paste != null && copy != null) {
                return new Programs(List.of(paste.toString(), "--no-newline"), List.of(copy.toString()),
                        "the Wayland clipboard (wl-clipboard)", true);
            }
            if (x11.isEmpty()) {
                throw new DesktopException("cannot reach the clipboard of this Wayland session: " + NO_WAYLAND_PROGRAM);
            }
        }
        if (x11.isEmpty()) {
            throw new DesktopException(NO_SESSION);
        }
        Path xclip = ChildProcess.find("xclip", environment);
        if (xclip != null) {
            return new Programs(List.of(xclip.toString(), "-selection", "clipboard", "-out"),
                    List.of(xclip.toString(), "-selection", "clipboard", "-in"),
                    "the clipboard of the X11 display " + x11 + " (xclip)", true);
        }
        Path xsel = ChildProcess.find("xsel", environment);
        if (xsel != null) {
            return new Programs(List.of(xsel.toString(), "--clipboard", "--output"),
                    List.of(xsel.toString(), "--clipboard", "--input"),
                    "the clipboard of the X11 display " + x11 + " (xsel)", true);
        }
        throw new DesktopException("cannot reach the clipboard of the X11 display " + x11 + ": " + NO_X11_PROGRAM);
    }

    /** @return the clipboard's text, empty when it holds none */
    String read(Programs programs, Duration timeout, Cancellation cancellation) throws IOException {
        ChildProcess.Outcome outcome = ChildProcess.run(programs.read(), childEnvironment(), null, timeout,
                cancellation, MAX_READ, false);
        if (outcome.stopped() != null) {
            throw new DesktopException(name(programs.read()) + " was stopped: " + outcome.stopped());
        }
        if (outcome.exitCode() != 0) {
            String problem = outcome.problem();
            // xclip: "Error: target UTF8_STRING not available"; wl-paste: "Nothing is copied", "No selection"
            if (problem.contains("not available") || problem.contains("Nothing is copied")
                    || problem.contains("No selection")) {
                return "";
            }
            throw new DesktopException(name(programs.read()) + " could not read the clipboard: " + problem);
        }
        return outcome.text();
    }

    /** Puts text on the clipboard. */
    void write(Programs programs, String text, Duration timeout, Cancellation cancellation) throws IOException {
        ChildProcess.Outcome outcome = ChildProcess.run(programs.write(), childEnvironment(),
                text.getBytes(StandardCharsets.UTF_8), timeout, cancellation, 64 * 1024, programs.forks());
        if (outcome.stopped() != null) {
            throw new DesktopException(name(programs.write()) + " was stopped: " + outcome.stopped());
        }
        if (outcome.exitCode() != 0) {
            throw new DesktopException(name(programs.write()) + " could not write the clipboard: " + outcome.problem());
        }
    }

    private Map<String, String> childEnvironment() {
        Map<String, String> child = ChildProcess.environment(environment, Notifier.SESSION_BUS);
        if (!display.isEmpty()) {
            child.put("DISPLAY", display);
        }
        if (macOs) {
            // pbcopy and pbpaste take the text's encoding from the locale
            child.putIfAbsent("LANG", "en_US.UTF-8");
        }
        return child;
    }

    private static String name(List<String> command) {
        return Path.of(command.get(0)).getFileName().toString();
    }
}
