package org.openpista.tool.desktop.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.openpista.api.chat.Cancellation;
import org.openpista.tool.support.ChildProcess;
import org.openpista.tool.support.Watchdog;

/**
 * Shows a desktop notification: on Linux and the BSDs a {@code Notify} call to {@code
 * org.freedesktop.Notifications} on the session bus, made by this bundle over the bus's socket file
 * ({@link DBusConnection}); where the bus address is no socket file (an abstract socket, TCP) through
 * {@code notify-send} or {@code gdbus}; on macOS through {@code osascript}. The body is escaped as
 * markup only when the notification service says it reads markup, so it shows as written.
 */
final class Notifier {

    /** The session bus's address: the desktop's helpers (notify-send, gdbus, the clipboard's) get it besides {@link ChildProcess#PASSED}. */
    static final String SESSION_BUS = "DBUS_SESSION_BUS_ADDRESS";

    static final String SERVICE = "org.freedesktop.Notifications";
    static final String SERVICE_PATH = "/org/freedesktop/Notifications";

    static final String NO_SERVICE = "no notification service runs on the session bus (nobody owns"
            + " org.freedesktop.Notifications): the desktop has no notification daemon; install one such as dunst"
            + " or mako (sudo apt install dunst), or use a desktop that has one";

    static final String NO_BUS = "there is no D-Bus session bus to send it to: the daemon has no"
            + " DBUS_SESSION_BUS_ADDRESS and there is no $XDG_RUNTIME_DIR/bus, so it runs outside a desktop session;"
            + " set [tools.desktop] bus_address, for example \"unix:path=/run/user/1000/bus\"";

    /** What a notification says. */
    record Notification(String title, String body, String urgency) {}

    private final DesktopSettings settings;
    private final Map<String, String> environment;
    private final boolean macOs;

    Notifier(DesktopSettings settings, Map<String, String> environment, String osName) {
        this.settings = settings;
        this.environment = Map.copyOf(environment);
        this.macOs = osName != null && osName.startsWith("Mac");
    }

    /**
     * @return how it was shown, for the model
     * @throws DesktopException when no way to notify works here
     */
    String send(Notification notification, Duration timeout, Cancellation cancellation) throws IOException {
        if (macOs) {
            return osascript(notification, timeout, cancellation);
        }
        String address = busAddress();
        if (address == null) {
            throw new DesktopException(NO_BUS);
        }
        DBusAddress parsed;
        try {
            parsed = DBusAddress.parse(address);
        } catch (IllegalArgumentException e) {
            throw new DesktopException("the session bus address \"" + address + "\" is malformed: " + e.getMessage());
        }
        if (parsed.socket() != null) {
            return dbus(parsed, notification, timeout, cancellation);
        }
        return command(address, notification, timeout, cancellation);
    }

    /** @return the session bus's address: configured, from the environment, or the usual socket file */
    String busAddress() {
        if (!settings.busAddress().isEmpty()) {
            return settings.busAddress();
        }
        String variable = environment.getOrDefault("DBUS_SESSION_BUS_ADDRESS", "").strip();
        if (!variable.isEmpty()) {
            return variable;
        }
        String runtime = environment.getOrDefault("XDG_RUNTIME_DIR", "").strip();
        List<Path> candidates = new ArrayList<>();
        if (!runtime.isEmpty()) {
            candidates.add(Path.of(runtime, "bus"));
        }
        Integer uid = uid();
        if (uid != null) {
            candidates.add(Path.of("/run/user", uid.toString(), "bus"));
        }
        return candidates.stream().filter(Files::exists).findFirst().map(path -> "unix:path=" + path).orElse(null);
    }

    private String dbus(DBusAddress address, Notification notification, Duration timeout, Cancellation cancellation)
            throws IOException {
        Integer uid = uid();
        if (uid == null) {
            throw new DesktopException("cannot tell this process's user id, which the session bus asks for");
        }
        AtomicReference<Closeable> open = new AtomicReference<>();
        Watchdog watchdog = new Watchdog(cancellation, timeout, () -> {
            try {
                Closeable channel = open.get();
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // closing is how a blocked read is ended
            }
        });
        try (watchdog; DBusConnection bus = DBusConnection.open(address.socket(), uid, open::set)) {
            List<?> capabilities;
            try {
                capabilities = (List<?>) bus.call(SERVICE, SERVICE_PATH, SERVICE, "GetCapabilities", "", List.of())
                        .arguments().get(0);
            } catch (DBusException e) {
                if (e.name().equals(DBusException.SERVICE_UNKNOWN)) {
                    throw new DesktopException(NO_SERVICE);
                }
                capabilities = List.of();
            }
            String body = capabilities.contains("body-markup") ? escapeMarkup(notification.body()) : notification.body();
            Map<String, Variant> hints = notification.urgency() == null ? Map.of()
                    : Map.of("urgency", new Variant("y", (byte) urgencyLevel(notification.urgency())));
            DBusMessage reply = bus.call(SERVICE, SERVICE_PATH, SERVICE, "Notify", "susssasa{sv}i",
                    List.of(settings.appName(), 0, "", notification.title(), body, List.of(), hints,
                            settings.notifyTimeoutMs()));
            return "notification " + Integer.toUnsignedString((Integer) reply.arguments().get(0))
                    + " shown (D-Bus, " + SERVICE + ")";
        } catch (DBusException e) {
            throw new DesktopException(e.name().equals(DBusException.SERVICE_UNKNOWN) ? NO_SERVICE
                    : "the notification service refused it: " + e.getMessage());
        } catch (IOException e) {
            if (e instanceof DesktopException) {
                throw e;
            }
            if (watchdog.reason() != null) {
                throw new DesktopException("the session bus did not answer: " + watchdog.reason());
            }
            throw new DesktopException("cannot reach the session bus at " + address.text() + ": " + e.getMessage());
        }
    }

    private String command(String address, Notification notification, Duration timeout, Cancellation cancellation)
            throws IOException {
        Map<String, String> child = ChildProcess.environment(environment, Notifier.SESSION_BUS);
        child.put("DBUS_SESSION_BUS_ADDRESS", address);
        Path notifySend = ChildProcess.find("notify-send", environment);
        Path gdbus = ChildProcess.find("gdbus", environment);
        List<String> command;
        String how;
        if (notifySend != null) {
            command = notifySendCommand(notifySend, settings, notification);
            how = "notify-send";
        } else if (gdbus != null) {
            command = gdbusCommand(gdbus, address, settings, notification);
            how = "gdbus";
        } else {
            throw new DesktopException("the session bus at " + address + " is no socket file, which openpista can reach"
                    + " only through notify-send or gdbus, and neither is installed (Debian/Ubuntu: sudo apt install"
                    + " libnotify-bin)");
        }
        ChildProcess.Outcome outcome = ChildProcess.run(command, child, null, timeout, cancellation, 64 * 1024, false);
        if (outcome.stopped() != null) {
            throw new DesktopException(how + " was stopped: " + outcome.stopped());
        }
        if (outcome.exitCode() != 0) {
            String problem = outcome.problem();
            throw new DesktopException(problem.contains("ServiceUnknown") ? NO_SERVICE
                    : how + " could not show it: " + problem);
        }
        return "notification shown (" + how + ")";
    }

    private String osascript(Notification notification, Duration timeout, Cancellation cancellation)
            throws IOException {
        Path osascript = ChildProcess.find("osascript", environment);
        if (osascript == null) {
            throw new DesktopException("osascript, macOS's own scripting program, is not on PATH");
        }
        ChildProcess.Outcome outcome = ChildProcess.run(osascriptCommand(osascript, notification),
                ChildProcess.environment(environment, Notifier.SESSION_BUS), null, timeout, cancellation, 64 * 1024, false);
        if (outcome.stopped() != null) {
            throw new DesktopException("osascript was stopped: " + outcome.stopped());
        }
        if (outcome.exitCode() != 0) {
            throw new DesktopException("osascript could not show it: " + outcome.problem());
        }
        return "notification shown (macOS Notification Center)";
    }

    static List<String> notifySendCommand(Path program, DesktopSettings settings,
            Notification notification) {
        List<String> command = new ArrayList<>(List.of(program.toString(), "--app-name=" + settings.appName()));
        if (notification.urgency() != null) {
            command.add("--urgency=" + notification.urgency());
        }
        if (settings.notifyTimeoutMs() >= 0) {
            command.add("--expire-time=" + settings.notifyTimeoutMs());
        }
        command.addAll(List.of("--", notification.title(), notification.body()));
        return command;
    }

    static List<String> gdbusCommand(Path program, String address, DesktopSettings settings,
            Notification notification) {
        String hints = notification.urgency() == null ? "@a{sv} {}"
                : "{'urgency': <byte " + urgencyLevel(notification.urgency()) + ">}";
        return List.of(program.toString(), "call", "--address", address, "--dest", SERVICE, "--object-path",
                SERVICE_PATH, "--method", SERVICE + ".Notify", "--", gvariant(settings.appName()), "0", "\"\"",
                gvariant(notification.title()), gvariant(notification.body()), "@as []", hints,
                Integer.toString(settings.notifyTimeoutMs()));
    }

    /** The text goes in as arguments of the script, never into its source. */
    static List<String> osascriptCommand(Path program, Notification notification) {
        return List.of(program.toString(), "-e", "on run argv",
                "-e", "display notification (item 2 of argv) with title (item 1 of argv)", "-e", "end run",
                notOption(notification.title()), notOption(notification.body()));
    }

    static int urgencyLevel(String urgency) {
        return switch (urgency) {
            case "low" -> 0;
            case "critical" -> 2;
            default -> 1;
        };
    }

    /** @return the text with the three characters notification markup gives a meaning escaped */
    static String escapeMarkup(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** @return the text as a GVariant string literal, as gdbus parses its arguments */
    static String gvariant(String text) {
        StringBuilder literal = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> literal.append("\\\\");
                case '"' -> literal.append("\\\"");
                case '\n' -> literal.append("\\n");
                case '\t' -> literal.append("\\t");
                case '\r' -> literal.append("\\r");
                default -> {
                    if (c < 0x20) {
                        literal.append(String.format("\\u%04x", (int) c));
                    } else {
                        literal.append(c);
                    }
                }
            }
        }
        return literal.append('"').toString();
    }

    private static String notOption(String text) {
        return text.startsWith("-") ? " " + text : text;
    }

    /** @return this process's user id, or {@code null} where it cannot be told */
    static Integer uid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            try {
                Path probe = Files.createTempFile("openpista-uid", ".tmp");
                try {
                    return (Integer) Files.getAttribute(probe, "unix:uid");
                } finally {
                    Files.deleteIfExists(probe);
                }
            } catch (IOException | UnsupportedOperationException | IllegalArgumentException unknown) {
                return null;
            }
        }
    }
}
