package org.openpista.memory.sqlite.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;

/**
 * Conversation memory on a real SQLite file: one committed append (WAL, synchronous=NORMAL), and
 * loading a 30-message history with its repair.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AppendBenchmark {

    static final ToolCall CALL = new ToolCall("call_1", "system.run", "{\"command\":\"ls\"}");

    SqliteConversationStore store;
    final AtomicLong appended = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        store = new SqliteConversationStore(Files.createTempDirectory("openpista-bench").resolve("memory.db"));
        store.ensureSession("append", "cli", "cli:append");
        store.ensureSession("history", "cli", "cli:history");
        for (int i = 0; i < 10; i++) {
            store.append("history", ChatMessage.user("question " + i));
            store.append("history", ChatMessage.assistant("", List.of(CALL)));
            store.append("history", ChatMessage.toolResult(CALL, "result " + i, false));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.deactivate();
    }

    @Benchmark
    public void append() {
        long i = appended.incrementAndGet();
        store.append("append", ChatMessage.user("message number " + i + " with a bit of text in it"));
    }

    @Benchmark
    public List<ChatMessage> history30() {
        return store.history("history");
    }
}
