package org.openpista.tool.screen.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.openpista.api.chat.Cancellation;
import org.openpista.tool.support.ChildProcess;
import org.openpista.tool.support.Watchdog;

/**
 * Decides how a call captures the screen and does it over X11: the backend the settings name, or
 * with {@code auto} macOS's {@code screencapture}, {@code grim} in a Wayland session that has it,
 * else the X11 display. Nothing here runs before a tool is called: no display is opened and no
 * program looked for while the daemon starts.
 */
final class Screens {

    static final String NO_DISPLAY = "there is no screen to capture: the daemon has neither DISPLAY nor"
            + " WAYLAND_DISPLAY, so it runs outside a desktop session (a server, systemd, ssh without -X). On a"
            + " machine with a desktop, set [tools.screen] display = \":0\" in config.toml, and XAUTHORITY for"
            + " the daemon when the X server asks for a cookie";

    static final String GRIM_MISSING = "grim is not installed (Debian/Ubuntu: sudo apt install grim). It captures"
            + " Wayland compositors that offer wlr-screencopy (sway, Hyprland, river, labwc); GNOME and KDE let no"
            + " program capture the screen without asking the user";

    private final ScreenSettings settings;
    private final Map<String, String> environment;
    private final boolean macOs;

    /**
     * @param environment the daemon's environment
     * @param osName the value of {@code os.name}
     */
    Screens(ScreenSettings settings, Map<String, String> environment, String osName) {
        this.settings = settings;
        this.environment = Map.copyOf(environment);
        this.macOs = osName != null && osName.startsWith("Mac");
    }

    /**
     * @param requested the call's {@code display}, or {@code null}
     * @throws ScreenException when nothing can capture on this machine
     */
    Target target(String requested) throws ScreenException {
        String wayland = environment.getOrDefault("WAYLAND_DISPLAY", "").strip();
        String x11 = requested != null ? requested
                : !settings.display().isEmpty() ? settings.display() : environment.getOrDefault("DISPLAY", "").strip();
        String chosen = requested == null ? "" : requested;
        switch (settings.backend()) {
            case "x11":
                return x11Target(x11, "");
            case "grim":
                return new Target("grim", chosen, "");
            case "screencapture":
                return new Target("screencapture", chosen, "");
            default:
                break;
        }
        if (macOs) {
            return new Target("screencapture", chosen, "");
        }
        boolean x11Name = requested != null && requested.contains(":");
        if (!wayland.isEmpty() && !x11Name) {
            if (ChildProcess.find("grim", environment) != null) {
                return new Target("grim", chosen, "");
            }
            if (x11.isEmpty() || requested != null) {
                throw new ScreenException("cannot capture this Wayland session: " + GRIM_MISSING);
            }
            return x11Target(x11, "This is a Wayland session without grim: the picture comes from XWayland and"
                    + " shows X11 windows only (" + GRIM_MISSING + ").");
        }
        return x11Target(x11, "");
    }

    private static Target x11Target(String display, String note) throws ScreenException {
        if (display.isEmpty()) {
            throw new ScreenException(NO_DISPLAY);
        }
        try {
            X11Display.parse(display);
        } catch (IllegalArgumentException e) {
            throw new ScreenException(e.getMessage());
        }
        return new Target("x11", display, note);
    }

    /** Captures a target as a PNG. */
    Shot png(Target target, Region region, Cancellation cancellation, Duration timeout) throws IOException {
        if (!target.backend().equals("x11")) {
            return new CommandCapture(environment).png(target, region, cancellation, timeout);
        }
        return x11(target, cancellation, timeout, connection -> {
            Region part = part(connection, region);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            X11Capture.png(connection, part, out);
            return new Shot(out.toByteArray(), part.width(), part.height(), describe(connection, region, part),
                    target.note());
        });
    }

    /**
     * Captures a target in grey for recognition.
     *
     * @return the image, what it shows, and where its top left corner is on the screen
     */
    Scan grey(Target target, Region region, Cancellation cancellation, Duration timeout) throws IOException {
        if (!target.backend().equals("x11")) {
            Shot shot = new CommandCapture(environment).png(target, region, cancellation, timeout);
            GreyImage image = new GreyImage(shot.width(), shot.height());
            PngReader.read(shot.png(), image::row);
            return new Scan(image, shot.what(), region == null ? 0 : region.x(), region == null ? 0 : region.y());
        }
        return x11(target, cancellation, timeout, connection -> {
            Region part = part(connection, region);
            GreyImage image = new GreyImage(part.width(), part.height());
            X11Capture.read(connection, part, image::row);
            return new Scan(image, describe(connection, region, part), part.x(), part.y());
        });
    }

    /** Work on an open X connection. */
    @FunctionalInterface
    interface OnDisplay<T> {
        T apply(X11Connection connection) throws IOException;
    }

    private <T> T x11(Target target, Cancellation cancellation, Duration timeout, OnDisplay<T> work)
            throws IOException {
        X11Display display = X11Display.parse(target.display());
        XAuthority.Cookie cookie = XAuthority.find(XAuthority.file(environment), display, hostName());
        AtomicReference<Closeable> open = new AtomicReference<>();
        Watchdog watchdog = new Watchdog(cancellation, timeout, () -> {
            Closeable channel = open.get();
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing is how a blocked connect or read is ended
                }
            }
        });
        try (watchdog; X11Connection connection = X11Connection.open(display, cookie, open::set)) {
            if (watchdog.reason() != null) {
                throw new ScreenException("the capture was stopped: " + watchdog.reason());
            }
            return work.apply(connection);
        } catch (IOException e) {
            if (watchdog.reason() != null) {
                throw new ScreenException("the capture of " + display.name() + " was stopped: " + watchdog.reason());
            }
            throw e instanceof ScreenException ? e
                    : new ScreenException("the capture of the X11 display " + display.name() + " failed: " + e.getMessage());
        }
    }

    private static Region part(X11Connection connection, Region region) throws ScreenException {
        X11Connection.Screen screen = connection.screen();
        return (region == null ? Region.of(screen.width(), screen.height()) : region)
                .clip(screen.width(), screen.height());
    }

    private static String describe(X11Connection connection, Region asked, Region part) {
        X11Connection.Screen screen = connection.screen();
        String display = "the X11 display " + connection.display().name() + " (" + screen.width() + "x"
                + screen.height() + ")";
        if (asked == null) {
            return display;
        }
        return "the region " + part + " of " + display + (part.equals(asked) ? "" : ", cut from " + asked);
    }

    /** @return this machine's name as {@code gethostname} gives it, which X authority files record */
    static String hostName() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
        } catch (IOException | RuntimeException e) {
            try {
                return java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                return "localhost";
            }
        }
    }
}
