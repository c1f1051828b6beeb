package org.openpista.memory.sqlite.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openpista.api.chat.ToolCall;

/**
 * Column formats. Tool calls are a JSON array of {@code {"id","name","arguments"}} where
 * {@code arguments} is kept as the exact text the model produced (a JSON string holding JSON),
 * so a later request sends back byte for byte what the provider saw. Timestamps are ISO-8601 UTC
 * with exactly nine fraction digits: readable in the sqlite3 shell, lossless for {@link Instant},
 * and fixed width so that text order is time order (sessions are listed by {@code updated_at}).
 */
final class Codec {

    private static final DateTimeFormatter STAMP =
            new DateTimeFormatterBuilder().appendInstant(9).toFormatter(Locale.ROOT);

    private final ObjectMapper mapper = new ObjectMapper();

    /** @return the column text for these calls, {@code null} when there are none */
    String encodeToolCalls(List<ToolCall> calls) {
        if (calls.isEmpty()) {
            return null;
        }
        ArrayNode array = mapper.createArrayNode();
        for (ToolCall call : calls) {
            ObjectNode node = array.addObject();
            node.put("id", call.id());
            node.put("name", call.name());
            node.put("arguments", call.arguments());
        }
        try {
            return mapper.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            // a tree of strings always serialises; keep the compiler honest
            throw new IllegalStateException("cannot encode tool calls", e);
        }
    }

    /**
     * Decodes a tool-calls column. Also reads the Rust openpista's {@code tool_calls_json}, whose
     * {@code arguments} is a JSON value rather than text.
     *
     * @return the calls, empty for {@code null}
     * @throws IllegalArgumentException when the text is not a tool-call array
     */
    List<ToolCall> decodeToolCalls(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("tool calls are not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isNull()) {
            return List.of();
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException("tool calls are not a JSON array");
        }
        List<ToolCall> calls = new ArrayList<>(root.size());
        for (JsonNode node : root) {
            JsonNode id = node.get("id");
            JsonNode name = node.get("name");
            if (id == null || !id.isTextual() || name == null || !name.isTextual()) {
                throw new IllegalArgumentException("a tool call lacks its id or name");
            }
            JsonNode arguments = node.get("arguments");
            String text;
            if (arguments == null || arguments.isNull()) {
                text = "{}";
            } else if (arguments.isTextual()) {
                text = arguments.textValue();
            } else {
                text = arguments.toString();
            }
            calls.add(new ToolCall(id.textValue(), name.textValue(), text));
        }
        return List.copyOf(calls);
    }

    /** @return the column text of string pairs: a JSON object */
    String encodeMetadata(Map<String, String> metadata) {
        ObjectNode node = mapper.createObjectNode();
        new TreeMap<>(metadata).forEach(node::put);
        return node.toString();
    }

    /**
     * @return the string pairs of a column written by {@link #encodeMetadata(Map)}
     * @throws IllegalArgumentException when the text is not a JSON object
     */
    Map<String, String> decodeMetadata(String json) {
        JsonNode root;
        try {
            root = mapper.readTree(json == null ? "{}" : json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("metadata is not JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("metadata is not a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        root.properties().forEach(field -> metadata.put(field.getKey(), field.getValue().asText()));
        return metadata;
    }

    /** @return the column text of an instant */
    static String formatInstant(Instant instant) {
        return STAMP.format(instant);
    }

    /**
     * Parses a stored timestamp: ours, or an RFC 3339 time with an offset as the Rust openpista
     * wrote them.
     *
     * @throws DateTimeParseException when it is neither
     */
    static Instant parseInstant(String text) {
        Instant ours = parseStamp(text);
        if (ours != null) {
            return ours;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }

    /**
     * @return the instant of a column in exactly our format ({@code 2026-01-31T12:00:00.123456789Z}),
     *     {@code null} for any other text; a history reads one per message, and the formatter's
     *     parser took most of the time of reading it
     */
    private static Instant parseStamp(String text) {
        if (text == null || text.length() != 30 || text.charAt(4) != '-' || text.charAt(7) != '-'
                || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':'
                || text.charAt(19) != '.' || text.charAt(29) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = digits(text, 20, 29);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
                || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || nanos < 0) {
            return null;
        }
        long days = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3600 + minute * 60 + second, nanos);
    }

    /** @return the number of the decimal digits from {@code start} to {@code end}, -1 when one is no digit */
    private static int digits(String text, int start, int end) {
        int value = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
