package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * The browser tools in the real distribution: {@code openpista run -e} against a scripted fake LLM
 * that browses a page served by this test, with Debian's Chromium. Chromium is started by the turn
 * that needs it and gone when the process is, even when the process is killed with -9.
 */
class BrowserIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final String PAGE = """
            <!doctype html><title>Shop</title><h1>Basket</h1>
            <button onclick="fetch('/report', {method: 'POST', body: 'ordered'}); this.textContent = 'Ordered'"
            >Order now</button>""";

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    HttpServer site;
    final List<String> reports = new CopyOnWriteArrayList<>();
    final List<String> requested = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        boolean present = Files.isExecutable(CHROMIUM);
        if (!present && "all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
            fail("OPENPISTA_IT_REQUIRE=all but Chromium is missing: apt-get install chromium");
        }
        assumeTrue(present, "Chromium is not installed (apt-get install chromium); skipping the browser tests");
        fake = new FakeOpenAiServer();
        site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        site.createContext("/", exchange -> {
            try (exchange) {
                requested.add(exchange.getRequestURI().getPath());
                if (exchange.getRequestURI().getPath().equals("/report")) {
                    reports.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                    exchange.sendResponseHeaders(204, -1);
                    return;
                }
                byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        site.start();
        writeConfig("[\"127.0.0.1:" + site.getAddress().getPort() + "\"]", "");
    }

    void writeConfig(String allowedHosts, String more) throws IOException {
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-test"
                approval = "auto"

                [tools.browser]
                allowed_hosts = %s
                %s
                """.formatted(fake.baseUrl(), allowedHosts, more));
    }

    @AfterEach
    void tearDown() {
        if (fake != null) {
            fake.close();
        }
        if (site != null) {
            site.stop(0);
        }
    }

    String page() {
        return "http://127.0.0.1:" + site.getAddress().getPort() + "/shop";
    }

    @Test
    void aTurnBrowsesClicksByRefAndTakesAScreenshot() throws Exception {
        fake.enqueue(FakeReply.toolCall("browser.navigate", "{\"url\": \"" + page() + "\"}"),
                FakeReply.toolCall("browser.click", "{\"ref\": \"e1\"}"),
                FakeReply.toolCall("browser.screenshot", "{}"),
                FakeReply.toolCall("browser.navigate", "{\"url\": \"http://169.254.169.254/latest/meta-data/\"}"),
                FakeReply.text("Ordered, and here is the page."));

        Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "order the basket");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("Ordered, and here is the page.\n");
        assertThat(reports).containsExactly("ordered");
        assertThat(toolMessage(1)).contains("Opened " + page(), "- Page Title: Shop", "- heading \"Basket\" [level=1]",
                "- button \"Order now\" [ref=e1]");
        assertThat(toolMessage(2)).contains("Clicked button \"Order now\" [ref=e1].", "- button \"Ordered\" [active] [ref=e1]");
        assertThat(toolMessage(3)).startsWith("Took a screenshot of " + page()).contains("1280×720 PNG")
                .as("the image travels as an attachment, never as text to the model").hasSizeLessThan(400);
        assertThat(toolMessage(4)).startsWith("blocked_url: 169.254.169.254 is a cloud metadata address");
        assertThat(storedAttachments()).containsExactly("image/png");
        assertThat(processesOf(home.resolve("browser/profile"))).as("Chromium ends with the process").isEmpty();
    }

    @Test
    void aTurnThatDoesNotBrowseStartsNoBrowser() throws Exception {
        fake.enqueue(FakeReply.text("hello"));

        Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "hi");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(fake.requests().get(0).json().path("tools").toString()).contains("browser_navigate",
                "browser_snapshot", "browser_click", "browser_type", "browser_select", "browser_press", "browser_hover",
                "browser_screenshot", "browser_back", "browser_tabs", "browser_wait");
        assertThat(home.resolve("browser")).as("nothing of the browser was started or written").doesNotExist();
    }

    @Test
    void killingTheProcessWithNineLeavesNoChromium() throws Exception {
        fake.enqueue(FakeReply.toolCall("browser.navigate", "{\"url\": \"" + page() + "\"}"),
                FakeReply.text("too late").delayed(Duration.ofSeconds(60)));
        List<String> command = List.of(DistributionProcess.dist().resolve("bin/openpista").toString(), "run", "-e",
                "browse");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        Process openpista = builder.start();
        try {
            Path profile = home.resolve("browser/profile");
            Instant until = Instant.now().plusSeconds(60);
            while (fake.requests().size() < 2 && Instant.now().isBefore(until)) {
                Thread.sleep(50);
            }
            assertThat(fake.requests()).as("the turn came back with the page").hasSize(2);
            List<Long> chromium = processesOf(profile);
            assertThat(chromium).as("Chromium runs while the turn waits").isNotEmpty();

            List<ProcessHandle> jvms = new ArrayList<>(openpista.descendants()
                    .filter(p -> p.info().command().orElse("").endsWith("java")).toList());
            if (openpista.info().command().orElse("").endsWith("java")) {
                jvms.add(openpista.toHandle());
            }
            assertThat(jvms).as("the openpista JVM").isNotEmpty();
            jvms.forEach(ProcessHandle::destroyForcibly);

            Instant gone = Instant.now().plusSeconds(15);
            while (!processesOf(profile).isEmpty() && Instant.now().isBefore(gone)) {
                Thread.sleep(100);
            }
            assertThat(processesOf(profile)).as("Chromium quits when its pipe to the killed JVM closes").isEmpty();
        } finally {
            openpista.descendants().forEach(ProcessHandle::destroyForcibly);
            openpista.destroyForcibly();
            openpista.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theDaemonKeepsTheBrowserAwayFromItsOwnPortsAndClosesItWhenStopping() throws Exception {
        int port = WebDaemon.freePort();
        writeConfig("[\"127.0.0.1\"]", """

                [channels.web]
                port = %d
                token = "browser-it-token-0123456789"
                """.formatted(port));
        fake.enqueue(FakeReply.toolCall("browser.navigate", "{\"url\": \"http://127.0.0.1:" + port + "/\"}"),
                FakeReply.toolCall("browser.navigate", "{\"url\": \"" + page() + "\"}"), FakeReply.text("done"));
        Path profile = home.resolve("browser/profile");
        try (WebDaemon daemon = WebDaemon.start(home, port, Map.of())) {
            Result turn = DistributionProcess.run(home, Map.of(), "shell", "-c", "openpista:send browse \"go\"");

            assertThat(turn.stdout()).as(turn.toString()).isEqualTo("done\n");
            assertThat(toolMessage(1)).isEqualTo("blocked_url: 127.0.0.1:" + port + " is openpista's own port on this"
                    + " machine; the browser may not use it");
            assertThat(toolMessage(2)).contains("- Page Title: Shop");
            assertThat(processesOf(profile)).as("the browser stays for the next turn").isNotEmpty();
            assertThat(daemon.stop()).as("SIGTERM ends the JVM with 128 + 15 after the graceful shutdown").isIn(0, 143);
        }
        assertThat(processesOf(profile)).as("a stopped daemon closed its browser").isEmpty();
    }

    /** @return the content of the n-th tool message the fake LLM was sent (n from 1) */
    String toolMessage(int n) {
        JsonNode messages = fake.requests().get(n).json().path("messages");
        List<String> tools = new ArrayList<>();
        messages.forEach(message -> {
            if (message.path("role").asText().equals("tool")) {
                tools.add(message.path("content").asText());
            }
        });
        return tools.get(n - 1);
    }

    List<String> storedAttachments() throws Exception {
        List<String> types = new ArrayList<>();
        try (Connection db = new org.sqlite.JDBC().connect("jdbc:sqlite:" + home.resolve("memory.db"), new Properties());
                Statement query = db.createStatement();
                ResultSet rows = query.executeQuery("SELECT mime_type FROM attachments")) {
            while (rows.next()) {
                types.add(rows.getString(1));
            }
        }
        return types;
    }

    /** @return the living processes whose command line names the profile */
    static List<Long> processesOf(Path profile) throws IOException {
        List<Long> found = new ArrayList<>();
        String marker = "--user-data-dir=" + profile;
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : proc) {
                try {
                    String cmdline = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8);
                    String stat = Files.readString(entry.resolve("stat"));
                    if (cmdline.replace('\0', ' ').contains(marker)
                            && !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                        found.add(Long.parseLong(entry.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // ended while we looked
                }
            }
        }
        return found;
    }
}
