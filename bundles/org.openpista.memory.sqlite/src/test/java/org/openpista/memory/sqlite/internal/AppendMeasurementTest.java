package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;

/**
 * A rough number, not a benchmark and not an assertion: how long 10,000 appends take. Run it with
 * {@code -Dopenpista.measure=true}; speed targets belong in {@code bench/}.
 */
@EnabledIfSystemProperty(named = "openpista.measure", matches = "true")
class AppendMeasurementTest {

    @TempDir
    Path dir;

    @Test
    void tenThousandAppends() {
        SqliteConversationStore store = new SqliteConversationStore(dir.resolve("memory.db"));
        try {
            store.ensureSession("s", "cli", "cli:s");
            ToolCall call = new ToolCall("call_1", "system.run", "{\"command\":\"ls\"}");
            int count = 10_000;
            for (int round = 1; round <= 3; round++) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                ChatMessage message = switch (i % 3) {
                    case 0 -> ChatMessage.user("message number " + i + " with a bit of text in it");
                    case 1 -> ChatMessage.assistant("", List.of(call));
                    default -> ChatMessage.toolResult(call, "result " + i, false);
                };
                store.append("s", message);
            }
            long appendNanos = System.nanoTime() - start;
            start = System.nanoTime();
            int loaded = store.history("s").size();
            long historyNanos = System.nanoTime() - start;
            System.out.printf("round %d: 10,000 appends: %d ms (%.1f µs each); history of %d messages: %d ms%n",
                    round, appendNanos / 1_000_000, appendNanos / 1000.0 / count, loaded, historyNanos / 1_000_000);
            assertThat(loaded).isEqualTo(count * round);
            }
        } finally {
            store.deactivate();
        }
    }
}
