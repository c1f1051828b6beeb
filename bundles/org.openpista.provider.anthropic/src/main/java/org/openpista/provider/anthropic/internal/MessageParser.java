package org.openpista.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.Usage;
import org.openpista.provider.support.ToolNames;

/** Reads the message JSON of a non-streamed answer. */
final class MessageParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MessageParser() {}

    /**
     * @return the answer, tool names mapped back to openpista's
     * @throws ProviderException MALFORMED_RESPONSE when the body is not a message, or the failure
     *     an error body in a 200 response stands for
     */
    static ChatResponse parse(String body, ToolNames names, Failures failures) throws ProviderException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw failures.malformed("the body is not JSON", e);
        }
        if (root == null || !root.isObject()) {
            throw failures.malformed("the body is not a JSON object", null);
        }
        if (root.path("type").asText().equals("error")) {
            throw failures.streamError(root);
        }
        JsonNode content = root.path("content");
        if (!root.path("type").asText().equals("message") || !content.isArray()) {
            throw failures.malformed("expected a message with a content array", null);
        }
        List<String> texts = new ArrayList<>();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : content) {
            switch (block.path("type").asText()) {
                case "text" -> {
                    if (!block.path("text").asText().isEmpty()) {
                        texts.add(block.path("text").asText());
                    }
                }
                case "tool_use" -> calls.add(toolCall(block, names, failures));
                default -> {
                    // thinking and server-tool blocks carry nothing openpista uses
                }
            }
        }
        return new ChatResponse(String.join("\n", texts), calls, usage(root.path("usage"), 0),
                root.path("stop_reason").asText(""), root.path("model").asText(""), null);
    }

    /** @return the tool call a complete {@code tool_use} block stands for */
    static ToolCall toolCall(JsonNode block, ToolNames names, Failures failures) throws ProviderException {
        String id = block.path("id").asText("");
        String name = block.path("name").asText("");
        if (id.isEmpty() || name.isEmpty()) {
            throw failures.malformed("a tool_use block without id or name", null);
        }
        JsonNode input = block.path("input");
        if (input.isMissingNode() || input.isNull()) {
            input = JSON.createObjectNode();
        }
        if (!input.isObject()) {
            throw failures.malformed("the input of tool_use " + id + " is not a JSON object", null);
        }
        return new ToolCall(id, names.original(name), input.toString());
    }

    /**
     * @param fallbackOutput output tokens to use when the usage has none
     * @return prompt tokens (cached ones included), answer tokens, and what the prompt cache read and wrote
     */
    static Usage usage(JsonNode usage, long fallbackOutput) {
        long cacheWrite = usage.path("cache_creation_input_tokens").asLong(0);
        long cacheRead = usage.path("cache_read_input_tokens").asLong(0);
        long input = usage.path("input_tokens").asLong(0) + cacheWrite + cacheRead;
        long output = usage.has("output_tokens") ? usage.path("output_tokens").asLong(0) : fallbackOutput;
        return new Usage(input, output, cacheRead, cacheWrite);
    }
}
