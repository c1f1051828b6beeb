package org.openpista.daemon.internal;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.command.CliCommand;
import org.openpista.api.command.PlainArguments;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code openpista start}: the daemon with every feature of the distribution and every enabled channel. */
@Component(service = CliCommand.class, property = {CliCommand.NAME + "=start", CliCommand.NEEDS_PROVIDER + "=true"},
        scope = ServiceScope.PROTOTYPE)
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Starts the daemon: every enabled channel, the cron scheduler, plugins from HOME/plugins and the admin "
                + "socket HOME/admin.sock (see 'openpista shell').",
            "",
            "Without --foreground it runs in the background: the command returns once the daemon is ready and prints "
                    + "its PID; its log is HOME/logs/openpista.0.log. With --foreground it stays attached: the log also "
                    + "goes to the terminal, lines typed are messages to session cli:local, /quit or Ctrl-C stops it.",
            "",
            "When the web chat runs, both print its URL with the token (Web chat: http://127.0.0.1:3210/#token=...).",
            "",
            "Exit status: 0 started (or, in the foreground, stopped cleanly), 1 it could not start or one is already "
                    + "running, 2 bad usage or configuration."})
public final class StartCommand implements CliCommand, PlainArguments, Callable<Integer> {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern READY = Pattern.compile("(?m)^openpista: ready");

    private final BundleContext context;
    private final ConfigurationLoader configuration;
    private final DaemonClient client;

    @Option(names = {"-f", "--foreground"}, description = "Stay attached to the terminal.")
    boolean foreground;

    @Option(names = "--detached", hidden = true, description = "Internal: the background child of 'openpista start'.")
    boolean detached;

    @Activate
    public StartCommand(BundleContext context, @Reference ConfigurationLoader configuration, @Reference DaemonClient client) {
        this.context = context;
        this.configuration = configuration;
        this.client = client;
    }

    /**
     * Reads {@code start}, {@code start --foreground} ({@code -f}) and {@code start --detached}
     * without picocli: the daemon's process then loads none of its classes (~180, none in the
     * class-data archive) and keeps no command model. Repeated options, help and anything else are
     * left to picocli ({@code StartCommandTest} checks that both read these the same way).
     */
    @Override
    public Callable<Integer> plain(List<String> args) {
        boolean attached = false;
        boolean child = false;
        for (String arg : args) {
            switch (arg) {
                case "-f", "--foreground" -> {
                    if (attached) {
                        return null;
                    }
                    attached = true;
                }
                case "--detached" -> {
                    if (child) {
                        return null;
                    }
                    child = true;
                }
                default -> {
                    return null;
                }
            }
        }
        foreground = attached;
        detached = child;
        return this;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path home = configuration.home();
        if (foreground || detached) {
            return new DaemonProcess(context, home, new DaemonProcess.Options(Set.of(), !detached, detached)).run(null);
        }
        return background(home, System.out, System.err);
    }

    /**
     * Runs {@code start --detached} in the background: the same launcher, detached from the terminal
     * ({@code setsid}), its output in {@code HOME/logs/daemon.out}; waits until it is ready, then
     * shows what its channels have to say (asked over the admin socket: the lines may hold
     * secrets, which never go to daemon.out).
     */
    private int background(Path home, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        PidFile.Status status = PidFile.inspect(PidFile.of(home));
        if (status.state() == PidFile.State.RUNNING) {
            err.println(DaemonProcess.alreadyRunning(home, status.pid()));
            return 1;
        }
        Path logs = Files.createDirectories(home.resolve("logs"));
        Path output = logs.resolve("daemon.out");
        ProcessBuilder builder = new ProcessBuilder(command(home))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()))
                .redirectErrorStream(true);
        // the variables the launcher kept out of this JVM's environment: the child's start script hands
        // them over to the daemon the same way
        builder.environment().putAll(ConfigurationLoader.environment(context));
        Process child = builder.start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!child.isAlive()) {
                int exit = child.exitValue();
                err.println("openpista: the daemon did not start (exit status " + exit + "):");
                tail(output, err);
                return exit == 2 ? 2 : 1;
            }
            PidFile.Status now = PidFile.inspect(PidFile.of(home));
            if (now.state() == PidFile.State.RUNNING && now.pid() == child.pid() && client.running().isPresent()
                    && READY.matcher(Files.readString(output, StandardCharsets.UTF_8)).find()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                err.println("openpista: the daemon (PID " + child.pid() + ") did not become ready within "
                        + READY_TIMEOUT.toSeconds() + " s; it keeps starting in the background, see "
                        + logs.resolve("openpista.0.log"));
                return 1;
            }
            Thread.sleep(50);
        }
        // what the configuration warned about was said by this command's own load already
        out.println("openpista started in the background (PID " + child.pid() + ", home " + home + ")");
        out.println("log: " + logs.resolve("openpista.0.log") + "; admin: openpista shell; stop: openpista stop");
        try {
            out.print(client.execute("openpista:ready"));
        } catch (IOException e) {
            err.println("openpista: warning: cannot ask the daemon what its channels say: " + e.getMessage());
        }
        out.flush();
        return 0;
    }

    /** @return the command line of the background child: this distribution's launcher with the same options */
    private List<String> command(Path home) {
        List<String> command = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) {
            // a session of its own: closing the terminal does not hang the daemon up
            command.add(setsid.toString());
        }
        command.add(Path.of(context.getProperty("openpista.dist"), "bin", "openpista").toString());
        command.add("--home");
        command.add(home.toString());
        command.add("--config");
        command.add(configuration.configFile().toString());
        String logLevel = context.getProperty("openpista.log.level");
        if (logLevel != null && !logLevel.isBlank()) {
            command.add("--log-level");
            command.add(logLevel);
        }
        if (Boolean.parseBoolean(context.getProperty("openpista.debug"))) {
            command.add("--debug");
        }
        command.add("start");
        command.add("--detached");
        return command;
    }

    private static void tail(Path output, PrintStream err) {
        try {
            List<String> lines = Files.readAllLines(output);
            lines.subList(Math.max(0, lines.size() - 20), lines.size()).forEach(line -> err.println("  " + line));
        } catch (IOException e) {
            err.println("  (cannot read " + output + ": " + e.getMessage() + ")");
        }
    }
}
