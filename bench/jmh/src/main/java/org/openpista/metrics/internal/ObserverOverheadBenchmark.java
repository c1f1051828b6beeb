package org.openpista.metrics.internal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
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
import org.openpista.api.observe.TurnObserver;
import org.openpista.api.tool.ToolResult;
import org.openpista.tracing.internal.BenchTracing;

/**
 * What observability adds to a turn with one tool call, on the turn's thread: the events the core
 * builds and hands to the observers (turn start, two model requests, an approval, a tool call, the
 * turn's end). {@code none} is the core's cost without observers (it builds no event then: this is
 * an upper bound), {@code metrics} the Prometheus metrics, {@code tracing} the spans and their OTLP
 * JSON (sending happens on the exporter's thread and is not measured). Target: metrics on, tracing
 * off under 50 µs a turn.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ObserverOverheadBenchmark {

    @Param({"none", "metrics", "tracing", "metrics+tracing"})
    public String observers;

    List<TurnObserver> active;
    ChatRequest request;
    ToolCall call;
    ChatResponse asksForTool;
    ChatResponse answers;
    ToolResult result;
    Blackhole sink;

    @Setup
    public void setUp(Blackhole blackhole) {
        sink = blackhole;
        TurnObserver metrics = BenchMetrics.observer();
        TurnObserver tracing = BenchTracing.observer(body -> sink.consume(body));
        active = switch (observers) {
            case "metrics" -> List.of(metrics);
            case "tracing" -> List.of(tracing);
            case "metrics+tracing" -> List.of(metrics, tracing);
            default -> List.of();
        };
        request = ChatRequest.of("gpt-4o", "You are openpista.", List.of(ChatMessage.user("run echo hi")));
        call = new ToolCall("call_1", "system.run", "{\"command\":\"echo hi\"}");
        asksForTool = new ChatResponse("", List.of(call), new Usage(1200, 20, 1000, 0), "tool_calls", "gpt-4o", null);
        answers = new ChatResponse("It said hi.", List.of(), new Usage(1260, 8, 1200, 0), "stop", "gpt-4o", null);
        result = ToolResult.ok("hi");
    }

    @Benchmark
    public int toolTurn() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long start = System.nanoTime();
        TurnInfo turn = new TurnInfo(Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()),
                "bench", "cli", "openai", Instant.now(), start);
        for (TurnObserver observer : active) {
            observer.turnStarted(turn);
        }
        LlmRequestEvent first = new LlmRequestEvent("openai", "gpt-4o", Instant.now(), System.nanoTime() - start,
                Outcome.OK, "", request, asksForTool);
        for (TurnObserver observer : active) {
            observer.llmRequest(turn, first);
        }
        ApprovalEvent approval = new ApprovalEvent("bench", "cli", "system.run", ApprovalEvent.Decision.AUTO);
        for (TurnObserver observer : active) {
            observer.approval(approval);
        }
        ToolCallEvent tool = new ToolCallEvent(call, true, Instant.now(), System.nanoTime() - start, Outcome.OK, result);
        for (TurnObserver observer : active) {
            observer.toolCall(turn, tool);
        }
        LlmRequestEvent second = new LlmRequestEvent("openai", "gpt-4o", Instant.now(), System.nanoTime() - start,
                Outcome.OK, "", request, answers);
        for (TurnObserver observer : active) {
            observer.llmRequest(turn, second);
        }
        TurnEndEvent end = new TurnEndEvent(System.nanoTime() - start, Outcome.OK, 2, 1,
                asksForTool.usage().plus(answers.usage()));
        for (TurnObserver observer : active) {
            observer.turnEnded(turn, end);
        }
        return active.size();
    }
}
