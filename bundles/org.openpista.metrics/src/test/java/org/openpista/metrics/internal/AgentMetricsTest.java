package org.openpista.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.Usage;
import org.openpista.api.observe.ApprovalEvent;
import org.openpista.api.observe.LlmRequestEvent;
import org.openpista.api.observe.Outcome;
import org.openpista.api.observe.ToolCallEvent;
import org.openpista.api.observe.TurnEndEvent;
import org.openpista.api.observe.TurnInfo;
import org.openpista.api.tool.ToolResult;

class AgentMetricsTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void oneTurnWithAToolCallShowsInEveryFamily() throws Exception {
        AgentMetrics metrics = new AgentMetrics(() -> 2, () -> 1);
        turnWithToolCall(metrics, "system.run");

        try (ScrapeServer server = server(metrics, "")) {
            HttpResponse<String> scrape = get(server, "/metrics", null);
            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
            String text = scrape.body();
            assertThat(text)
                    .contains("openpista_turns_total{channel=\"cli\",outcome=\"ok\"} 1.0")
                    .contains("openpista_turn_duration_seconds_count{channel=\"cli\"} 1")
                    .contains("openpista_llm_requests_total{model=\"gpt-test\",outcome=\"ok\",provider=\"openai\"} 2.0")
                    .contains("openpista_llm_request_duration_seconds_bucket{model=\"gpt-test\",provider=\"openai\",le=\"+Inf\"} 2")
                    .contains("openpista_llm_tokens_total{kind=\"input\",model=\"gpt-test\",provider=\"openai\"} 200.0")
                    .contains("openpista_llm_tokens_total{kind=\"cache_read\",model=\"gpt-test\",provider=\"openai\"} 80.0")
                    .contains("openpista_llm_tokens_total{kind=\"cache_write\",model=\"gpt-test\",provider=\"openai\"} 0.0")
                    .contains("openpista_tool_calls_total{outcome=\"ok\",tool=\"system.run\"} 1.0")
                    .contains("openpista_tool_duration_seconds_count{tool=\"system.run\"} 1")
                    .contains("openpista_approvals_total{decision=\"approved\"} 1.0")
                    .contains("openpista_channel_messages_total{channel=\"cli\",direction=\"in\"} 1.0")
                    .contains("openpista_channel_messages_total{channel=\"cli\",direction=\"out\"} 1.0")
                    .contains("openpista_sessions_active 2.0")
                    .contains("openpista_plugins_active 1.0")
                    .contains("jvm_memory_used_bytes")
                    .contains("process_cpu_seconds_total")
                    .doesNotContain("session-secret-id")
                    .doesNotContain("list the files");
        }
    }

    @Test
    void aToolNameTheModelMadeUpIsNoLabel() throws Exception {
        AgentMetrics metrics = new AgentMetrics(() -> 0, () -> 0);
        TurnInfo turn = turn();
        metrics.toolCall(turn, new ToolCallEvent(new ToolCall("c1", "rm -rf / please", "{}"), false, Instant.now(), 0,
                Outcome.ERROR, ToolResult.error("unknown tool")));
        try (ScrapeServer server = server(metrics, "")) {
            assertThat(get(server, "/metrics", null).body())
                    .contains("openpista_tool_calls_total{outcome=\"error\",tool=\"unknown\"} 1.0")
                    .doesNotContain("rm -rf");
        }
    }

    @Test
    void labelValuesBeyondTheLimitBecomeOther() {
        LabelGuard guard = new LabelGuard(2);
        assertThat(guard.value("a")).isEqualTo("a");
        assertThat(guard.value("b c")).isEqualTo("b_c");
        assertThat(guard.value("d")).isEqualTo(LabelGuard.OTHER);
        assertThat(guard.value("a")).isEqualTo("a");
        assertThat(guard.value("")).isEqualTo(LabelGuard.OTHER);
    }

    @Test
    void aTokenIsRequiredWhenConfigured() throws Exception {
        AgentMetrics metrics = new AgentMetrics(() -> 0, () -> 0);
        try (ScrapeServer server = server(metrics, "0123456789abcdef")) {
            assertThat(get(server, "/metrics", null).statusCode()).isEqualTo(401);
            assertThat(get(server, "/metrics", "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(get(server, "/metrics", "Bearer 0123456789abcdef").statusCode()).isEqualTo(200);
            assertThat(get(server, "/other", "Bearer 0123456789abcdef").statusCode()).isEqualTo(404);
        }
    }

    private static void turnWithToolCall(AgentMetrics metrics, String tool) {
        TurnInfo turn = turn();
        metrics.turnStarted(turn);
        ChatRequest request = ChatRequest.of("gpt-test", "system", List.of(ChatMessage.user("list the files")));
        ToolCall call = new ToolCall("c1", tool, "{\"command\":\"ls\"}");
        metrics.llmRequest(turn, new LlmRequestEvent("openai", "gpt-test", Instant.now(), 2_000_000, Outcome.OK, "",
                request, new ChatResponse("", List.of(call), new Usage(100, 10, 30, 0), "tool_calls", "gpt-test", null)));
        metrics.approval(new ApprovalEvent(turn.sessionId(), "cli", tool, ApprovalEvent.Decision.APPROVED));
        metrics.toolCall(turn, new ToolCallEvent(call, true, Instant.now(), 5_000_000, Outcome.OK, ToolResult.ok("a b")));
        metrics.llmRequest(turn, new LlmRequestEvent("openai", "gpt-test", Instant.now(), 1_000_000, Outcome.OK, "",
                request, new ChatResponse("done", List.of(), new Usage(100, 5, 50, 0), "stop", "gpt-test", null)));
        metrics.turnEnded(turn, new TurnEndEvent(9_000_000, Outcome.OK, 2, 1, new Usage(200, 15, 80, 0)));
    }

    private static TurnInfo turn() {
        return new TurnInfo("0123456789abcdef0123456789abcdef", "session-secret-id", "cli", "openai", Instant.now(),
                System.nanoTime());
    }

    private static ScrapeServer server(AgentMetrics metrics, String token) throws IOException {
        return new ScrapeServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "/metrics", token,
                metrics.registry());
    }

    private HttpResponse<String> get(ScrapeServer server, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
