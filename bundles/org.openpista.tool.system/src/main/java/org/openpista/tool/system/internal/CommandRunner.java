package org.openpista.tool.system.internal;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openpista.api.chat.Cancellation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one bash command to its end, its timeout or its cancellation, whichever comes first, and
 * returns what it wrote.
 *
 * <p>Why it is built this way:
 *
 * <ul>
 *   <li>The command runs under {@code setsid} when that exists, so bash leads a new session and
 *       process group whose id is its pid. Killing that group reaches children that bash has
 *       already lost track of ({@code (sleep 300 &)}), which a walk of the process tree misses
 *       once they are re-parented. The tree walk ({@link ProcessHandle#descendants()}) is still
 *       done, as a fallback and for systems without {@code setsid}.
 *   <li>Stopping is SIGTERM to the group and the tree, a short grace, then SIGKILL. When the
 *       turn's deadline is what stops the command there is no grace: the turn is over.
 *   <li>stdout and stderr are read by one thread each, so a command that fills one pipe while
 *       nobody reads the other cannot block. The threads are daemons: if a process outside the
 *       group keeps a pipe open, the call still returns and only that thread waits.
 *   <li>When bash exits but a background job it started still holds stdout or stderr, the output
 *       never ends. After a short grace the rest of the group is stopped and the result says so;
 *       jobs that redirect their output ({@code cmd > log 2>&1 &}) let the pipes close and are
 *       left running. For that the pipes must stay open as long as anyone writes to them, which
 *       the JDK does not promise (it closes them when bash exits, unless they are being read
 *       right then); so bash waits at a gate ({@link #GATE}) until both readers hold their
 *       streams, and the readers hold them to the end.
 * </ul>
 */
final class CommandRunner {

    private static final Logger LOG = LoggerFactory.getLogger(CommandRunner.class);

    /** How often the waiting thread looks at the cancellation signal. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** The least time given to the readers to take the last bytes out of closed pipes. */
    private static final Duration MIN_DRAIN = Duration.ofMillis(250);

    /**
     * What bash runs first: wait for one line on stdin, then become {@code bash -c <command>} (same
     * pid, so same session and group) with stdin at end of file. The line is sent once both
     * output readers own their streams; see {@link OutputCapture#run()} for why that matters.
     * Without the line (the caller was interrupted, or the JVM died) the command never runs.
     */
    private static final String GATE = "IFS= read -r _ && exec \"$0\" -c \"$1\" </dev/null";

    private static final File DEV_NULL = new File("/dev/null");

    /** Why the command stopped. */
    enum Stop {
        /** bash exited by itself. */
        EXITED,
        /** the call's timeout expired; the tree was killed. */
        TIMED_OUT,
        /** the turn's deadline came before the timeout; the tree was killed. */
        DEADLINE,
        /** the cancellation signal fired; the tree was killed. */
        CANCELLED
    }

    /**
     * What a run produced.
     *
     * @param stop why the command stopped
     * @param exitCode bash's exit code, meaningful when {@code stop} is {@link Stop#EXITED}
     * @param stdout the captured stdout, cut to the cap
     * @param stderr the captured stderr, cut to the cap
     * @param stragglersStopped background processes kept the output open after bash exited and
     *     were stopped
     * @param outputIncomplete a process that could not be stopped still holds stdout or stderr,
     *     so the output may miss its end
     * @param elapsed the time from start to stop
     */
    record Outcome(
            Stop stop,
            int exitCode,
            String stdout,
            String stderr,
            boolean stragglersStopped,
            boolean outputIncomplete,
            Duration elapsed) {}

    /**
     * Grace periods.
     *
     * @param kill between SIGTERM and SIGKILL
     * @param drain for the output to end after bash exited or was killed
     */
    record Graces(Duration kill, Duration drain) {
        /** The values used in production. */
        static final Graces DEFAULT = new Graces(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    private final Path bash;
    private final Path setsid;
    private final Map<String, String> environment;
    private final int outputCap;
    private final Graces graces;

    /**
     * @param bash the bash executable
     * @param setsid the setsid executable, or {@code null} to run without a process group of its own
     * @param environment the complete environment of the command
     * @param outputCap the most characters kept of stdout and of stderr each
     * @param graces the grace periods
     */
    CommandRunner(Path bash, Path setsid, Map<String, String> environment, int outputCap, Graces graces) {
        this.bash = bash;
        this.setsid = setsid;
        this.environment = Map.copyOf(environment);
        this.outputCap = outputCap;
        this.graces = graces;
    }

    /**
     * Runs {@code bash -c command} in {@code cwd}.
     *
     * @param deadline the latest moment the command may run, or {@code null}
     * @throws IOException when the process cannot be started
     */
    Outcome run(String command, Path cwd, Duration timeout, Instant deadline, Cancellation cancellation)
            throws IOException {
        long started = System.nanoTime();
        Stop limit = Stop.TIMED_OUT;
        long budget = timeout.toNanos();
        if (deadline != null) {
            long left = Duration.between(Instant.now(), deadline).toNanos();
            if (left < budget) {
                budget = Math.max(0, left);
                limit = Stop.DEADLINE;
            }
        }
        long end = started + budget;

        List<String> commandLine = new ArrayList<>(6);
        if (setsid != null) {
            commandLine.add(setsid.toString());
        }
        commandLine.add(bash.toString());
        commandLine.add("-c");
        commandLine.add(GATE);
        commandLine.add(bash.toString());
        commandLine.add(command);
        ProcessBuilder builder = new ProcessBuilder(commandLine).directory(cwd.toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        Process process = builder.start();
        LOG.debug("system.run: started pid {} in {}", process.pid(), cwd);
        try {
            return follow(process, end, limit, deadline, cancellation, started);
        } catch (RuntimeException | Error e) {
            // e.g. no thread could be started for a reader: do not leave the command running
            killTree(process, Duration.ZERO);
            throw e;
        }
    }

    private Outcome follow(Process process, long end, Stop limit, Instant deadline, Cancellation cancellation,
            long started) {
        CountDownLatch reading = new CountDownLatch(2);
        OutputCapture stdout =
                read(process, new OutputCapture(process.getInputStream(), outputCap, reading::countDown), "stdout");
        OutputCapture stderr =
                read(process, new OutputCapture(process.getErrorStream(), outputCap, reading::countDown), "stderr");
        boolean interrupted = false;
        try {
            if (!reading.await(5, TimeUnit.SECONDS)) {
                LOG.warn("system.run: output readers of pid {} did not start in time", process.pid());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        try (OutputStream gate = process.getOutputStream()) {
            if (!interrupted) {
                gate.write('\n');
            }
        } catch (IOException e) {
            // bash is already gone; the wait below sees it exit
        }

        Stop stop;
        try {
            stop = interrupted ? Stop.CANCELLED : await(process, end, limit, cancellation);
        } catch (InterruptedException e) {
            interrupted = true;
            stop = Stop.CANCELLED;
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

        boolean stragglers = false;
        boolean complete;
        try {
            if (stop == Stop.EXITED) {
                complete = drain(stdout, stderr, drainWindow(end, deadline));
                if (!complete && setsid != null) {
                    LOG.info("system.run: pid {} exited but background processes keep its output open; stopping them",
                            process.pid());
                    stragglers = true;
                    signalGroup("TERM", process.pid());
                    complete = drain(stdout, stderr, graces.kill());
                    if (!complete) {
                        signalGroup("KILL", process.pid());
                        complete = drain(stdout, stderr, graces.drain());
                    }
                }
            } else {
                LOG.info("system.run: stopping pid {} and its processes ({})", process.pid(), stop);
                killTree(process, stop == Stop.DEADLINE ? Duration.ZERO : graces.kill());
                complete = drain(stdout, stderr, stop == Stop.DEADLINE ? MIN_DRAIN : graces.drain());
            }
        } catch (InterruptedException e) {
            interrupted = true;
            killTree(process, Duration.ZERO);
            complete = stdout.ended() && stderr.ended();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        int exitCode = process.isAlive() ? -1 : process.exitValue();
        return new Outcome(stop, exitCode, stdout.text(), stderr.text(), stragglers, !complete, elapsed);
    }

    private static OutputCapture read(Process process, OutputCapture capture, String stream) {
        Thread thread = new Thread(capture, "system.run-" + process.pid() + "-" + stream);
        thread.setDaemon(true);
        thread.start();
        return capture;
    }

    private Stop await(Process process, long end, Stop limit, Cancellation cancellation) throws InterruptedException {
        while (true) {
            if (cancellation.isCancelled()) {
                return Stop.CANCELLED;
            }
            long left = end - System.nanoTime();
            if (left <= 0) {
                return process.isAlive() ? limit : Stop.EXITED;
            }
            if (process.waitFor(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS)) {
                return Stop.EXITED;
            }
        }
    }

    /** After bash exits: the drain grace, cut by the timeout and the deadline but never below a floor. */
    private Duration drainWindow(long end, Instant deadline) {
        Duration window = graces.drain();
        Duration toTimeout = Duration.ofNanos(end - System.nanoTime());
        if (toTimeout.compareTo(window) < 0) {
            window = toTimeout;
        }
        if (deadline != null) {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.compareTo(window) < 0) {
                window = left;
            }
        }
        return window.compareTo(MIN_DRAIN) < 0 ? MIN_DRAIN : window;
    }

    private static boolean drain(OutputCapture stdout, OutputCapture stderr, Duration window)
            throws InterruptedException {
        long end = System.nanoTime() + window.toNanos();
        return stdout.awaitEnd(Duration.ofNanos(end - System.nanoTime()))
                && stderr.awaitEnd(Duration.ofNanos(end - System.nanoTime()));
    }

    /**
     * Stops bash and everything it started: SIGTERM to the process group and to every process of
     * the tree as seen now, up to {@code grace} for them to go, then SIGKILL to whatever is left.
     */
    private void killTree(Process process, Duration grace) {
        // snapshot first: once bash is gone its children are re-parented and no longer descendants
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        boolean group = setsid != null;
        if (!grace.isZero()) {
            if (group) {
                signalGroup("TERM", process.pid());
            }
            tree.forEach(ProcessHandle::destroy);
            awaitGone(tree, grace);
        }
        if (group) {
            signalGroup("KILL", process.pid());
        }
        for (ProcessHandle handle : tree) {
            if (running(handle)) {
                handle.descendants().forEach(ProcessHandle::destroyForcibly);
                handle.destroyForcibly();
            }
        }
        try {
            if (!process.waitFor(graces.kill().plusSeconds(1).toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("system.run: pid {} is still alive after SIGKILL", process.pid());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitGone(List<ProcessHandle> tree, Duration grace) {
        long end = System.nanoTime() + grace.toNanos();
        try {
            while (tree.stream().anyMatch(CommandRunner::running) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether a process still runs. A killed child re-parented to an init that reaps late (a
     * container's PID 1) stays a zombie, which {@link ProcessHandle#isAlive()} counts as alive;
     * waiting for it would only burn the grace period.
     */
    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            int end = stat.lastIndexOf(')');
            return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return process.isAlive(); // no procfs, or the process is gone
        }
    }

    /**
     * Sends a signal to the process group led by {@code pgid}. Java has no call for that, so the
     * bash builtin {@code kill} does it; the kernel delivers it to the whole group at once, so a
     * process forking at that moment cannot slip through.
     */
    private void signalGroup(String signal, long pgid) {
        ProcessBuilder builder = new ProcessBuilder(bash.toString(), "-c", "kill -s " + signal + " -- -" + pgid);
        builder.environment().clear();
        builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
        builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        try {
            Process kill = builder.start();
            if (!kill.waitFor(2, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            LOG.warn("system.run: could not signal process group {}: {}", pgid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
