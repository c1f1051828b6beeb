package org.openpista.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The distribution's {@code bin/openpista} as a process a test talks to while it runs: it reads the
 * output line by line as it comes (to pick up a login URL or code) and writes to standard input (a
 * pasted code), then waits for the end like {@link DistributionProcess}.
 */
final class InteractiveProcess implements AutoCloseable {

    private static final Object END = new Object();

    private final Process process;
    private final List<String> args;
    private final BlockingQueue<Object> lines = new LinkedBlockingQueue<>();
    private final StringBuilder stdout = new StringBuilder();
    private final CompletableFuture<String> stderr;

    private InteractiveProcess(Process process, List<String> args) {
        this.process = process;
        this.args = args;
        Thread reader = new Thread(this::readStdout, "openpista-stdout");
        reader.setDaemon(true);
        reader.start();
        this.stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        });
    }

    /** Starts {@code openpista ARGS} with {@code OPENPISTA_HOME=home} and no provider keys from the caller's environment. */
    static InteractiveProcess start(Path home, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(DistributionProcess.dist().resolve("bin/openpista").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        builder.environment().putAll(env);
        return new InteractiveProcess(builder.start(), List.of(args));
    }

    /**
     * @return the first line of standard output (from now on) that matches
     * @throws AssertionError when none comes within the timeout or the process ends first
     */
    String awaitLine(Predicate<String> wanted, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Object next = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null || next == END) {
                throw new AssertionError("openpista " + String.join(" ", args) + " printed no such line"
                        + (next == END ? " before it ended" : " within " + timeout) + "\n--- stdout ---\n" + stdout()
                        + (next == END ? "\n--- stderr ---\n" + stderr.join() : ""));
            }
            if (wanted.test((String) next)) {
                return (String) next;
            }
        }
    }

    /** Writes a line to standard input. */
    void type(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits for the end. */
    DistributionProcess.Result finish(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            close();
            throw new AssertionError("openpista " + String.join(" ", args) + " did not finish within " + timeout
                    + "\n--- stdout ---\n" + stdout());
        }
        // the reader sees the end of the output after the exit
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!lines.contains(END) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return new DistributionProcess.Result(process.exitValue(), stdout(), stderr.join());
    }

    private synchronized String stdout() {
        return stdout.toString();
    }

    private void readStdout() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                synchronized (this) {
                    stdout.append(line).append('\n');
                }
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process went away
        } finally {
            lines.add(END);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
