package org.openpista.daemon.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.ChannelAdapter;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework of this process as the long-running daemon of its home: it holds {@code
 * $OPENPISTA_HOME/openpista.pid} (a second daemon on the same home is refused) and registers {@link
 * DaemonControl}, which is what makes channels, the cron scheduler and the admin socket run; it
 * stops gracefully on SIGTERM, Ctrl-C, {@code openpista stop} or {@code openpista:shutdown}:
 * {@code DaemonControl} goes first (channels stop accepting), then the command returns and the
 * launcher stops the framework (running turns get their grace period in the agent core). A stop
 * requested while it is still starting ends the start at once.
 */
@Capability(namespace = "osgi.service", attribute = "objectClass:List<String>=org.openpista.api.admin.DaemonControl")
final class DaemonProcess {

    /**
     * How to run.
     *
     * @param channels the channels to run; empty for every enabled one
     * @param foreground whether a terminal is attached (the CLI channel may read it)
     * @param detached whether this is the background child of {@code openpista start}: its output
     *     is a file, so the channels' ready lines (which may hold secrets) are not printed
     */
    record Options(Set<String> channels, boolean foreground, boolean detached) {}

    /** The start was cut short by a stop request. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super("stopped while starting", null, false, false);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DaemonProcess.class);
    /** How long the shutdown hook waits for the framework to stop (the turns' grace period is inside it). */
    private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(60);
    /** How long the channels together may take to settle before their ready lines are printed anyway. */
    private static final Duration SETTLE = Duration.ofSeconds(10);
    /** How long the admin socket may take to open. */
    private static final Duration SOCKET = Duration.ofSeconds(30);

    private final BundleContext context;
    private final Path home;
    private final Options options;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile String stopReason = "";

    DaemonProcess(BundleContext context, Path home, Options options) {
        this.context = context;
        this.home = home;
        this.options = options;
    }

    /**
     * Runs until stopped.
     *
     * @param onReady called once everything runs, before the ready line, or {@code null}; a
     *     non-zero result stops the daemon with that exit status
     * @return the exit status
     */
    int run(Callable<Integer> onReady) throws IOException {
        PrintStream err = System.err;
        Path pidPath = PidFile.of(home);
        PidFile.Status before = PidFile.inspect(pidPath);
        PidFile pid = PidFile.acquire(pidPath);
        if (pid == null) {
            err.println(alreadyRunning(home, PidFile.inspect(pidPath).pid()));
            return 1;
        }
        if (before.state() == PidFile.State.STALE) {
            LOG.info("Replaced a stale PID file: the daemon with PID {} is gone", before.pid());
        }
        Framework framework = (Framework) context.getBundle(0);
        Thread hook = new Thread(() -> {
            requestStop("signal");
            try {
                // the launcher stops the framework once the command returned; the JVM exits after that
                framework.waitForStop(SHUTDOWN_LIMIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "openpista-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (pid) {
            return serve(onReady, err);
        } catch (Stopped e) {
            LOG.info("Stopped while starting: {}", stopReason);
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it returns once the framework stopped
            }
        }
    }

    static String alreadyRunning(Path home, long pid) {
        return "openpista: a daemon is already running for " + home + (pid > 0 ? " (PID " + pid + ")" : "")
                + "; stop it with 'openpista stop', or use another --home";
    }

    void requestStop(String reason) {
        if (stopRequested.getCount() > 0) {
            stopReason = reason;
            stopRequested.countDown();
        }
    }

    private int serve(Callable<Integer> onReady, PrintStream err) {
        BundleListener frameworkStopping = event -> {
            if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING) {
                requestStop("the framework is stopping");
            }
        };
        context.addBundleListener(frameworkStopping);
        ServiceRegistration<DaemonControl> control = context.registerService(DaemonControl.class, new Control(), null);
        try {
            awaitAdminSocket();
            if (onReady != null) {
                int status = untilStopped(onReady);
                if (status != 0) {
                    return status;
                }
            }
            if (!options.detached()) {
                readyLines().forEach(System.out::println);
                System.out.flush();
            }
            double seconds = (System.currentTimeMillis() - processStart().toEpochMilli()) / 1000.0;
            String ready = String.format("openpista: ready in %.2f s (PID %d, home %s); admin: openpista shell; stop: %s",
                    seconds, ProcessHandle.current().pid(), home,
                    options.foreground() ? "Ctrl-C or openpista stop" : "openpista stop");
            LOG.info(ready.substring("openpista: ".length()));
            err.println(ready);
            err.flush();
            awaitStop();
            LOG.info("Stopping: {}", stopReason);
            if (options.foreground()) {
                err.println("openpista: stopping (" + stopReason + "); running turns get their grace period");
            }
            return 0;
        } finally {
            try {
                control.unregister();
                context.removeBundleListener(frameworkStopping);
            } catch (IllegalStateException frameworkGone) {
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
                throw new IllegalStateException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        }, runnable -> new Thread(runnable, "openpista-ready").start());
        while (true) {
            if (stopRequested.getCount() == 0) {
                throw new Stopped();
            }
            try {
                return result.get(50, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // look for a stop request again
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
    }

    /** @return what the running channels have to tell their owner (the web chat's URL), once they settled */
    private List<String> readyLines() {
        List<ServiceReference<ChannelAdapter>> references = new ArrayList<>();
        List<ChannelAdapter> channels = new ArrayList<>();
        try {
            for (ServiceReference<ChannelAdapter> reference : context.getServiceReferences(ChannelAdapter.class, null)) {
                ChannelAdapter channel = context.getService(reference);
                if (channel != null) {
                    references.add(reference);
                    channels.add(channel);
                }
            }
            return readyLines(channels, SETTLE);
        } catch (InvalidSyntaxException | InterruptedException | RuntimeException e) {
            LOG.debug("Cannot collect the channels' ready lines", e);
            return List.of();
        } finally {
            references.forEach(context::ungetService);
        }
    }

    /**
     * @param channels the running channels, in the order their lines are printed
     * @param settle how long the channels together may take to settle
     * @return their ready lines, each channel's once it settled or once {@code settle} has passed.
     *     A channel that has no ready lines ({@link ChannelAdapter#hasReadyLines()} is false) is not
     *     waited for: Telegram checking its token, or WhatsApp's bridge starting, must not
     *     delay the daemon's ready line. What such a channel's {@code readyLines()} says at once is
     *     printed all the same (a plugin built against the API before the flag)
     */
    static List<String> readyLines(List<ChannelAdapter> channels, Duration settle) throws InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        List<String> lines = new ArrayList<>();
        for (ChannelAdapter channel : channels) {
            while (channel.hasReadyLines() && settling(channel.status()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            lines.addAll(channel.readyLines());
        }
        return lines;
    }

    private static boolean settling(String status) {
        return status.startsWith("starting") || status.startsWith("connecting");
    }

    private void awaitAdminSocket() {
        Path socket = home.resolve("admin.sock");
        long deadline = System.nanoTime() + SOCKET.toNanos();
        while (!answers(socket)) {
            if (stopRequested.getCount() == 0) {
                throw new Stopped();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the admin socket " + socket + " did not open within " + SOCKET.toSeconds()
                        + " s; see the log in " + home.resolve("logs"));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
        }
    }

    private static boolean answers(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void awaitStop() {
        while (true) {
            try {
                stopRequested.await();
                return;
            } catch (InterruptedException e) {
                // only a stop request ends the daemon
            }
        }
    }

    /** @return the features of the distribution this process runs, the folders of {@code <dist>/bundles} */
    static List<String> features(BundleContext context) {
        String dist = context.getProperty("openpista.dist");
        if (dist == null) {
            return List.of();
        }
        try (var folders = Files.list(Path.of(dist, "bundles"))) {
            return folders.filter(Files::isDirectory).map(folder -> folder.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
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

    /**
     * @return when this process started: from the process table (java.base), else from the JVM's
     *     runtime bean, whose management classes (~50, and their metadata) an idle daemon otherwise
     *     never loads
     */
    static Instant processStart() {
        return ProcessHandle.current().info().startInstant()
                .orElseGet(() -> Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()));
    }

    /** The daemon as the bundles see it. */
    private final class Control implements DaemonControl {
        private final Instant startedAt = processStart();
        private final boolean console = options.foreground() && System.console() != null && inForegroundProcessGroup();

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
            return home;
        }

        @Override
        public List<String> features() {
            return DaemonProcess.features(context);
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
            DaemonProcess.this.requestStop(reason);
        }
    }
}
