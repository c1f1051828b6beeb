package org.openpista.tool.desktop.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The {@code [tools.desktop]} table, read by both tools of the bundle ({@link NotifyTool}
 * designates it, {@link ClipboardTool} reads the same PID); a type of its own because two components
 * share it.
 */
@ObjectClassDefinition(
        name = "openpista desktop tools",
        description = "system.notify and system.clipboard: the desktop session they reach and their limits.")
public @interface DesktopConfig {

    @AttributeDefinition(
            name = "Display",
            description = "The X11 display whose clipboard system.clipboard uses, for example \":0\" when the"
                    + " daemon was started outside the desktop session (by systemd, over ssh). Empty: the daemon's"
                    + " WAYLAND_DISPLAY or DISPLAY.")
    String display() default "";

    @AttributeDefinition(
            name = "Session bus",
            description = "The D-Bus session bus system.notify sends to. Empty: DBUS_SESSION_BUS_ADDRESS, else"
                    + " $XDG_RUNTIME_DIR/bus, else /run/user/<uid>/bus.")
    String bus_address() default "";

    @AttributeDefinition(
            name = "Application name",
            description = "The sender's name notifications show.")
    String app_name() default "openpista";

    @AttributeDefinition(
            name = "Notification time (ms)",
            description = "How long a notification stays: -1 as the desktop decides, 0 until it is dismissed.",
            min = "-1",
            max = "3600000")
    int notify_timeout_ms() default -1;

    @AttributeDefinition(
            name = "Clipboard limit (characters)",
            description = "Characters of the clipboard given to the model when it reads it; the rest is cut with a"
                    + " note.",
            min = "100",
            max = "1000000")
    int max_chars() default 20_000;

    @AttributeDefinition(
            name = "Timeout (s)",
            description = "Seconds a notification or a clipboard access may take.",
            min = "1",
            max = "600")
    int timeout_secs() default 10;
}
