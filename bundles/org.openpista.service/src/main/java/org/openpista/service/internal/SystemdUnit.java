package org.openpista.service.internal;

import java.nio.file.Path;

/**
 * The systemd user unit of a {@link ServiceDefinition}: the foreground daemon, restarted when it fails
 * (not when it was stopped or exited cleanly), started with the user's session ({@code
 * default.target}; with {@code loginctl enable-linger} at boot). The start script keeps secrets of the
 * environment file out of the JVM's environment, as for any start.
 */
final class SystemdUnit {

    private SystemdUnit() {}

    static String of(ServiceDefinition service) {
        return """
                # openpista as a systemd user service, written by 'openpista service install'
                # (systemctl --user status|restart|stop %1$s; journalctl --user -u %1$s)
                [Unit]
                Description=openpista daemon (home %2$s)
                Documentation=%7$s

                [Service]
                Type=simple
                ExecStart=%3$s --home %4$s start --foreground
                Environment=%5$s
                EnvironmentFile=-%6$s
                Restart=on-failure
                RestartSec=5
                # SIGTERM: running turns finish within [agent] shutdown_grace_secs
                TimeoutStopSec=90
                UMask=0077

                [Install]
                WantedBy=default.target
                """.formatted(service.name(), value(service.home().toString()), quoted(service.executable()),
                quoted(service.home()), quoted("OPENPISTA_HOME=" + service.home()), value(service.environmentFile().toString()),
                value(service.executable().getParent().resolveSibling("README.md").toUri().toString()));
    }

    /** A word of ExecStart or Environment: double-quoted, with systemd's escapes and % doubled. */
    static String quoted(Object word) {
        return "\"" + value(word.toString()).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A setting's value: systemd expands % specifiers everywhere, so a literal % is %%. */
    private static String value(String text) {
        if (text.contains("\n")) {
            throw new IllegalArgumentException("a path with a line break cannot go into a unit: " + text);
        }
        return text.replace("%", "%%");
    }

    /** @return where systemd looks for the user's own units */
    static Path folder(Path configHome) {
        return configHome.resolve("systemd/user");
    }
}
