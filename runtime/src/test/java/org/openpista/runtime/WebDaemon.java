package org.openpista.runtime;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * {@code openpista web start} (or another daemon command: {@code start --foreground}, {@code mobile
 * start}) of the assembled distribution as a background process, for the web chat's and the mobile
 * channel's end-to-end tests: started on a free port of 127.0.0.1, stopped with SIGTERM. And the
 * headless Chromium the browser tests look at it with (Debian's chromium and chromedriver).
 */
final class WebDaemon implements AutoCloseable {

    static final Duration START = Duration.ofSeconds(60);
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where the browser tests leave their screenshots, for review. */
    static final Path SCREENSHOTS = Path.of("target/screenshots");

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
        return start(dist, home, port, env, "Web chat: ", words);
    }

    /**
     * Starts a daemon command of the distribution that prints another line when it is ready, such as
     * {@code mobile start} ("Mobile: "), and waits for that line.
     *
     * @param port the port it serves on (a UDP port for mobile)
     */
    static WebDaemon startUntil(String ready, Path home, int port, String... words) throws Exception {
        return start(DistributionProcess.dist(), home, port, Map.of(), ready, words);
    }

    private static WebDaemon start(Path dist, Path home, int port, Map<String, String> env, String ready, String... words)
            throws Exception {
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
        daemon.awaitOutput(ready, START);
        return daemon;
    }

    /** @return why the browser tests cannot run here, or {@code null} when Chromium and its driver are installed */
    static String chromiumMissing() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER) ? null
                : "Chromium is not installed (apt-get install chromium chromium-driver)";
    }

    /** Skips the test for what is missing ({@code null}: nothing is), or fails it under OPENPISTA_IT_REQUIRE=all. */
    static void assumeNothingMissing(String missing) {
        if (missing != null && "all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
            fail("OPENPISTA_IT_REQUIRE=all but " + missing);
        }
        assumeTrue(missing == null, missing + "; skipping the browser tests");
    }

    /** @return a headless Chromium with a profile of its own and a window of that size ({@link #SCREENSHOTS} made) */
    static ChromeDriver browser(int width, int height) throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        Path profile = Files.createTempDirectory("openpista-chromium-");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        // Debian's chromedriver, named explicitly, so Selenium never looks for (or downloads) one
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        Files.createDirectories(SCREENSHOTS);
        return new ChromeDriver(options);
    }

    /** Saves what the browser shows as {@link #SCREENSHOTS}/NAME.png. */
    static void screenshot(ChromeDriver browser, String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
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
