package org.openpista.channel.whatsapp.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the bridge process and keeps it running: reads its event lines (a malformed one is logged
 * and skipped), writes command lines to it, and starts it again after it died, waiting 1 s, 2 s,
 * 4 s, … up to a minute between attempts (back to 1 s once a run lasted a minute). Stopping closes
 * the bridge's standard input, which makes it leave cleanly with its pairing kept; a bridge that
 * does not leave within five seconds is killed.
 */
final class BridgeSupervisor implements AutoCloseable {

    /** What the supervisor reports. Called from the supervisor's threads. */
    interface Listener {
        /** A bridge process is being started. */
        void starting();

        /** An event line from the bridge. */
        void event(BridgeEvent event);

        /**
         * The bridge is not running.
         *
         * @param detail why, and when it is tried again
         * @param failed whether something must be fixed (no Node.js, dependencies missing) rather
         *     than a crash that a restart may cure
         */
        void down(String detail, boolean failed);
    }

    private static final Logger LOG = LoggerFactory.getLogger(BridgeSupervisor.class);
    /** Longer event lines are dropped: no event of the protocol comes near this. */
    static final int MAX_LINE = 1 << 20;
    private static final Duration STABLE_RUN = Duration.ofMinutes(1);
    private static final Duration MAX_DELAY = Duration.ofMinutes(1);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);
    /** Environment variables passed on to the bridge; everything else (API keys, tokens) stays behind. */
    private static final List<String> PASSED_ENV = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR",
            "BRIDGE_LOG_LEVEL", "NODE_EXTRA_CA_CERTS", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy");

    private final List<String> command;
    private final BridgeInstaller installer;
    private final Listener listener;
    private final Duration firstDelay;
    private final BridgeLines lines = new BridgeLines();
    private final Object lock = new Object();
    private final Thread thread;
    private Process process;
    private OutputStream stdin;
    private boolean stopped;

    /**
     * @param command the bridge's command line
     * @param installer installs the bridge's dependencies when they are missing
     * @param firstDelay the first wait before a restart (tests use a short one)
     */
    BridgeSupervisor(List<String> command, BridgeInstaller installer, Listener listener, Duration firstDelay) {
        this.command = List.copyOf(command);
        this.installer = installer;
        this.listener = listener;
        this.firstDelay = firstDelay;
        this.thread = new Thread(this::supervise, "openpista-whatsapp-bridge");
        this.thread.setDaemon(true);
    }

    /** The command line that runs a bridge: node for JavaScript, the file itself otherwise. */
    static List<String> commandFor(Path bridge, Path sessionDir) {
        String name = bridge.getFileName() == null ? "" : bridge.getFileName().toString();
        if (java.nio.file.Files.isDirectory(bridge)) {
            return List.of("node", bridge.resolve("index.js").toString(), sessionDir.toString());
        }
        if (name.endsWith(".js") || name.endsWith(".mjs") || name.endsWith(".cjs")) {
            return List.of("node", bridge.toString(), sessionDir.toString());
        }
        return List.of(bridge.toString(), sessionDir.toString());
    }

    void start() {
        thread.start();
    }

    /**
     * Writes one command line to the running bridge.
     *
     * @throws IOException when no bridge runs or it cannot take the line
     */
    void send(String line) throws IOException {
        synchronized (lock) {
            if (stdin == null) {
                throw new IOException("the WhatsApp bridge is not running");
            }
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
    }

    /** @return the protocol's line writer, for building commands */
    BridgeLines lines() {
        return lines;
    }

    @Override
    public void close() {
        Process running;
        synchronized (lock) {
            stopped = true;
            running = process;
            closeStdin();
            lock.notifyAll();
        }
        if (running != null) {
            try {
                if (!running.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("The WhatsApp bridge did not exit within {} s; killing it", STOP_GRACE.toSeconds());
                    running.descendants().forEach(ProcessHandle::destroyForcibly);
                    running.destroyForcibly();
                }
            } catch (InterruptedException e) {
                running.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            thread.join(STOP_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void supervise() {
        Duration delay = firstDelay;
        while (!isStopped()) {
            long began = System.nanoTime();
            String problem;
            boolean failed = false;
            try {
                installer.ensureInstalled();
                problem = runOnce();
            } catch (BridgeInstaller.InstallFailure e) {
                problem = e.getMessage();
                failed = true;
            }
            if (isStopped()) {
                break;
            }
            if (Duration.ofNanos(System.nanoTime() - began).compareTo(STABLE_RUN) >= 0) {
                delay = firstDelay;
            }
            String detail = problem + "; starting it again in " + describe(delay);
            LOG.warn("WhatsApp bridge: {}", detail);
            listener.down(detail, failed);
            if (!pause(delay)) {
                break;
            }
            delay = delay.multipliedBy(2).compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay.multipliedBy(2);
        }
    }

    /** Runs the bridge until it exits. @return why it is no longer running */
    private String runOnce() throws BridgeInstaller.InstallFailure {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        Map<String, String> inherited = Map.copyOf(env);
        env.clear();
        for (String name : PASSED_ENV) {
            if (inherited.containsKey(name)) {
                env.put(name, inherited.get(name));
            }
        }
        listener.starting();
        Process started;
        synchronized (lock) {
            if (stopped) {
                return "stopped";
            }
            try {
                started = builder.start();
            } catch (IOException e) {
                throw new BridgeInstaller.InstallFailure(BridgeInstaller.noNode(command.get(0), e));
            }
            process = started;
            stdin = started.getOutputStream();
        }
        LOG.info("WhatsApp bridge started (pid {})", started.pid());
        StderrTail stderr = new StderrTail(started);
        stderr.start();
        try (Reader out = new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8)) {
            readEvents(new BufferedReader(out));
        } catch (IOException e) {
            LOG.debug("Reading the WhatsApp bridge failed", e);
        }
        int exit;
        try {
            exit = started.waitFor();
            stderr.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.destroyForcibly();
            return "interrupted";
        }
        synchronized (lock) {
            closeStdin();
            process = null;
        }
        String last = stderr.last();
        return "the bridge exited with status " + exit + (last.isEmpty() ? "" : " (" + last + ")");
    }

    private void readEvents(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        boolean tooLong = false;
        int c;
        while ((c = in.read()) != -1) {
            if (c != '\n') {
                if (line.length() < MAX_LINE) {
                    line.append((char) c);
                } else {
                    tooLong = true;
                }
                continue;
            }
            if (tooLong) {
                LOG.warn("WhatsApp bridge: skipped a line longer than {} characters", MAX_LINE);
            } else {
                handle(line.toString().strip());
            }
            line.setLength(0);
            tooLong = false;
        }
        if (!line.isEmpty() && !tooLong) {
            handle(line.toString().strip());
        }
    }

    private void handle(String line) {
        if (line.isEmpty()) {
            return;
        }
        BridgeEvent event;
        try {
            event = lines.parse(line);
        } catch (BridgeLines.MalformedLine e) {
            LOG.warn("WhatsApp bridge: skipped a malformed line ({}): {}", e.getMessage(), abbreviate(line));
            return;
        }
        try {
            listener.event(event);
        } catch (RuntimeException e) {
            LOG.error("WhatsApp bridge: handling a {} event failed", event.getClass().getSimpleName(), e);
        }
    }

    private boolean isStopped() {
        synchronized (lock) {
            return stopped;
        }
    }

    /** @return false when stopped while waiting */
    private boolean pause(Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        synchronized (lock) {
            while (!stopped) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return true;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return false;
        }
    }

    private void closeStdin() {
        if (stdin != null) {
            try {
                stdin.close();
            } catch (IOException e) {
                LOG.debug("Closing the bridge's input failed", e);
            }
            stdin = null;
        }
    }

    static String describe(Duration delay) {
        return delay.toMillis() < 1000 ? delay.toMillis() + " ms" : delay.toSeconds() + " s";
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 200) + "…";
    }

    /** Logs the bridge's standard error at debug level and keeps its last line for error messages. */
    private static final class StderrTail extends Thread {
        private final Process process;
        private volatile String last = "";

        StderrTail(Process process) {
            super("openpista-whatsapp-bridge-stderr");
            setDaemon(true);
            this.process = process;
        }

        @Override
        public void run() {
            try (BufferedReader err = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                    if (!line.isBlank()) {
                        LOG.debug("bridge: {}", line);
                        last = abbreviate(line.strip());
                    }
                }
            } catch (IOException e) {
                LOG.debug("Reading the bridge's standard error failed", e);
            }
        }

        String last() {
            return last;
        }
    }
}
