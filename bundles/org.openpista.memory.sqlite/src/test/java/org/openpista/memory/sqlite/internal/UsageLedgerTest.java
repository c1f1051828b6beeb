package org.openpista.memory.sqlite.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.doctor.DoctorCheck;
import org.openpista.api.llm.Usage;
import org.openpista.api.memory.UsageRecord;

/** The token usage kept with the conversations, and the doctor's check of the file. */
class UsageLedgerTest {

    @TempDir
    Path dir;

    SqliteConversationStore store;

    @BeforeEach
    void open() {
        store = new SqliteConversationStore(dir.resolve("memory.db"));
        store.ensureSession("s1", "cli", "cli:s1");
        store.append("s1", ChatMessage.user("hello"));
        store.ensureSession("s2", "web", "web:s2");
    }

    @AfterEach
    void close() {
        store.deactivate();
    }

    @Test
    void recordsAreReadBackFromATimeOnOldestFirstWithEveryCount() {
        Instant t0 = Instant.parse("2026-01-01T10:00:00Z");
        store.record(new UsageRecord(t0, "turn-a", "s1", "cli", "openai", "gpt-4o", new Usage(1000, 50, 800, 0)));
        store.record(new UsageRecord(t0.plusSeconds(60), "turn-b", "s2", "web", "anthropic", "claude-sonnet-4",
                new Usage(2000, 70, 0, 1500)));
        store.record(new UsageRecord(t0.minusSeconds(3600), "turn-old", "s1", "cli", "openai", "gpt-4o",
                new Usage(1, 1)));

        assertThat(store.since(t0)).containsExactly(
                new UsageRecord(t0, "turn-a", "s1", "cli", "openai", "gpt-4o", new Usage(1000, 50, 800, 0)),
                new UsageRecord(t0.plusSeconds(60), "turn-b", "s2", "web", "anthropic", "claude-sonnet-4",
                        new Usage(2000, 70, 0, 1500)));
        assertThat(store.since(Instant.EPOCH)).hasSize(3);
    }

    @Test
    void theUsageOfADeletedSessionGoesWithIt() {
        Instant now = Instant.now();
        store.record(new UsageRecord(now, "t", "s1", "cli", "openai", "gpt-4o", new Usage(10, 5)));
        store.record(new UsageRecord(now, "t2", "s2", "web", "openai", "gpt-4o", new Usage(10, 5)));

        store.deleteSession("s1");
        // a record arriving after its session was deleted is not kept either
        store.record(new UsageRecord(now, "t3", "s1", "cli", "openai", "gpt-4o", new Usage(10, 5)));

        assertThat(store.since(Instant.EPOCH)).extracting(UsageRecord::sessionId).containsExactly("s2");
    }

    @Test
    void theDoctorFindsAHealthyFile() {
        assertThat(store.area()).isEqualTo("database");
        assertThat(store.check(new DoctorCheck.Options(true)))
                .singleElement()
                .satisfies(result -> {
                    assertThat(result.status()).isEqualTo(DoctorCheck.Status.OK);
                    assertThat(result.title()).contains("memory.db").contains("quick_check");
                });
    }
}
