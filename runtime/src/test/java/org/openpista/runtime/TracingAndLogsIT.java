package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * {@code [tracing]} and {@code [log] format = "json"} of the real distribution: a one-shot turn with
 * a tool call sends its spans to an OTLP/HTTP receiver of the test, which decodes them; the log file
 * is JSON lines carrying the turn's session without the planted key; {@code openpista logs} filters
 * them.
 */
class TracingAndLogsIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String PLANTED_KEY = "sk-planted-0123456789abcdefXYZ";

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    HttpServer receiver;
    final List<JsonNode> traces = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenAiServer();
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        receiver.createContext("/v1/traces", exchange -> {
            try (exchange) {
                traces.add(JSON.readTree(exchange.getRequestBody()));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "%s"
                approval = "auto"

                [tracing]
                endpoint = "http://127.0.0.1:%d"

                [log]
                format = "json"
                """.formatted(fake.baseUrl(), PLANTED_KEY, receiver.getAddress().getPort()));
        Files.setPosixFilePermissions(home.resolve("config.toml"), PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void tearDown() {
        receiver.stop(0);
        fake.close();
    }

    @Test
    void aTurnIsTracedAndLoggedAsJsonWithoutTheKey() throws Exception {
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo traced\"}"), FakeReply.text("It said traced."));

        Result run = DistributionProcess.run(home, Map.of(), "run", "-s", "work", "-e", "run echo traced");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(traces).as("the spans were sent before the process ended").hasSize(1);
        JsonNode spans = traces.get(0).path("resourceSpans").get(0).path("scopeSpans").get(0).path("spans");
        List<String> names = new ArrayList<>();
        spans.forEach(span -> names.add(span.path("name").asText()));
        assertThat(names).containsExactly("invoke_agent openpista", "chat test-model", "execute_tool system.run",
                "chat test-model");
        String traceId = spans.get(0).path("traceId").asText();
        assertThat(traceId).matches("[0-9a-f]{32}");
        spans.forEach(span -> assertThat(span.path("traceId").asText()).isEqualTo(traceId));
        assertThat(spans.get(1).path("parentSpanId").asText()).isEqualTo(spans.get(0).path("spanId").asText());
        assertThat(traces.get(0).toString()).contains("gen_ai.usage.input_tokens").doesNotContain("echo traced")
                .doesNotContain(PLANTED_KEY);

        // a refusal that quotes the key, as OpenAI's does: the core logs it during the turn, redacted
        fake.enqueue(FakeReply.error(401, "Incorrect API key provided: " + PLANTED_KEY));
        Result refused = DistributionProcess.run(home, Map.of(), "run", "-s", "work", "-e", "again");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(traces).hasSize(2);
        JsonNode failedTurn = traces.get(1).path("resourceSpans").get(0).path("scopeSpans").get(0).path("spans").get(0);
        assertThat(failedTurn.path("status").path("code").asInt()).isEqualTo(2);
        String failedTraceId = failedTurn.path("traceId").asText();

        List<String> lines = Files.readAllLines(home.resolve("logs/openpista.0.log"));
        assertThat(lines).isNotEmpty();
        String session = null;
        int jsonLines = 0;
        for (String line : lines) {
            // the launcher's first lines too: the file holds them until the logging bundle chose the format
            assertThat(line).as("every line of the log file is JSON").startsWith("{");
            jsonLines++;
            JsonNode record = JSON.readTree(line);
            assertThat(record.path("ts").asText()).as(line).isNotEmpty();
            assertThat(record.path("level").asText()).as(line).isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
            if (record.has("session")) {
                session = record.path("session").asText();
                assertThat(record.path("turn").asText()).isIn(traceId, failedTraceId);
            }
        }
        assertThat(jsonLines).isPositive();
        assertThat(session).as("a line logged during the turn carries its session").isNotNull();
        assertThat(String.join("\n", lines)).doesNotContain(PLANTED_KEY);

        Result logs = DistributionProcess.run(home, Map.of(), "logs", "--session", session);
        assertThat(logs.exitCode()).as(logs.toString()).isZero();
        assertThat(logs.stdout()).isNotEmpty();
        String expected = "[" + session + "]: ";
        logs.stdout().lines().filter(line -> !line.startsWith("\t") && !line.isBlank())
                .forEach(line -> assertThat(line).contains(expected));
    }
}
