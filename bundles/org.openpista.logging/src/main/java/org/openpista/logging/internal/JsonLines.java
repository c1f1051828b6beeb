package org.openpista.logging.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One JSON object a line: {@code ts} (ISO-8601, UTC), {@code level} ({@code TRACE} ... {@code
 * ERROR}), {@code logger}, {@code msg}, and {@code session}, {@code channel} and {@code turn} when
 * the record was logged during a turn ({@link TurnContext}), {@code error}
 * with the stack trace when there is one. Message and stack trace pass the {@link Redactor}.
 */
final class JsonLines extends Formatter {

    private final ObjectMapper json = new ObjectMapper();
    private final Redactor redactor;
    private final TurnContext turns;

    JsonLines(Redactor redactor, TurnContext turns) {
        this.redactor = redactor;
        this.turns = turns;
    }

    @Override
    public String format(LogRecord record) {
        ObjectNode line = json.createObjectNode();
        line.put("ts", Instant.ofEpochMilli(record.getMillis()).toString());
        line.put("level", level(record.getLevel()));
        line.put("logger", record.getLoggerName() == null ? "" : record.getLoggerName());
        line.put("msg", redactor.redact(formatMessage(record)));
        String[] turn = turns.current();
        if (turn != null) {
            for (int i = 0; i < TurnContext.KEYS.size(); i++) {
                line.put(TurnContext.KEYS.get(i), turn[i]);
            }
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            line.put("error", redactor.redact(trace.toString()));
        }
        try {
            return json.writeValueAsString(line) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            return "{\"level\":\"ERROR\",\"msg\":\"a log record could not be written\"}" + System.lineSeparator();
        }
    }

    /** @return the level's name as the text log and {@code --log-level} call it */
    static String level(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (value >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (value >= Level.INFO.intValue()) {
            return "INFO";
        }
        return value >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }
}
