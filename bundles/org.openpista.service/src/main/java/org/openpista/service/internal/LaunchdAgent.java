package org.openpista.service.internal;

import java.nio.file.Path;

/**
 * The launchd agent of a {@link ServiceDefinition} (macOS): started at log-in, started again when it
 * exits with a failure. launchd has no environment files: a shell reads it (when it exists) and then
 * becomes the daemon.
 */
final class LaunchdAgent {

    private LaunchdAgent() {}

    static String label(ServiceDefinition service) {
        return "org.openpista." + service.name();
    }

    static String of(ServiceDefinition service) {
        String reader = "set -a; [ -f \"$1\" ] && . \"$1\"; set +a; shift; exec \"$@\"";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <!-- openpista as a launchd agent, written by 'openpista service install' -->
                <plist version="1.0">
                <dict>
                  <key>Label</key>
                  <string>%s</string>
                  <key>ProgramArguments</key>
                  <array>
                    <string>/bin/sh</string>
                    <string>-c</string>
                    <string>%s</string>
                    <string>openpista-service</string>
                    <string>%s</string>
                    <string>%s</string>
                    <string>--home</string>
                    <string>%s</string>
                    <string>start</string>
                    <string>--foreground</string>
                  </array>
                  <key>EnvironmentVariables</key>
                  <dict>
                    <key>OPENPISTA_HOME</key>
                    <string>%s</string>
                  </dict>
                  <key>RunAtLoad</key>
                  <true/>
                  <key>KeepAlive</key>
                  <dict>
                    <key>SuccessfulExit</key>
                    <false/>
                  </dict>
                  <key>ThrottleInterval</key>
                  <integer>5</integer>
                  <key>ExitTimeOut</key>
                  <integer>90</integer>
                  <key>Umask</key>
                  <integer>63</integer>
                  <key>StandardOutPath</key>
                  <string>%s</string>
                  <key>StandardErrorPath</key>
                  <string>%s</string>
                </dict>
                </plist>
                """.formatted(xml(label(service)), xml(reader), xml(service.environmentFile()), xml(service.executable()),
                xml(service.home()), xml(service.home()), xml(service.home().resolve("logs/service.out")),
                xml(service.home().resolve("logs/service.out")));
    }

    /** @return where launchd looks for the user's agents */
    static Path folder(Path userHome) {
        return userHome.resolve("Library/LaunchAgents");
    }

    private static String xml(Object text) {
        return text.toString().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
