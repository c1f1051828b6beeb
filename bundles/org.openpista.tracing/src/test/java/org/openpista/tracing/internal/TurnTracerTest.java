package org.openpista.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.Usage;
import org.openpista.api.observe.LlmRequestEvent;
import org.openpista.api.observe.Outcome;
import org.openpista.api.observe.ToolCallEvent;
import org.openpista.api.observe.TurnEndEvent;
import org.openpista.api.observe.TurnInfo;
import org.openpista.api.tool.ToolResult;

/**
 * The spans of a turn with a tool call, sent by the real sender to an OTLP/HTTP receiver on
 * 127.0.0.1 (the JDK's HTTP server) that decodes what arrives.
 */
class TurnTracerTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");
    static final String TURN_ID = "0af7651916cd43dd8448eb211c80319c";

    HttpServer receiver;
    final BlockingQueue<Map.Entry<String, JsonNode>> received = new LinkedBlockingQueue<>();
    OtlpSender sender;

    @BeforeEach
    void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        receiver.createContext("/", exchange -> {
            try (exchange) {
                String type = exchange.getRequestHeaders().getFirst("Content-Type");
                received.add(Map.entry(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " " + type,
                        JSON.readTree(exchange.getRequestBody())));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        receiver.start();
        sender = new OtlpSender(OtlpSender.tracesUrl("http://127.0.0.1:" + receiver.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        sender.close();
        receiver.stop(0);
    }

    /** Plays a turn: a request that asks for a tool, the tool, a request that answers. */
    void playTurn(TurnTracer tracer) {
        TurnInfo turn = new TurnInfo(TURN_ID, "session-1", "telegram", "openai", T0, 0);
        tracer.turnStarted(turn);
        ChatRequest request = new ChatRequest("gpt-4o", "You are openpista. secret-system-prompt",
                List.of(ChatMessage.user("my password is hunter2")), List.of(), 0, null);
        ToolCall call = new ToolCall("call_1", "system.run", "{\"command\":\"cat notes\"}");
        tracer.llmRequest(turn, new LlmRequestEvent("openai", "gpt-4o", T0.plusMillis(1), 300_000_000L, Outcome.OK, "",
                request, new ChatResponse("", List.of(call), new Usage(1200, 30, 1000, 0), "tool_calls",
                        "gpt-4o-2024-08-06", null)));
        tracer.toolCall(turn, new ToolCallEvent(call, true, T0.plusMillis(400), 50_000_000L, Outcome.OK,
                ToolResult.ok("the notes say hunter2")));
        tracer.llmRequest(turn, new LlmRequestEvent("openai", "gpt-4o", T0.plusMillis(500), 200_000_000L, Outcome.ERROR,
                "HTTP 500 from the provider", request, null));
        tracer.turnEnded(turn, new TurnEndEvent(800_000_000L, Outcome.ERROR, 2, 1, new Usage(1200, 30, 1000, 0)));
    }

    JsonNode nextTrace() throws InterruptedException {
        Map.Entry<String, JsonNode> request = received.poll(10, TimeUnit.SECONDS);
        assertThat(request).as("an OTLP request arrived").isNotNull();
        assertThat(request.getKey()).isEqualTo("POST /v1/traces application/json");
        return request.getValue();
    }

    static Map<String, JsonNode> attributes(JsonNode span) {
        Map<String, JsonNode> attributes = new HashMap<>();
        span.path("attributes").forEach(attribute -> attributes.put(attribute.path("key").asText(), attribute.path("value")));
        return attributes;
    }

    @Test
    void aTurnIsARootSpanWithChildSpansPerRequestAndToolCallInGenAiTerms() throws Exception {
        playTurn(new TurnTracer(sender, false, "openpista"));

        JsonNode trace = nextTrace();
        JsonNode resource = trace.path("resourceSpans").get(0);
        assertThat(resource.path("resource").path("attributes").get(0).path("value").path("stringValue").asText())
                .isEqualTo("openpista");
        JsonNode spans = resource.path("scopeSpans").get(0).path("spans");
        assertThat(spans).hasSize(4);
        JsonNode root = spans.get(0);
        assertThat(root.path("name").asText()).isEqualTo("invoke_agent openpista");
        assertThat(root.path("traceId").asText()).isEqualTo(TURN_ID);
        assertThat(root.has("parentSpanId")).isFalse();
        assertThat(root.path("startTimeUnixNano").asText()).isEqualTo("1773144000000000000");
        assertThat(root.path("endTimeUnixNano").asText()).isEqualTo("1773144000800000000");
        assertThat(root.path("status").path("code").asInt()).isEqualTo(2);
        assertThat(attributes(root).get("openpista.channel").path("stringValue").asText()).isEqualTo("telegram");
        assertThat(attributes(root).get("gen_ai.usage.input_tokens").path("intValue").asText()).isEqualTo("1200");

        JsonNode chat = spans.get(1);
        assertThat(chat.path("name").asText()).isEqualTo("chat gpt-4o");
        assertThat(chat.path("kind").asInt()).isEqualTo(3);
        assertThat(chat.path("parentSpanId").asText()).isEqualTo(root.path("spanId").asText()).hasSize(16);
        assertThat(chat.path("traceId").asText()).isEqualTo(TURN_ID);
        Map<String, JsonNode> chatAttributes = attributes(chat);
        assertThat(chatAttributes.get("gen_ai.operation.name").path("stringValue").asText()).isEqualTo("chat");
        assertThat(chatAttributes.get("gen_ai.system").path("stringValue").asText()).isEqualTo("openai");
        assertThat(chatAttributes.get("gen_ai.request.model").path("stringValue").asText()).isEqualTo("gpt-4o");
        assertThat(chatAttributes.get("gen_ai.response.model").path("stringValue").asText()).isEqualTo("gpt-4o-2024-08-06");
        assertThat(chatAttributes.get("gen_ai.usage.input_tokens").path("intValue").asText()).isEqualTo("1200");
        assertThat(chatAttributes.get("gen_ai.usage.output_tokens").path("intValue").asText()).isEqualTo("30");
        assertThat(chatAttributes.get("openpista.usage.cache_read_tokens").path("intValue").asText()).isEqualTo("1000");
        assertThat(chatAttributes.get("gen_ai.response.finish_reasons").path("arrayValue").path("values").get(0)
                .path("stringValue").asText()).isEqualTo("tool_calls");
        assertThat(chat.path("endTimeUnixNano").asLong() - chat.path("startTimeUnixNano").asLong()).isEqualTo(300_000_000L);

        JsonNode tool = spans.get(2);
        assertThat(tool.path("name").asText()).isEqualTo("execute_tool system.run");
        assertThat(attributes(tool).get("gen_ai.tool.call.id").path("stringValue").asText()).isEqualTo("call_1");
        assertThat(tool.path("status").path("code").asInt()).isEqualTo(1);

        JsonNode failed = spans.get(3);
        assertThat(failed.path("status").path("code").asInt()).isEqualTo(2);
        assertThat(failed.path("status").path("message").asText()).isEqualTo("HTTP 500 from the provider");
        assertThat(attributes(failed).get("error.type").path("stringValue").asText()).isEqualTo("provider_error");

        assertThat(trace.toString()).as("no content without capture_content")
                .doesNotContain("hunter2").doesNotContain("secret-system-prompt").doesNotContain("cat notes");
    }

    @Test
    void captureContentPutsPromptsAnswersAndToolArgumentsIn() throws Exception {
        playTurn(new TurnTracer(sender, true, "my-agent"));

        JsonNode trace = nextTrace();
        JsonNode spans = trace.path("resourceSpans").get(0).path("scopeSpans").get(0).path("spans");
        Map<String, JsonNode> chat = attributes(spans.get(1));
        assertThat(chat.get("gen_ai.input.messages").path("stringValue").asText()).contains("my password is hunter2");
        assertThat(chat.get("gen_ai.system_instructions").path("stringValue").asText()).contains("secret-system-prompt");
        assertThat(chat.get("gen_ai.output.messages").path("stringValue").asText()).contains("system.run");
        Map<String, JsonNode> tool = attributes(spans.get(2));
        assertThat(tool.get("gen_ai.tool.call.arguments").path("stringValue").asText()).contains("cat notes");
        assertThat(tool.get("gen_ai.tool.call.result").path("stringValue").asText()).isEqualTo("the notes say hunter2");
    }

    @Test
    void theTracesUrlIsTheEndpointsV1Traces() {
        assertThat(OtlpSender.tracesUrl("http://collector:4318")).hasToString("http://collector:4318/v1/traces");
        assertThat(OtlpSender.tracesUrl("http://collector:4318/")).hasToString("http://collector:4318/v1/traces");
        assertThat(OtlpSender.tracesUrl("https://x/otlp/v1/traces")).hasToString("https://x/otlp/v1/traces");
    }

    @Test
    void aCollectorThatIsDownNeverStopsATurnAndAtMostTheQueueWaits() {
        try (OtlpSender nowhere = new OtlpSender(OtlpSender.tracesUrl("http://127.0.0.1:1"))) {
            TurnTracer tracer = new TurnTracer(nowhere, false, "openpista");
            for (int i = 0; i < OtlpSender.QUEUE * 2; i++) {
                playTurn(tracer);
            }
            assertThat(nowhere.waiting()).isLessThanOrEqualTo(OtlpSender.QUEUE);
        }
    }
}
