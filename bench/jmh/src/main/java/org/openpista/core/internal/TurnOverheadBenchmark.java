package org.openpista.core.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.Role;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.StreamListener;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.memory.TurnQueue;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.memory.sqlite.internal.BenchStores;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;

/**
 * The agent's own overhead per turn: everything but the model and the tool, which answer at once.
 * A turn here is submit (message stored in the turn queue) → session lane → start (message moved into the
 * session) → history → request → (tool call → approval → tool →
 * result → request) → answer, with every message stored in a real SQLite file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TurnOverheadBenchmark {

    /** The model answers at once: with a tool call when the last message is the user's prompt "tool", else with text. */
    static final class InstantModel implements LlmProvider {
        @Override
        public String name() {
            return "instant";
        }

        @Override
        public String defaultModel() {
            return "instant-1";
        }

        @Override
        public ChatResponse chat(ChatRequest request, StreamListener listener) {
            ChatMessage last = request.messages().get(request.messages().size() - 1);
            if (last.role() == Role.USER && last.content().equals("tool")) {
                return new ChatResponse("", List.of(new ToolCall("c1", "bench.echo", "{\"x\":1}")), null, "tool_calls",
                        "instant-1", null);
            }
            return new ChatResponse("done", List.of(), null, "stop", "instant-1", null);
        }
    }

    static final class EchoTool implements Tool {
        @Override
        public ToolSpec spec() {
            return new ToolSpec("bench.echo", "echo", "{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"integer\"}}}");
        }

        @Override
        public ToolResult execute(ToolCall call, ToolContext context) {
            return ToolResult.ok(call.arguments());
        }
    }

    static final ReplySink IGNORE = new ReplySink() {
        @Override
        public void reply(AgentReply reply) {}
    };

    @Param({"sqlite", "memory"})
    public String store;

    Path home;
    ConversationStore conversations;
    AgentRuntime runtime;
    final AtomicLong sessions = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        home = Files.createTempDirectory("openpista-bench");
        conversations = store.equals("sqlite") ? BenchStores.sqlite(home.resolve("memory.db")) : new InMemory();
        // the SQLite store is also the turn queue, as in the daemon
        TurnQueue queue = (TurnQueue) conversations;
        ToolRegistryImpl tools = new ToolRegistryImpl();
        Tool echo = new EchoTool();
        BenchReference<Tool> reference = new BenchReference<>(Map.of(Tool.NAME, "bench.echo"));
        tools.addTool(new ComponentServiceObjects<Tool>() {
            @Override
            public Tool getService() {
                return echo;
            }

            @Override
            public void ungetService(Tool service) {}

            @Override
            public ServiceReference<Tool> getServiceReference() {
                return reference;
            }
        });
        ApprovalPolicy approval = new ApprovalPolicy();
        approval.configure(Map.of("approval", "auto"));
        runtime = new AgentRuntime(conversations, queue, tools, approval, home, BenchConfig.agent("instant"));
        runtime.providers = List.of(new InstantModel());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        runtime.deactivate();
        if (store.equals("sqlite")) {
            BenchStores.close(conversations);
        }
    }

    private AgentReply turn(String text) throws Exception {
        String session = "bench-" + sessions.incrementAndGet();
        AgentReply reply = runtime.submit(InboundMessage.text("cli", "cli:" + session, session, text), IGNORE)
                .completion().toCompletableFuture().get();
        if (reply.error()) {
            throw new IllegalStateException(reply.text());
        }
        return reply;
    }

    /** A turn the model answers with text: 2 stored messages, 1 model request. */
    @Benchmark
    public AgentReply textTurn() throws Exception {
        return turn("hello");
    }

    /** A turn with one tool call: 4 stored messages, 2 model requests, 1 approval, 1 tool run. */
    @Benchmark
    public AgentReply toolTurn() throws Exception {
        return turn("tool");
    }
}
