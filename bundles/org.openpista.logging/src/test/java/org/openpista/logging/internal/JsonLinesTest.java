package org.openpista.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.observe.Outcome;
import org.openpista.api.observe.TurnEndEvent;
import org.openpista.api.observe.TurnInfo;

class JsonLinesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    final Redactor redactor = new Redactor(List.of("planted-config-secret-42"));
    final TurnContext context = new TurnContext();
    final JsonLines format = new JsonLines(redactor, context);
    final TurnInfo turn = new TurnInfo("0af7651916cd43dd8448eb211c80319c", "work", "telegram", "openai", Instant.now(), 0);

    @AfterEach
    void clear() {
        context.turnEnded(turn, new TurnEndEvent(0, Outcome.OK, 0, 0, null));
    }

    static LogRecord record(Level level, String message, Object... parameters) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("org.openpista.core.internal.AgentLoop");
        record.setParameters(parameters);
        record.setInstant(Instant.parse("2026-03-10T12:00:00.123Z"));
        return record;
    }

    @Test
    void aRecordIsOneJsonLineWithTheTurnItWasLoggedIn() throws Exception {
        context.turnStarted(turn);
        String line = format.format(record(Level.WARNING, "Provider {0} failed: \"{1}\"", "openai", "line\nbreak"));

        assertThat(line).endsWith(System.lineSeparator());
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode json = JSON.readTree(line);
        assertThat(json.path("ts").asText()).isEqualTo("2026-03-10T12:00:00.123Z");
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("logger").asText()).isEqualTo("org.openpista.core.internal.AgentLoop");
        assertThat(json.path("msg").asText()).isEqualTo("Provider openai failed: \"line\nbreak\"");
        assertThat(json.path("session").asText()).isEqualTo("work");
        assertThat(json.path("channel").asText()).isEqualTo("telegram");
        assertThat(json.path("turn").asText()).isEqualTo(turn.turnId());

        context.turnEnded(turn, new TurnEndEvent(0, Outcome.OK, 0, 0, null));
        JsonNode after = JSON.readTree(format.format(record(Level.INFO, "idle")));
        assertThat(after.has("session")).isFalse();
        assertThat(after.path("level").asText()).isEqualTo("INFO");
    }

    @Test
    void secretsAreRedactedFromMessagesAndStackTraces() throws Exception {
        LogRecord record = record(Level.SEVERE, "request with key {0} and {1} failed", "sk-proj-abcdefghijklmnop",
                "planted-config-secret-42");
        record.setThrown(new IllegalStateException("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload token=xoxb-1234-5678-abcdefgh"));

        String line = format.format(record);

        assertThat(line).doesNotContain("sk-proj-abcdefghijklmnop").doesNotContain("planted-config-secret-42")
                .doesNotContain("eyJhbGciOiJIUzI1NiJ9").doesNotContain("xoxb-1234");
        JsonNode json = JSON.readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("ERROR");
        assertThat(json.path("msg").asText()).isEqualTo("request with key [redacted] and [redacted] failed");
        assertThat(json.path("error").asText()).contains("IllegalStateException").contains("[redacted]");
    }

    @Test
    void theRedactorLeavesOrdinaryTextAlone() {
        assertThat(redactor.redact("Conversation memory at /home/a/memory.db (schema version 3), 12 tools, task-force"))
                .isEqualTo("Conversation memory at /home/a/memory.db (schema version 3), 12 tools, task-force");
        assertThat(redactor.redact("telegram 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1 ok"))
                .isEqualTo("telegram [redacted] ok");
    }
}
