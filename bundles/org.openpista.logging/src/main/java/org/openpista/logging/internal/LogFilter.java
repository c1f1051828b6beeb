package org.openpista.logging.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import org.openpista.api.channel.TerminalText;

/**
 * Which log lines {@code openpista logs} shows, and how: a JSON line as {@code ts LEVEL logger
 * [session] msg} (with its stack trace), a text line as it is. Text lines are judged by their level
 * word; lines of a stack trace follow their record. What reaches the terminal passes {@link
 * TerminalText#safe}.
 */
final class LogFilter {

    static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error");

    private final ObjectMapper json = new ObjectMapper();
    private final int lowest;
    private final String session;
    private boolean lastShown = true;

    /**
     * @param level the lowest level shown, or {@code null} for all
     * @param session the session whose lines are shown, or {@code null} for all
     */
    LogFilter(String level, String session) {
        if (level != null && !LEVELS.contains(level)) {
            throw new IllegalArgumentException("--level takes trace, debug, info, warn or error, not '" + level + "'");
        }
        this.lowest = level == null ? 0 : LEVELS.indexOf(level);
        this.session = session;
    }

    /** @return the line to print, or {@code null} when it is filtered out */
    String show(String line) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        if (trimmed.startsWith("{")) {
            try {
                JsonNode record = json.readTree(trimmed);
                lastShown = rank(record.path("level").asText()) >= lowest
                        && (session == null || session.equals(record.path("session").asText(null)));
                if (!lastShown) {
                    return null;
                }
                StringBuilder text = new StringBuilder(record.path("ts").asText()).append(' ')
                        .append(String.format("%-5s", record.path("level").asText())).append(' ')
                        .append(record.path("logger").asText());
                if (record.has("session")) {
                    text.append(" [").append(record.path("session").asText()).append(']');
                }
                text.append(": ").append(record.path("msg").asText());
                if (record.has("error")) {
                    text.append('\n').append(record.path("error").asText().stripTrailing());
                }
                return TerminalText.safe(text.toString());
            } catch (IOException notJson) {
                // a text line that starts with a brace
            }
        }
        String[] words = trimmed.split("\\s+", 4);
        int rank = words.length >= 3 ? rank(words[2]) : -1;
        if (rank >= 0) {
            lastShown = rank >= lowest && session == null;
        }
        // a line without a level (a stack trace) goes with the record before it
        return lastShown ? TerminalText.safe(line) : null;
    }

    private static int rank(String level) {
        return LEVELS.indexOf(level.strip().toLowerCase(java.util.Locale.ROOT));
    }
}
