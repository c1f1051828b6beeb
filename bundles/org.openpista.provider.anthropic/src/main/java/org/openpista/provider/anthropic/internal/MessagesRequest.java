package org.openpista.provider.anthropic.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ToolSpec;
import org.openpista.provider.support.ToolNames;
import org.openpista.provider.support.UserMedia;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the JSON body of {@code POST /messages} from an openpista request.
 *
 * <p>Written by hand instead of with langchain4j's {@code AnthropicMapper} (1.19.0), which gets
 * most of this right but not all of it: it rebuilds tool schemas from a {@code JsonObjectSchema}
 * (properties, required, $defs) instead of passing the tool's own JSON schema unchanged, and it
 * emits a tool-result user message and a following user message as two user turns in a row, which
 * the API refuses. The rules applied here:
 *
 * <ul>
 *   <li>the system prompt and every {@code SYSTEM} message go into the top-level {@code system}
 *       field, never into {@code messages};
 *   <li>tool results become {@code tool_result} blocks of a user message, consecutive ones in the
 *       same message, with {@code is_error} when the tool failed;
 *   <li>consecutive messages of the same role are merged so roles alternate; in a user message the
 *       tool results come before any text, as the API requires;
 *   <li>an assistant message with text and tool calls becomes a text block plus {@code tool_use}
 *       blocks; blank text blocks are never sent (the API refuses them) and a message left without
 *       blocks is dropped;
 *   <li>tool names are sent as their {@link ToolNames wire aliases}, call ids with the characters
 *       the API allows.
 * </ul>
 */
final class MessagesRequest {

    private static final Logger LOG = LoggerFactory.getLogger(MessagesRequest.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private MessagesRequest() {}

    /**
     * @return the wire aliases of every tool the request offers or its history names
     * @throws ProviderException BAD_REQUEST when two names share an alias
     */
    static ToolNames toolNames(ChatRequest request) throws ProviderException {
        return ToolNames.of(request, (earlier, name, wire) -> new ProviderException(ProviderException.Kind.BAD_REQUEST,
                "tools '" + earlier + "' and '" + name + "' would both be called '" + wire
                        + "' on the Anthropic wire; rename one of them"));
    }

    /** One message on the wire while it is assembled. */
    private record Turn(String role, List<ObjectNode> blocks) {}

    /**
     * @return the request body
     * @throws ProviderException BAD_REQUEST when the request cannot be expressed (nothing to send, a
     *     tool schema that is not a JSON object)
     */
    static ObjectNode body(ChatRequest request, ToolNames names, String model, int maxTokens, boolean stream)
            throws ProviderException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        body.put("max_tokens", maxTokens);
        String system = system(request);
        if (!system.isEmpty()) {
            body.put("system", system);
        }
        List<Turn> turns = turns(request.messages(), names, model);
        if (turns.isEmpty()) {
            throw new ProviderException(ProviderException.Kind.BAD_REQUEST,
                    "nothing to send to Anthropic: the conversation has no message with content");
        }
        ArrayNode messages = body.putArray("messages");
        for (Turn turn : turns) {
            ObjectNode message = messages.addObject();
            message.put("role", turn.role());
            message.putArray("content").addAll(turn.blocks());
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolSpec spec : request.tools()) {
                ObjectNode tool = tools.addObject();
                tool.put("name", names.wire(spec.name()));
                if (!spec.description().isBlank()) {
                    tool.put("description", spec.description());
                }
                tool.set("input_schema", schema(spec));
            }
        }
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    /** @return the system prompt followed by the text of every system message, blank parts left out */
    static String system(ChatRequest request) {
        List<String> parts = new ArrayList<>();
        if (!request.systemPrompt().isBlank()) {
            parts.add(request.systemPrompt());
        }
        for (ChatMessage message : request.messages()) {
            if (message.role() == org.openpista.api.chat.Role.SYSTEM && !message.content().isBlank()) {
                parts.add(message.content());
            }
        }
        return String.join("\n\n", parts);
    }

    private static List<Turn> turns(List<ChatMessage> messages, ToolNames names, String model) {
        List<Turn> turns = new ArrayList<>();
        for (ChatMessage message : messages) {
            List<ObjectNode> blocks = new ArrayList<>();
            String role;
            switch (message.role()) {
                case SYSTEM:
                    continue;
                case USER:
                    role = "user";
                    UserMedia.Parts parts = UserMedia.of(message, model);
                    // images before the text that refers to them, as Anthropic's vision guide advises
                    for (Attachment image : parts.images()) {
                        ObjectNode block = JSON.createObjectNode().put("type", "image");
                        block.putObject("source").put("type", "base64").put("media_type", image.mimeType())
                                .put("data", UserMedia.base64(image));
                        blocks.add(block);
                    }
                    addText(blocks, parts.text());
                    break;
                case ASSISTANT:
                    role = "assistant";
                    addText(blocks, message.content());
                    for (ToolCall call : message.toolCalls()) {
                        ObjectNode use = JSON.createObjectNode();
                        use.put("type", "tool_use");
                        use.put("id", wireId(call.id()));
                        use.put("name", names.wire(call.name()));
                        use.set("input", input(call));
                        blocks.add(use);
                    }
                    break;
                case TOOL:
                    role = "user";
                    ObjectNode result = JSON.createObjectNode();
                    result.put("type", "tool_result");
                    result.put("tool_use_id", wireId(message.toolCallId()));
                    if (!message.content().isBlank()) {
                        result.put("content", message.content());
                    }
                    if (message.error()) {
                        result.put("is_error", true);
                    }
                    blocks.add(result);
                    break;
                default:
                    throw new IllegalStateException("unknown role " + message.role());
            }
            if (blocks.isEmpty()) {
                continue;
            }
            Turn last = turns.isEmpty() ? null : turns.get(turns.size() - 1);
            if (last != null && last.role().equals(role)) {
                last.blocks().addAll(blocks);
            } else {
                turns.add(new Turn(role, blocks));
            }
        }
        for (Turn turn : turns) {
            if (turn.role().equals("user")) {
                // tool results first, text after: the API refuses text ahead of a tool_result
                List<ObjectNode> results = new ArrayList<>();
                List<ObjectNode> others = new ArrayList<>();
                for (ObjectNode block : turn.blocks()) {
                    (block.path("type").asText().equals("tool_result") ? results : others).add(block);
                }
                turn.blocks().clear();
                turn.blocks().addAll(results);
                turn.blocks().addAll(others);
            }
        }
        return turns;
    }

    private static void addText(List<ObjectNode> blocks, String text) {
        if (!text.isBlank()) {
            ObjectNode block = JSON.createObjectNode();
            block.put("type", "text");
            block.put("text", text);
            blocks.add(block);
        }
    }

    /** @return the call's arguments as a JSON object; the API accepts nothing else as input */
    private static JsonNode input(ToolCall call) {
        try {
            JsonNode input = JSON.readTree(call.arguments());
            if (input != null && input.isObject()) {
                return input;
            }
        } catch (JsonProcessingException e) {
            // fall through: an earlier model answer carried broken arguments
        }
        LOG.warn("Arguments of tool call {} ({}) are not a JSON object; sending an empty object instead", call.id(), call.name());
        return JSON.createObjectNode();
    }

    private static JsonNode schema(ToolSpec spec) throws ProviderException {
        JsonNode schema;
        try {
            schema = JSON.readTree(spec.parametersSchema());
        } catch (JsonProcessingException e) {
            throw new ProviderException(ProviderException.Kind.BAD_REQUEST,
                    "tool '" + spec.name() + "' has a parameters schema that is not JSON: " + e.getOriginalMessage());
        }
        if (schema == null || !schema.isObject()) {
            throw new ProviderException(ProviderException.Kind.BAD_REQUEST,
                    "tool '" + spec.name() + "' has a parameters schema that is not a JSON object");
        }
        return schema;
    }

    /** @return the call id with every character the API refuses ({@code ^[a-zA-Z0-9_-]+$}) replaced */
    static String wireId(String id) {
        String wire = id.replaceAll("[^a-zA-Z0-9_-]", "_");
        return wire.isEmpty() ? "_" : wire;
    }
}
