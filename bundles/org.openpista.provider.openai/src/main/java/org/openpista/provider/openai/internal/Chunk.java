package org.openpista.provider.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.openpista.api.llm.ProviderException;

/**
 * What {@link CompletionReader} takes from one {@code chat.completion.chunk}, read with a streaming
 * parser rather than as a tree: the chunks come by the dozen per answer and most of each (id,
 * created, system_fingerprint, a null usage) is not needed. Only the rare parts (an error, the usage,
 * tool calls) are read as trees.
 *
 * @param error the {@code error} object, or {@code null}
 * @param model the {@code model}, or empty
 * @param usage the {@code usage} object, or {@code null}
 * @param content {@code choices[0].delta.content}, or empty
 * @param refusal {@code choices[0].delta.refusal}, or empty
 * @param toolCalls {@code choices[0].delta.tool_calls}, or {@code null}
 * @param finishReason {@code choices[0].finish_reason} when it is a non-empty string, else {@code null}
 */
record Chunk(JsonNode error, String model, JsonNode usage, String content, String refusal, JsonNode toolCalls,
        String finishReason) {

    /** Collects the fields while the parser goes through the chunk. */
    private static final class Fields {
        JsonNode error;
        String model = "";
        JsonNode usage;
        String content = "";
        String refusal = "";
        JsonNode toolCalls;
        String finishReason;
    }

    /**
     * @param data the event's data
     * @param json the mapper that makes the trees
     * @param failures names the vendor in the failure
     * @return what the reader takes of the chunk
     * @throws ProviderException MALFORMED when the data is not a JSON object
     */
    static Chunk parse(String data, ObjectMapper json, Failures failures) throws ProviderException {
        Fields fields = new Fields();
        try (JsonParser parser = json.createParser(data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw failures.malformed("the answer is not a JSON object", null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "error" -> fields.error = object(parser, value);
                    case "usage" -> fields.usage = object(parser, value);
                    case "model" -> fields.model = text(parser, value);
                    case "choices" -> choices(parser, value, fields);
                    default -> parser.skipChildren();
                }
            }
        } catch (JsonProcessingException e) {
            throw failures.malformed(e.getOriginalMessage(), e);
        } catch (IOException e) {
            // a parser over a string does not fail to read
            throw failures.malformed(e.getMessage(), e);
        }
        return new Chunk(fields.error, fields.model, fields.usage, fields.content, fields.refusal, fields.toolCalls,
                fields.finishReason);
    }

    /** Reads {@code choices[0]}; the other choices are skipped. */
    private static void choices(JsonParser parser, JsonToken value, Fields fields) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            parser.skipChildren();
            return;
        }
        boolean first = true;
        for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
            if (!first || element != JsonToken.START_OBJECT) {
                parser.skipChildren();
                first = false;
                continue;
            }
            first = false;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken inner = parser.nextToken();
                if (field.equals("delta") && inner == JsonToken.START_OBJECT) {
                    delta(parser, fields);
                } else if (field.equals("finish_reason")) {
                    String reason = text(parser, inner);
                    fields.finishReason = reason.isEmpty() || inner != JsonToken.VALUE_STRING ? null : reason;
                } else {
                    parser.skipChildren();
                }
            }
        }
    }

    private static void delta(JsonParser parser, Fields fields) throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "content" -> fields.content = text(parser, value);
                case "refusal" -> fields.refusal = text(parser, value);
                case "tool_calls" -> fields.toolCalls = value == JsonToken.START_ARRAY ? parser.readValueAsTree() : skip(parser);
                default -> parser.skipChildren();
            }
        }
    }

    /** @return an object value as a tree, else {@code null} */
    private static JsonNode object(JsonParser parser, JsonToken value) throws IOException {
        return value == JsonToken.START_OBJECT ? parser.readValueAsTree() : skip(parser);
    }

    /** @return a scalar's text as {@code JsonNode.asText("")} gives it; empty for null, objects and arrays */
    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return "";
        }
        if (value.isScalarValue()) {
            return parser.getText();
        }
        parser.skipChildren();
        return "";
    }

    private static JsonNode skip(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
    }
}
