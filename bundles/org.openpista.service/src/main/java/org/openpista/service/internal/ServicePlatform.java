package org.openpista.service.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A service manager: where its definition file goes, what it contains, and the commands that load,
 * unload and ask about it ({@code systemctl --user}, {@code launchctl}).
 */
sealed interface ServicePlatform {

    /** The output of a manager command. */
    record Outcome(int status, String output) {
        boolean ok() {
            return status == 0;
        }
    }

    ServiceDefinition service();

    Path file();

    String definition();

    /** @return commands that (re)start the service from its file and at every log-in */
    List<List<String>> load();

    /** @return commands that stop the service and forget it */
    List<List<String>> unload();

    /** @return commands whose output tells the state, each labelled */
    List<List<String>> status();

    /** A systemd user unit. */
    record Systemd(ServiceDefinition service, Path configHome) implements ServicePlatform {
        String unit() {
            return service.name() + ".service";
        }

        @Override
        public Path file() {
            return SystemdUnit.folder(configHome).resolve(unit());
        }

        @Override
        public String definition() {
            return SystemdUnit.of(service);
        }

        @Override
        public List<List<String>> load() {
            return List.of(systemctl("daemon-reload"), systemctl("enable", unit()), systemctl("restart", unit()));
        }

        @Override
        public List<List<String>> unload() {
            return List.of(systemctl("disable", "--now", unit()));
        }

        @Override
        public List<List<String>> status() {
            return List.of(systemctl("is-enabled", unit()), systemctl("is-active", unit()));
        }

        private static List<String> systemctl(String... args) {
            List<String> command = new java.util.ArrayList<>(List.of("systemctl", "--user"));
            command.addAll(List.of(args));
            return command;
        }
    }

    /** A launchd agent of the logged-in user. */
    record Launchd(ServiceDefinition service, Path userHome, long uid) implements ServicePlatform {
        @Override
        public Path file() {
            return LaunchdAgent.folder(userHome).resolve(LaunchdAgent.label(service) + ".plist");
        }

        @Override
        public String definition() {
            return LaunchdAgent.of(service);
        }

        @Override
        public List<List<String>> load() {
            return List.of(List.of("launchctl", "bootstrap", "gui/" + uid, file().toString()));
        }

        @Override
        public List<List<String>> unload() {
            return List.of(List.of("launchctl", "bootout", "gui/" + uid + "/" + LaunchdAgent.label(service)));
        }

        @Override
        public List<List<String>> status() {
            return List.of(List.of("launchctl", "print", "gui/" + uid + "/" + LaunchdAgent.label(service)));
        }
    }

    /** Runs a manager command; a missing program is an outcome too (status 127), not an exception. */
    static Outcome run(List<String> command) throws InterruptedException {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            java.util.concurrent.CompletableFuture<String> output = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try (var stream = process.getInputStream()) {
                    return new String(stream.readAllBytes(), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    return "";
                }
            });
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Outcome(124, String.join(" ", command) + " did not finish within 60 s");
            }
            return new Outcome(process.exitValue(), output.join());
        } catch (IOException e) {
            return new Outcome(127, command.get(0) + " cannot be run here (" + e.getMessage() + ")");
        }
    }
}
