package org.openpista.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the assembled distribution's {@code bin/openpista} as a separate process. */
final class DistributionProcess {

    /** What a finished command produced. */
    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    private DistributionProcess() {}

    static Path dist() {
        Path dist = Path.of(System.getProperty("openpista.dist", "target/openpista"));
        if (!Files.isExecutable(dist.resolve("bin/openpista"))) {
            throw new IllegalStateException("no distribution at " + dist + "; run the package phase first");
        }
        return dist;
    }

    /** Runs a command with {@code OPENPISTA_HOME=home} and no provider keys from the caller's environment. */
    static Result run(Path home, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(home, env, null, Duration.ofSeconds(90), args);
    }

    static Result run(Path home, Map<String, String> env, String stdin, Duration timeout, String... args)
            throws IOException, InterruptedException {
        return run(dist(), home, env, stdin, timeout, args);
    }

    /** Runs a command of another distribution than the one the build assembled. */
    static Result run(Path dist, Path home, Map<String, String> env, String stdin, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(dist.resolve("bin/openpista").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        builder.environment().putAll(env);
        if (stdin == null) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process process = builder.start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
        }
        CompletableFuture<String> out = read(process.getInputStream());
        CompletableFuture<String> err = read(process.getErrorStream());
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("openpista " + String.join(" ", args) + " did not finish within " + timeout);
        }
        return new Result(process.exitValue(), out.join(), err.join());
    }

    /**
     * Starts a command that keeps running (a daemon in the foreground): standard input is empty, and
     * what it prints on both streams collects in {@code output}.
     */
    static Process launch(Path home, StringBuffer output, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(dist().resolve("bin/openpista").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        Thread reader = new Thread(() -> {
            try (InputStream in = process.getInputStream()) {
                byte[] buffer = new byte[4096];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    output.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                output.append(e);
            }
        }, "openpista-" + String.join("-", args) + "-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }

    /**
     * Stops the daemon a test left running in a home, without starting a client as {@code openpista
     * stop} would (a JVM with every bundle, seconds of CPU, after every test): SIGTERM to the process of
     * the PID file, which stops the daemon as {@code stop} does, and SIGKILL if it has not ended within a
     * minute. Only a process that is openpista's launcher with this home is signalled, never another
     * process that took the PID of a stale file ({@code openpista stop} sorts out any other case).
     */
    static void stopDaemon(Path home) throws IOException, InterruptedException {
        Path pidFile = home.resolve("openpista.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (NumberFormatException | IOException e) {
            return; // half written or gone: the daemon removes it when it stops
        }
        ProcessHandle daemon = ProcessHandle.of(pid).filter(ProcessHandle::isAlive).orElse(null);
        if (daemon == null) {
            return;
        }
        if (!isDaemonOf(daemon, home)) {
            run(home, Map.of(), "stop"); // it tells a stale PID file from a daemon itself
            return;
        }
        daemon.destroy();
        try {
            daemon.onExit().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            daemon.destroyForcibly();
        }
    }

    private static boolean isDaemonOf(ProcessHandle process, Path home) {
        Path proc = Path.of("/proc", Long.toString(process.pid()));
        try {
            String commandLine = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
            String environment = new String(Files.readAllBytes(proc.resolve("environ")), StandardCharsets.UTF_8);
            return commandLine.contains("org.openpista.runtime.Main")
                    && List.of(environment.split("\0")).contains("OPENPISTA_HOME=" + home);
        } catch (IOException e) {
            return false; // ended, or not ours to read
        }
    }

    /** @return the messages the memory database of a home keeps for a session, as {@code role: content} */
    static List<String> stored(Path home, String session) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection db = new org.sqlite.JDBC().connect("jdbc:sqlite:" + home.resolve("memory.db"), new Properties());
                PreparedStatement query = db.prepareStatement("SELECT role, content FROM messages WHERE session_id = ? ORDER BY seq")) {
            query.setString(1, session);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1) + ": " + result.getString(2));
                }
            }
        }
        return rows;
    }

    /** Removes everything from the environment that could point openpista at a real provider. */
    static void clean(Map<String, String> env) {
        env.keySet().removeIf(name -> name.toUpperCase().startsWith("OPENPISTA_") || name.endsWith("_API_KEY")
                || name.endsWith("_TOKEN"));
    }

    private static CompletableFuture<String> read(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "<unreadable: " + e + ">";
            }
        });
    }
}
