package org.openpista.runtime;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openpista.testkit.FakeOpenAiServer;

/**
 * {@code openpista web start} (or another daemon command) of the assembled distribution as a background process, for the web
 * chat's end-to-end tests: started on a free port of 127.0.0.1, stopped with SIGTERM.
 */
final class WebDaemon implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(60);

    final Path home;
    final int port;
    final Process process;
    final Path stdout;
    final Path stderr;

    private WebDaemon(Path home, int port, Process process, Path stdout, Path stderr) {
        this.home = home;
        this.port = port;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /**
     * Writes the {@code config.toml} of a web chat test: the agent on the fake LLM, and the web chat on
     * that port with the further {@code [channels.web]} lines given.
     */
    static void writeConfig(Path home, FakeOpenAiServer llm, String apiKey, int port, String web) throws IOException {
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "%s"

                [channels.web]
                port = %d
                %s
                """.formatted(llm.baseUrl(), apiKey, port, web));
    }

    /**
     * A free TCP port of 127.0.0.1 for another process to listen on, picked at random below the
     * kernel's range of ephemeral ports (32768 and up on Linux): the ITs run in two processes at once,
     * and a port the kernel hands out for port 0 could be handed to the other one's daemon (or any
     * client socket) before this test's daemon binds it. Here only two tests picking the same one of
     * 12,000 ports at the same moment could collide.
     */
    static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = random.nextInt(20_000, 32_000);
            try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // in use: another
            }
        }
        throw new IOException("no free port of 127.0.0.1 between 20000 and 32000 in 100 attempts");
    }

    /** Starts {@code web start} and waits until it printed its URL (or ended). */
    static WebDaemon start(Path home, int port, Map<String, String> env) throws Exception {
        return start(home, port, env, "web", "start");
    }

    /** Starts a daemon command that prints the web chat's URL, such as {@code start --foreground}, and waits for it. */
    static WebDaemon start(Path home, int port, Map<String, String> env, String... words) throws Exception {
        return start(DistributionProcess.dist(), home, port, env, words);
    }

    /** Starts a daemon command of another distribution than the one the build assembled. */
    static WebDaemon start(Path dist, Path home, int port, Map<String, String> env, String... words) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(dist.resolve("bin/openpista").toString());
        command.addAll(List.of(words));
        ProcessBuilder builder = new ProcessBuilder(command);
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        builder.environment().putAll(env);
        Path logs = Files.createTempDirectory("openpista-web-it-");
        Path out = logs.resolve("stdout.txt");
        Path err = logs.resolve("stderr.txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        WebDaemon daemon = new WebDaemon(home, port, builder.start(), out, err);
        daemon.awaitOutput("Web chat: ", START);
        return daemon;
    }

    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    String stdout() throws IOException {
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    /** Waits for a text on standard output; fails (with both outputs) when the process ends first. */
    void awaitOutput(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (stdout().contains(text)) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("the daemon ended with " + process.exitValue() + " before printing \"" + text
                        + "\"\n--- stdout ---\n" + stdout() + "\n--- stderr ---\n" + stderr());
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the daemon did not print \"" + text + "\" within " + timeout + "\n--- stdout ---\n"
                + stdout() + "\n--- stderr ---\n" + stderr());
    }

    /** Sends SIGTERM and waits. @return the exit status */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("the daemon did not stop within 60 s after SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
