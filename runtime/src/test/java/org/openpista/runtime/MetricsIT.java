package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * {@code [metrics]} end to end: the daemon runs a turn with a tool call (the fake OpenAI server asks
 * for {@code system.run}), a real Prometheus (Debian's {@code prometheus}) scrapes the daemon's
 * endpoint, and its HTTP API must return the series of that turn; {@code promtool check metrics}
 * must accept the exposition.
 */
class MetricsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path home;

    @TempDir
    Path prometheusData;

    FakeOpenAiServer fake;
    Process prometheus;
    int metricsPort;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void setUp() throws IOException {
        fake = new FakeOpenAiServer();
        fake.echoFallback();
        metricsPort = WebDaemon.freePort();
        ShellTurn.writeConfig(home, fake, """
                [channels.web]
                enabled = false

                [metrics]
                enabled = true
                port = %d
                """.formatted(metricsPort));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (prometheus != null) {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
            DistributionProcess.stopDaemon(home);
        } finally {
            fake.close();
        }
    }

    @Test
    void prometheusScrapesTheSeriesOfATurnWithAToolCall() throws Exception {
        Path prometheusBinary = required("prometheus");
        Path promtool = required("promtool");
        Result started = DistributionProcess.run(home, Map.of(), "start");
        assertThat(started.exitCode()).as(started.toString()).isZero();

        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo measured\"}"), FakeReply.text("It said measured."));
        Result turn = DistributionProcess.run(home, Map.of(), "shell", "-c", "openpista:send metrics-test \"run echo\"");
        assertThat(turn.exitCode()).as(turn.toString()).isZero();
        assertThat(turn.stdout()).isEqualTo("It said measured.\n");

        HttpResponse<String> scrape = get("http://127.0.0.1:" + metricsPort + "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        String exposition = scrape.body();
        assertThat(exposition)
                .contains("openpista_tool_calls_total{outcome=\"ok\",tool=\"system.run\"} 1.0")
                .contains("openpista_turns_total{channel=\"shell\",outcome=\"ok\"} 1.0")
                .contains("openpista_llm_requests_total{model=\"test-model\",outcome=\"ok\",provider=\"openai\"} 2.0")
                .contains("openpista_approvals_total{decision=\"auto\"} 1.0")
                .contains("jvm_threads_current")
                .doesNotContain("metrics-test")
                .doesNotContain("run echo");
        // the second request repeats the first one's start: the fake's prompt cache reports hits
        assertThat(exposition).containsPattern(
                "openpista_llm_tokens_total\\{kind=\"cache_read\",model=\"test-model\",provider=\"openai\"} [1-9]");

        Path expositionFile = Files.writeString(prometheusData.resolve("exposition.txt"), exposition);
        Process check = new ProcessBuilder(promtool.toString(), "check", "metrics").redirectInput(expositionFile.toFile())
                .redirectErrorStream(true).start();
        String checkOutput = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as("promtool check metrics: " + checkOutput).isZero();

        int prometheusPort = WebDaemon.freePort();
        Path config = Files.writeString(prometheusData.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: openpista
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(metricsPort));
        prometheus = new ProcessBuilder(prometheusBinary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + prometheusData.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(prometheusData.resolve("prometheus.log").toFile()).start();

        JsonNode series = awaitSeries(prometheusPort, "openpista_tool_calls_total{tool=\"system.run\"}");
        assertThat(series.path("metric").path("outcome").asText()).isEqualTo("ok");
        assertThat(series.path("metric").path("job").asText()).isEqualTo("openpista");
        assertThat(series.path("value").path(1).asText()).isEqualTo("1");
        assertThat(awaitSeries(prometheusPort, "openpista_llm_tokens_total{kind=\"input\"}").path("value").path(1).asDouble())
                .isPositive();
        assertThat(awaitSeries(prometheusPort, "openpista_turn_duration_seconds_count").path("value").path(1).asText())
                .isEqualTo("1");
        assertThat(awaitSeries(prometheusPort, "up{job=\"openpista\"}").path("value").path(1).asText()).isEqualTo("1");
    }

    @Test
    void disabledMetricsListenNowhere() throws Exception {
        Files.writeString(home.resolve("config.toml"),
                Files.readString(home.resolve("config.toml")).replace("enabled = true\nport", "enabled = false\nport"));
        Result started = DistributionProcess.run(home, Map.of(), "start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        assertThat(Result.class).isNotNull();
        try (ServerSocket free = new ServerSocket(metricsPort, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(free.getLocalPort()).as("nothing took the metrics port").isEqualTo(metricsPort);
        }
    }

    /** @return the first series the query returns, asked until Prometheus has scraped it (30 s at most) */
    private JsonNode awaitSeries(int port, String query) throws Exception {
        String url = "http://127.0.0.1:" + port + "/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = get(url);
                last = response.body();
                JsonNode result = JSON.readTree(last).path("data").path("result");
                if (response.statusCode() == 200 && result.size() > 0) {
                    return result.get(0);
                }
            } catch (IOException notYetListening) {
                last = notYetListening.toString();
            }
            Thread.sleep(250);
        }
        fail("Prometheus returned no series for " + query + " within 30 s; last answer: " + last + "; its log: "
                + Files.readString(prometheusData.resolve("prometheus.log")));
        return null;
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path required(String command) {
        Path binary = Path.of("/usr/bin", command);
        boolean present = Files.isExecutable(binary);
        if (!present && "all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
            fail("OPENPISTA_IT_REQUIRE=all but " + command + " is missing: apt-get install prometheus");
        }
        assumeTrue(present, command + " is missing (apt-get install prometheus)");
        return binary;
    }

}
