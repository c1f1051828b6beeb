package org.openpista.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.ChannelAdapter;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A framework turned into the long-running daemon of its home: it holds {@code
 * $OPENPISTA_HOME/openpista.pid} (a second daemon on the same home is refused) and registers
 * {@link DaemonControl}, which is what makes channels, the cron scheduler and the admin socket run;
 * it shuts down gracefully on SIGTERM, Ctrl-C, {@code openpista stop} or {@code
 * openpista:shutdown}: {@code DaemonControl} goes first (channels stop accepting), then the caller
 * stops the framework (running turns get their grace period in the core's deactivation). A stop
 * requested while it is still starting ends the start at once.
 */
final class Daemon {

    /**
     * How to run.
     *
     * @param channels the channels to run; empty for every enabled one
     * @param foreground whether a terminal is attached (log to it, the CLI channel may read it)
     * @param detached whether this is the background child of {@code openpista start}
     */
    record Options(Set<String> channels, boolean foreground, boolean detached) {}

    /** The start was cut short by a stop request. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped while starting", null, false, false);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);
    /** How long the shutdown hook waits for the graceful shutdown (the turns' grace period is inside it). */
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(60);
    /** How long channels may take to settle before their ready lines are printed anyway. */
    private static final Duration SETTLE = Duration.ofSeconds(10);

    private final Home home;
    private final Options options;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile String stopReason = "";

    Daemon(Home home, Options options) {
        this.home = home;
        this.options = options;
    }

    /**
     * Runs until stopped, in a framework whose bundles run and whose configuration is loaded.
     *
     * @param onReady called once everything runs, before the ready line, or {@code null}; a
     *     non-zero result stops the daemon with that exit status
     * @return the exit status
     */
    int run(OsgiRuntime runtime, Callable<Integer> onReady) throws IOException {
        PrintStream err = System.err;
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
            return serve(runtime, onReady, err);
        } catch (Stopped e) {
            LOG.info("Stopped while starting: {}", stopReason);
            return 0;
        } finally {
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

    private int serve(OsgiRuntime runtime, Callable<Integer> onReady, PrintStream err) {
        ServiceRegistration<DaemonControl> control = runtime.context().registerService(DaemonControl.class, new Control(), null);
        runtime.context().addBundleListener(event -> {
            if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING) {
                requestStop("the framework is stopping");
            }
        });
        try {
            awaitAdminSocket();
            if (onReady != null) {
                int status = untilStopped(onReady);
                if (status != 0) {
                    return status;
                }
            }
            if (!options.detached()) {
                // the background child writes to daemon.out, a file: its parent asks for these lines over the socket
                readyLines(runtime).forEach(System.out::println);
                System.out.flush();
            }
            double seconds = (System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime()) / 1000.0;
            String ready = String.format("openpista: ready in %.2f s (PID %d, home %s); admin: openpista shell; stop: %s",
                    seconds, ProcessHandle.current().pid(), home.dir(),
                    options.foreground() ? "Ctrl-C or openpista stop" : "openpista stop");
            LOG.info(ready.substring("openpista: ".length()));
            err.println(ready);
            err.flush();
            awaitUninterruptibly(stopRequested);
            LOG.info("Stopping: {}", stopReason);
            if (options.foreground()) {
                err.println("openpista: stopping (" + stopReason + "); running turns get their grace period");
            }
            return 0;
        } finally {
            try {
                control.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework stopped first
            }
        }
    }

    /** Runs a start-up step, but gives up on it when a stop is requested meanwhile. */
    private int untilStopped(Callable<Integer> step) {
        CompletableFuture<Integer> result = CompletableFuture.supplyAsync(() -> {
            try {
                return step.call();
            } catch (Exception e) {
                throw new RuntimeProblem(e.getMessage() == null ? e.toString() : e.getMessage());
            }
        }, runnable -> new Thread(runnable, "openpista-ready").start());
        while (true) {
            if (stopRequested.getCount() == 0) {
                throw new Stopped();
            }
            try {
                return result.get(50, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // look for a stop request again
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new RuntimeProblem(String.valueOf(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
    }

    /** @return what the running channels have to tell their owner (the web chat's URL), once they settled */
    static List<String> readyLines(OsgiRuntime runtime) {
        List<String> lines = new java.util.ArrayList<>();
        try {
            for (ServiceReference<ChannelAdapter> reference : runtime.context().getServiceReferences(ChannelAdapter.class, null)) {
                ChannelAdapter channel = runtime.context().getService(reference);
                if (channel != null) {
                    try {
                        ChannelStatus.awaitSettled(channel, SETTLE, "starting", "connecting");
                        lines.addAll(channel.readyLines());
                    } finally {
                        runtime.context().ungetService(reference);
                    }
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException | InterruptedException e) {
            LOG.debug("Cannot collect the channels' ready lines", e);
        }
        return lines;
    }

    private void awaitAdminSocket() {
        Path socket = AdminClient.socket(home);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!AdminClient.answers(socket)) {
            if (stopRequested.getCount() == 0) {
                throw new Stopped();
            }
            if (System.nanoTime() > deadline) {
                throw new RuntimeProblem("the admin socket " + socket + " did not open within 30 s; see the log in "
                        + home.logs());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // only a stop request ends the daemon
            }
        }
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
            return fields[2].equals(fields[5]);
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** The daemon as the bundles see it. */
    private final class Control implements DaemonControl {
        private final Instant startedAt = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
        private final boolean console = options.foreground() && Terminals.stdinIsTerminal() && inForegroundProcessGroup();

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
            return Distribution.locate().features();
        }

        @Override
        public boolean foreground() {
            return options.foreground();
        }

        @Override
        public boolean console() {
            return console;
        }

        @Override
        public boolean runsChannel(String channel, boolean enabled) {
            return options.channels().isEmpty() ? enabled : options.channels().contains(channel);
        }

        @Override
        public void requestStop(String reason) {
            Daemon.this.requestStop(reason);
        }
    }
}
