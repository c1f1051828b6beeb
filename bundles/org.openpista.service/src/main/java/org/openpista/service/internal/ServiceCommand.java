package org.openpista.service.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;

/**
 * {@code openpista service install|uninstall|status}: the daemon of this home as a service of the
 * user's service manager, so that it runs without a terminal, comes back after a crash and starts
 * with the session: a systemd user unit on Linux, a launchd agent on macOS.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=service", scope = ServiceScope.PROTOTYPE)
@Command(name = "service", mixinStandardHelpOptions = true,
        description = {"Runs the daemon of this home as a service: a systemd user unit (Linux) or a launchd agent (macOS), "
                + "restarted when it fails and started when you log in.",
            "",
            "Secrets for the service (OPENAI_API_KEY=..., one per line) go into HOME/service.env, which install creates "
                + "owner-only; the daemon reads config.toml and your logins as always."},
        subcommands = {ServiceCommand.Install.class, ServiceCommand.Uninstall.class, ServiceCommand.Status.class})
public final class ServiceCommand implements CliCommand, Runnable {

    private final Path home;
    private final String dist;
    private final Path userHome;
    private final String configHome;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "openpista", scope = ScopeType.INHERIT,
            description = "The service's name (default: ${DEFAULT-VALUE}; another for a second home).")
    String name;

    @Option(names = "--platform", paramLabel = "systemd|launchd", scope = ScopeType.INHERIT,
            description = "The service manager (default: launchd on macOS, systemd elsewhere).")
    String platform;

    @Activate
    public ServiceCommand(BundleContext context) {
        this.home = ConfigurationLoader.home(context);
        this.dist = context.getProperty("openpista.dist");
        this.userHome = ConfigurationLoader.userHome();
        this.configHome = ConfigurationLoader.getenv(context, "XDG_CONFIG_HOME");
    }

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    /** @return the service manager and what it runs, or {@code null} after saying why there is none */
    ServicePlatform platform(PrintStream err) {
        if (dist == null || !Files.isExecutable(Path.of(dist, "bin", "openpista"))) {
            err.println("openpista: this openpista has no distribution folder with bin/openpista to run as a service");
            return null;
        }
        Path executable = Path.of(dist, "bin", "openpista").toAbsolutePath().normalize();
        ServiceDefinition service;
        try {
            service = new ServiceDefinition(name, executable, home.toAbsolutePath(), home.toAbsolutePath().resolve("service.env"));
        } catch (IllegalArgumentException e) {
            err.println("openpista: " + e.getMessage());
            return null;
        }
        String chosen = platform != null ? platform
                : System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("mac") ? "launchd" : "systemd";
        return switch (chosen) {
            case "systemd" -> new ServicePlatform.Systemd(service,
                    configHome == null || configHome.isBlank() ? userHome.resolve(".config") : Path.of(configHome));
            case "launchd" -> new ServicePlatform.Launchd(service, userHome, uid());
            default -> {
                err.println("openpista: unknown service manager '" + chosen + "' (systemd or launchd)");
                yield null;
            }
        };
    }

    private long uid() {
        try {
            return ((Number) Files.getAttribute(userHome, "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return 0;
        }
    }

    /** Runs manager commands in order; says what failed and stops there. */
    static boolean runAll(List<List<String>> commands, PrintStream err) throws InterruptedException {
        for (List<String> command : commands) {
            ServicePlatform.Outcome outcome = ServicePlatform.run(command);
            if (!outcome.ok()) {
                err.println("openpista: " + String.join(" ", command) + " failed (exit " + outcome.status() + ")"
                        + (outcome.output().isEmpty() ? "" : ": " + outcome.output()));
                return false;
            }
        }
        return true;
    }

    /** Writes a file through a temporary one beside it, so a reader never sees half of it. */
    static void write(Path file, String content, String mode) throws IOException {
        Files.createDirectories(file.getParent());
        Path temporary = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
        try {
            Files.writeString(temporary, content, StandardCharsets.UTF_8);
            try {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /** @return the PID of a daemon running for this home outside the service manager, or 0 */
    long runningDaemon() {
        try {
            String pid = Files.readString(home.resolve("openpista.pid"), StandardCharsets.US_ASCII).strip();
            long value = Long.parseLong(pid.lines().findFirst().orElse("0").strip());
            return ProcessHandle.of(value).filter(ProcessHandle::isAlive).isPresent() ? value : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    Path home() {
        return home;
    }

    /** {@code service install}. */
    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Writes the service's definition and starts it (again, after an upgrade). Exit 0 running, "
                + "1 the manager refused (the file stays, see the message), 2 bad usage."})
    static final class Install implements Callable<Integer> {
        @ParentCommand
        ServiceCommand parent;

        @Option(names = "--print", description = "Print the definition and change nothing.")
        boolean print;

        @Option(names = "--no-start", description = "Write the definition only; start it later with the manager.")
        boolean noStart;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            PrintStream err = System.err;
            ServicePlatform platform = parent.platform(err);
            if (platform == null) {
                return 2;
            }
            if (print) {
                out.print(platform.definition());
                return 0;
            }
            Path environment = platform.service().environmentFile();
            if (!Files.exists(environment)) {
                write(environment, "# Variables for the openpista service, one KEY=value a line (read at every start;\n"
                        + "# the daemon keeps them out of its environment). For example:\n# OPENAI_API_KEY=sk-...\n", "rw-------");
            }
            write(platform.file(), platform.definition(), "rw-r--r--");
            out.println("wrote " + platform.file());
            if (noStart) {
                out.println("not started (--no-start); environment file: " + environment);
                return 0;
            }
            long running = parent.runningDaemon();
            if (running > 0 && !(platform instanceof ServicePlatform.Systemd && managedBySystemd(running))) {
                err.println("openpista: a daemon already runs for " + parent.home() + " (PID " + running + ") outside the service;"
                        + " stop it first ('openpista stop'), then run 'openpista service install' again");
                return 1;
            }
            if (!runAll(platform.load(), err)) {
                err.println("openpista: the service is written but not running; see the message above");
                return 1;
            }
            out.println("the service '" + parent.name + "' runs the daemon of " + parent.home()
                    + " and starts when you log in; environment file: " + environment);
            return 0;
        }

        private static boolean managedBySystemd(long pid) {
            try {
                return Files.readString(Path.of("/proc", Long.toString(pid), "cgroup")).contains(".service");
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** {@code service uninstall}. */
    @Command(name = "uninstall", mixinStandardHelpOptions = true,
            description = {"Stops the service and removes its definition (the home and service.env stay). "
                + "Exit 0 removed, 1 not installed or the manager refused."})
    static final class Uninstall implements Callable<Integer> {
        @ParentCommand
        ServiceCommand parent;

        @Override
        public Integer call() throws Exception {
            ServicePlatform platform = parent.platform(System.err);
            if (platform == null) {
                return 2;
            }
            if (!Files.exists(platform.file())) {
                System.err.println("openpista: no service is installed (" + platform.file() + " does not exist)");
                return 1;
            }
            boolean stopped = runAll(platform.unload(), System.err);
            Files.delete(platform.file());
            if (platform instanceof ServicePlatform.Systemd) {
                ServicePlatform.run(List.of("systemctl", "--user", "daemon-reload"));
            }
            System.out.println("removed " + platform.file() + (stopped ? "" : " (the manager could not stop it: see above)"));
            return stopped ? 0 : 1;
        }
    }

    /** {@code service status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Whether the service is installed, enabled and running. Exit 0 installed, 1 not installed."})
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ServiceCommand parent;

        @Override
        public Integer call() throws Exception {
            ServicePlatform platform = parent.platform(System.err);
            if (platform == null) {
                return 2;
            }
            if (!Files.exists(platform.file())) {
                System.out.println("service '" + parent.name + "': not installed ('openpista service install' installs it)");
                return 1;
            }
            System.out.println("service '" + parent.name + "': installed in " + platform.file());
            for (List<String> command : platform.status()) {
                ServicePlatform.Outcome outcome = ServicePlatform.run(command);
                String what = String.join(" ", command.subList(command.size() - 2, command.size()));
                String answer = outcome.output().lines().findFirst().orElse("(no answer)");
                System.out.println("  " + what + ": " + answer);
            }
            return 0;
        }
    }
}
