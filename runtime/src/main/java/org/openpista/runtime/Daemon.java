package org.openpista.runtime;

import static org.openpista.runtime.CommandRuntime.START_TIMEOUT;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.LogManager;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.llm.LlmProvider;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running openpista: the framework with some features, the channels they bring, the cron
 * scheduler, plugins from {@code $OPENPISTA_HOME/plugins/} (FileInstall) and the admin socket. It
 * holds {@code $OPENPISTA_HOME/openpista.pid} while it runs, so a second daemon on the same home is
 * refused, and it shuts down gracefully on SIGTERM, Ctrl-C, {@code /quit}, {@code openpista stop} or
 * {@code openpista:shutdown}: channels and cron stop accepting first, then the agent core lets
 * running turns finish within its grace period, then everything else stops and the database is
 * closed, and last the PID file goes.
 *
 * <p>{@code openpista start} runs it with every feature and channel; single-channel commands
 * ({@code web start}, {@code telegram start}) run it with their feature and a channel filter:
 * {@code new Daemon(main, new Options(List.of("core", "daemon", "web"), Set.of("web"), true, false,
 * hook)).run()}.
 */
final class Daemon {

    /**
     * How to run.
     *
     * @param features the features to install, core first
     * @param channels the channels to run ({@code org.openpista.channel.<id>} bundles); empty for all
     * @param foreground whether a terminal is attached (log to it, read it for the CLI channel)
     * @param detached whether this is the background child of {@code openpista start}
     * @param onReady called once everything runs, before the ready line, or {@code null}; a
     *     non-zero result stops the daemon with that exit status
     */
    record Options(List<String> features, Set<String> channels, boolean foreground, boolean detached, ReadyHook onReady) {}

    /** Something a channel command does once its daemon runs, such as printing its URL. */
    @FunctionalInterface
    interface ReadyHook {
        int ready(OsgiRuntime runtime, PrintStream out, PrintStream err) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** How long the shutdown hook waits for the graceful shutdown (the turns' grace period is inside it). */
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(60);

    /** Bundles started after the agent core is up, each on its own, so one failing does not stop the rest. */
    private static final String CHANNEL_PREFIX = "org.openpista.channel.";
    private static final String CRON = "org.openpista.cron";
    private static final String SHELL = "org.openpista.shell";
    private static final String FILEINSTALL = "org.apache.felix.fileinstall";
    private static final String CORE = "org.openpista.core";

    private final Main main;
    private final Options options;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile String stopReason = "";

    Daemon(Main main, Options options) {
        this.main = main;
        this.options = options;
    }

    /** @return the exit status */
    int run() throws IOException, BundleException {
        PrintStream err = System.err;
        PrintStream out = System.out;
        Home home = main.setUpLogging(options.foreground() ? Level.INFO : null);
        Path pidPath = PidFile.of(home);
        PidFile.Status before = PidFile.inspect(pidPath);
        PidFile pid = PidFile.acquire(pidPath);
        if (pid == null) {
            err.println(alreadyRunning(home, PidFile.inspect(pidPath).pid()));
            return Main.FAILED;
        }
        if (before.state() == PidFile.State.STALE) {
            LOG.info("Replaced a stale PID file: the daemon with PID {} is gone", before.pid());
        }
        Thread hook = new Thread(() -> {
            requestStop("signal");
            try {
                finished.await(SHUTDOWN_LIMIT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "openpista-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (pid) {
            return serve(home, out, err);
        } finally {
            if (LogManager.getLogManager() instanceof DaemonLogManager) {
                DaemonLogManager.closeLog();
            }
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns now that the daemon finished
            }
        }
    }

    static String alreadyRunning(Home home, long pid) {
        return "openpista: a daemon is already running for " + home.dir() + (pid > 0 ? " (PID " + pid + ")" : "")
                + "; stop it with 'openpista stop', or use another --home";
    }

    void requestStop(String reason) {
        if (stopRequested.getCount() > 0) {
            stopReason = reason;
            stopRequested.countDown();
        }
    }

    private int serve(Home home, PrintStream out, PrintStream err) throws IOException, BundleException {
        Path plugins = home.dir().resolve("plugins");
        Files.createDirectories(plugins);
        Map<String, String> properties = new HashMap<>();
        // FileInstall: jars in plugins/ are installed, updated and uninstalled as they come and go
        properties.put("felix.fileinstall.dir", plugins.toString());
        properties.put("felix.fileinstall.poll", "1000");
        properties.put("felix.fileinstall.noInitialDelay", "true");
        properties.put("felix.fileinstall.filter", ".*\\.jar");
        properties.put("felix.fileinstall.log.default", "jul");
        properties.put("felix.fileinstall.log.level", "3");
        properties.put("felix.fileinstall.enableConfigSave", "false");
        // Gogo is served on the admin socket only: its own console must never read the daemon's stdin
        properties.put("gosh.args", "--nointeractive --noshutdown");
        properties.put("openpista.console", Boolean.toString(options.foreground() && Terminals.stdinIsTerminal()
                && inForegroundProcessGroup()));
        properties.put("openpista.channels", String.join(",", options.channels()));
        Phases phases = new Phases(LOG);
        try (OsgiRuntime runtime = OsgiRuntime.create(Distribution.locate(), home, options.features(), properties)) {
            phases.mark("framework and installs");
            BundleContext system = runtime.context();
            system.registerService(DaemonControl.class, new Control(home), null);
            system.addBundleListener(event -> {
                if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING) {
                    requestStop("the framework is stopping");
                }
            });
            ConfigReport report;
            try {
                report = runtime.loadConfiguration(START_TIMEOUT);
            } catch (ConfigException e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            }
            phases.mark("configuration");
            report.warnings().forEach(warning -> err.println("openpista: warning: " + warning));
            if (!report.providerProblem().isEmpty()) {
                // the daemon still starts: the admin shell, channels and a later reload can fix it
                err.println("openpista: warning: " + report.providerProblem());
            }
            start(system, bundle -> !deferred(bundle), true);
            phases.mark("bundles started");
            runtime.awaitService(AgentGateway.class, null, START_TIMEOUT);
            phases.mark("agent core");
            if (!report.provider().isEmpty()) {
                try {
                    runtime.awaitService(LlmProvider.class, "(" + LlmProvider.NAME + "=" + report.provider() + ")",
                            Duration.ofSeconds(10));
                } catch (RuntimeProblem e) {
                    err.println("openpista: warning: " + e.getMessage());
                }
            }
            phases.mark("provider");
            start(system, bundle -> isChannel(bundle) || CRON.equals(bundle.getSymbolicName()), false);
            phases.mark("channels and cron");
            start(system, bundle -> FILEINSTALL.equals(bundle.getSymbolicName()), false);
            start(system, bundle -> SHELL.equals(bundle.getSymbolicName()), true);
            awaitAdminSocket(home);
            phases.mark("plugins and admin socket");
            if (options.onReady() != null) {
                int status;
                try {
                    status = options.onReady().ready(runtime, out, err);
                } catch (Exception e) {
                    throw new RuntimeProblem(e.getMessage() == null ? e.toString() : e.getMessage());
                }
                if (status != 0) {
                    return status;
                }
            }
            double seconds = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
            String ready = String.format("openpista: ready in %.2f s (PID %d, home %s); admin: openpista shell; stop: %s",
                    seconds, ProcessHandle.current().pid(), home.dir(),
                    options.foreground() ? "Ctrl-C or openpista stop" : "openpista stop");
            LOG.info(ready.substring("openpista: ".length()));
            err.println(ready);
            err.flush();
            awaitStopRequest();
            LOG.info("Stopping: {}", stopReason);
            if (options.foreground()) {
                err.println("openpista: stopping (" + stopReason + "); running turns get their grace period");
            }
            stopInOrder(system);
        }
        LOG.info("Stopped");
        return 0;
    }

    private void awaitStopRequest() {
        while (true) {
            try {
                stopRequested.await();
                return;
            } catch (InterruptedException e) {
                // only a stop request ends the daemon
            }
        }
    }

    /** Channels and cron first (nothing new comes in), then the core (running turns finish), the rest with the framework. */
    private void stopInOrder(BundleContext system) {
        stop(system, bundle -> isChannel(bundle) || CRON.equals(bundle.getSymbolicName())
                || FILEINSTALL.equals(bundle.getSymbolicName()));
        stop(system, bundle -> CORE.equals(bundle.getSymbolicName()));
    }

    private static void stop(BundleContext system, Predicate<Bundle> which) {
        for (Bundle bundle : system.getBundles()) {
            if (bundle.getBundleId() != 0 && which.test(bundle) && bundle.getState() == Bundle.ACTIVE) {
                try {
                    bundle.stop(Bundle.STOP_TRANSIENT);
                } catch (BundleException | IllegalStateException e) {
                    LOG.warn("Stopping {} failed: {}", bundle.getSymbolicName(), e.getMessage());
                }
            }
        }
    }

    private boolean deferred(Bundle bundle) {
        String name = bundle.getSymbolicName();
        return isChannel(bundle) || CRON.equals(name) || SHELL.equals(name) || FILEINSTALL.equals(name);
    }

    private static boolean isChannel(Bundle bundle) {
        String name = bundle.getSymbolicName();
        return name != null && name.startsWith(CHANNEL_PREFIX);
    }

    /**
     * Starts the installed bundles that match.
     *
     * @param fatal whether a bundle that cannot start stops the daemon; otherwise it is logged and
     *     the others go on (a failing channel never takes the others down)
     */
    private void start(BundleContext system, Predicate<Bundle> which, boolean fatal) {
        List<String> failures = new ArrayList<>();
        for (Bundle bundle : system.getBundles()) {
            if (bundle.getBundleId() == 0 || !which.test(bundle) || bundle.getState() == Bundle.ACTIVE
                    || bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null || !wanted(bundle)) {
                continue;
            }
            try {
                bundle.start(Bundle.START_TRANSIENT);
            } catch (BundleException | IllegalStateException e) {
                String problem = bundle.getSymbolicName() + ": " + OsgiRuntime.oneLine(e.getMessage());
                if (fatal) {
                    failures.add(problem);
                } else {
                    LOG.error("Cannot start {}; the daemon runs without it", problem);
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new RuntimeProblem("some bundles cannot start: " + String.join("; ", failures));
        }
    }

    /** Channel bundles outside the channel filter stay installed but stopped. */
    private boolean wanted(Bundle bundle) {
        if (!isChannel(bundle) || options.channels().isEmpty()) {
            return true;
        }
        return options.channels().contains(bundle.getSymbolicName().substring(CHANNEL_PREFIX.length()));
    }

    /**
     * Whether this process is in the terminal's foreground process group. A daemon started with
     * {@code --foreground &} has a terminal but must not read it: the read would stop the whole
     * process (SIGTTIN). Linux tells through {@code /proc/self/stat}; elsewhere assume yes.
     */
    static boolean inForegroundProcessGroup() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // pid (comm) state ppid pgrp session tty_nr tpgid ...; comm may contain spaces and parentheses
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            boolean foreground = fields[2].equals(fields[5]);
            if (!foreground) {
                LOG.info("Started in the background of a terminal: the terminal channel does not read it");
            }
            return foreground;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static void awaitAdminSocket(Home home) {
        Path socket = AdminClient.socket(home);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!AdminClient.answers(socket)) {
            if (System.nanoTime() > deadline) {
                throw new RuntimeProblem("the admin socket " + socket + " did not open within " + START_TIMEOUT.toSeconds()
                        + " s; see the log in " + home.logs());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RuntimeProblem("interrupted while starting");
            }
        }
    }

    /** The daemon as the bundles see it. */
    private final class Control implements DaemonControl {
        private final Home home;
        private final Instant startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());

        Control(Home home) {
            this.home = home;
        }

        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public Instant startedAt() {
            return startedAt;
        }

        @Override
        public Path home() {
            return home.dir();
        }

        @Override
        public List<String> features() {
            return options.features();
        }

        @Override
        public boolean foreground() {
            return options.foreground();
        }

        @Override
        public void requestStop(String reason) {
            Daemon.this.requestStop(reason);
        }
    }
}
