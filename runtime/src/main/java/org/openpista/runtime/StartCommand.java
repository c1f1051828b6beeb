package org.openpista.runtime;

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
import java.util.logging.Level;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code openpista start}: the daemon with every feature of the distribution and every enabled channel. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "Starts the daemon: every enabled channel, the cron scheduler, plugins from HOME/plugins and the admin "
                    + "socket HOME/admin.sock (see 'openpista shell').",
            "",
            "Without --foreground it runs in the background: the command returns once the daemon is ready and "
                    + "prints its PID; its log is HOME/logs/openpista.0.log. With --foreground it stays attached: "
                    + "the log also goes to the terminal, lines typed are messages to session cli:local, /quit or "
                    + "Ctrl-C stops it.",
            "",
            "When the web chat runs, both print its URL with the token (Web chat: http://127.0.0.1:3210/#token=...).",
            "",
            "Exit status: 0 started (or, in the foreground, stopped cleanly), 1 it could not start or one is already "
                    + "running, 2 bad usage or configuration."
        })
final class StartCommand implements Callable<Integer> {

    @ParentCommand
    Main main;

    @Option(names = {"-f", "--foreground"}, description = "Stay attached to the terminal.")
    boolean foreground;

    @Option(names = "--detached", hidden = true, description = "Internal: the background child of 'openpista start'.")
    boolean detached;

    @Override
    public Integer call() throws Exception {
        if (!foreground && !detached) {
            return Background.launch(main, System.out, System.err);
        }
        return BundleCommands.inFramework(main, runtime -> {
            // the daemon logs to the terminal in the foreground; the background child's output is daemon.out
            Home home = main.setUpLogging(detached ? null : Level.INFO);
            return new Daemon(home, new Daemon.Options(Set.of(), !detached, detached)).run(runtime, null);
        });
    }

    /**
     * Runs a daemon command in the background: the same launcher, detached from the terminal
     * ({@code setsid}), its output in {@code HOME/logs/daemon.out}; waits until its admin socket
     * answers, then shows what the daemon warned about and what its channels have to say (asked over
     * the admin socket: the lines may hold secrets, which never go to daemon.out).
     */
    static final class Background {

        private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

        private Background() {}

        /** @return the exit status for the command */
        static int launch(Main main, PrintStream out, PrintStream err)
                throws IOException, InterruptedException {
            ClientLogging.setUp(main);
            Home home = main.resolveHome();
            PidFile.Status status = PidFile.inspect(PidFile.of(home));
            if (status.state() == PidFile.State.RUNNING) {
                err.println(Daemon.alreadyRunning(home, status.pid()));
                return Main.FAILED;
            }
            Distribution distribution = Distribution.locate();
            Files.createDirectories(home.logs());
            Path output = home.logs().resolve("daemon.out");
            List<String> command = new ArrayList<>();
            Path setsid = Path.of("/usr/bin/setsid");
            if (Files.isExecutable(setsid)) {
                // a session of its own: closing the terminal does not hang the daemon up
                command.add(setsid.toString());
            }
            command.add(distribution.dir().resolve("bin/openpista").toString());
            command.add("--home");
            command.add(home.dir().toString());
            if (main.config != null) {
                command.add("--config");
                command.add(home.configFile().toString());
            }
            if (main.logLevel != null) {
                command.add("--log-level");
                command.add(main.logLevel);
            }
            if (main.debug) {
                command.add("--debug");
            }
            command.add("start");
            command.add("--detached");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()))
                    .redirectErrorStream(true);
            Process child = builder.start();
            Path socket = AdminClient.socket(home);
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (true) {
                if (!child.isAlive()) {
                    int exit = child.exitValue();
                    err.println("openpista: the daemon did not start (exit status " + exit + "):");
                    tail(output, err);
                    return exit == Main.USAGE ? Main.USAGE : Main.FAILED;
                }
                PidFile.Status now = PidFile.inspect(PidFile.of(home));
                if (now.state() == PidFile.State.RUNNING && now.pid() == child.pid() && AdminClient.answers(socket)
                        && printedReady(output)) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    err.println("openpista: the daemon (PID " + child.pid() + ") did not become ready within "
                            + READY_TIMEOUT.toSeconds() + " s; it keeps starting in the background, see "
                            + home.logs().resolve("openpista.0.log"));
                    return Main.FAILED;
                }
                Thread.sleep(50);
            }
            // what the daemon warned about while starting (unknown keys, a provider without a key) concerns the user now
            List<String> printed = Files.readAllLines(output);
            for (String line : printed) {
                if (line.startsWith("openpista: warning: ")) {
                    err.println(line);
                }
            }
            out.println("openpista started in the background (PID " + child.pid() + ", home " + home.dir() + ")");
            out.println("log: " + home.logs().resolve("openpista.0.log") + "; admin: openpista shell; stop: openpista stop");
            try (AdminClient client = AdminClient.connect(socket)) {
                if (client != null) {
                    client.execute("openpista:ready", out, err);
                }
            }
            out.flush();
            return 0;
        }

        private static final Pattern READY = Pattern.compile("(?m)^openpista: ready");

        /** @return whether the daemon printed its ready line, which follows what it says once it runs (the web chat's URL) */
        private static boolean printedReady(Path output) throws IOException {
            return READY.matcher(new String(Files.readAllBytes(output), StandardCharsets.UTF_8)).find();
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
}
