package org.openpista.tool.desktop.internal;

import java.time.Duration;

/**
 * {@code [tools.desktop]} checked; values out of range are brought into it.
 *
 * @param display the configured X11 display, empty for the daemon's {@code DISPLAY}
 * @param busAddress the configured session bus, empty for the daemon's
 * @param appName the sender's name on notifications
 * @param notifyTimeoutMs -1 for the desktop's choice, 0 for until dismissed
 * @param maxChars the most characters of the clipboard given to the model
 * @param timeout how long one call may take
 */
record DesktopSettings(String display, String busAddress, String appName, int notifyTimeoutMs, int maxChars,
        Duration timeout) {

    static DesktopSettings of(DesktopConfig config) {
        String appName = config.app_name() == null || config.app_name().isBlank() ? "openpista" : config.app_name().strip();
        return new DesktopSettings(
                config.display() == null ? "" : config.display().strip(),
                config.bus_address() == null ? "" : config.bus_address().strip(),
                appName,
                Math.max(-1, Math.min(3_600_000, config.notify_timeout_ms())),
                Math.max(100, Math.min(1_000_000, config.max_chars())),
                Duration.ofSeconds(Math.max(1, Math.min(600, config.timeout_secs()))));
    }
}
