package org.openpista.provider.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ToolSpec;
import org.openpista.provider.support.ToolNames;
import org.openpista.provider.support.UserMedia;

/**
 * Builds the JSON body of {@code POST /chat/completions}: the system prompt and the conversation as
 * {@code messages}, the tools as {@code function} tools with their schemas exactly as given, the
 * output bound, and for streams {@code stream_options.include_usage}, so the last chunk carries the
 * token counts.
 */
final class RequestBody {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestBody() {}

    /**
     * Tool names as the Chat Completions API accepts them ({@code ^[a-zA-Z0-9_-]{1,64}$}) and back:
     * {@code system.run} goes out as {@code system_run}, and a call of {@code system_run} comes back
     * as {@code system.run}. Two tools that would share a wire name are refused rather than merged,
     * since the model's call could then not be routed to the right one.
     *
     * @param tools the tools a request offers
     * @param vendor the vendor's name, for the message
     * @return the mapping for these tools
     * @throws ProviderException of kind {@code BAD_REQUEST} when a name is empty or two names collide
     */
    static ToolNames toolNames(List<ToolSpec> tools, String vendor) throws ProviderException {
        ToolNames.Builder names = ToolNames.builder((earlier, name, wire) -> new ProviderException(
                ProviderException.Kind.BAD_REQUEST, earlier.equals(name)
                        ? "The tool '" + name + "' is offered twice"
                        : "The tools '" + earlier + "' and '" + name + "' would both be called '" + wire + "' on the "
                                + vendor + " wire, which allows only letters, digits, '_' and '-' (at most 64): rename one of them"));
        for (ToolSpec tool : tools) {
            if (tool.name().isBlank()) {
                throw new ProviderException(ProviderException.Kind.BAD_REQUEST, "A tool without a name cannot be offered to " + vendor);
            }
            names.add(tool.name());
        }
        return names.build();
    }

    /**
     * The {@code tools} array of the last request, kept because the agent offers the same tools turn
     * after turn, and parsing and writing their schemas each time was most of the body's CPU.
     *
     * @param specs the tools it was written for
     * @param json the array as JSON
     */
    record Tools(List<ToolSpec> specs, String json) {
        static final Tools NONE = new Tools(List.of(), "[]");
    }

    /**
     * @param request openpista's request
     * @param model the model to ask
     * @param names the wire names of the offered tools
     * @param tools the request's {@code tools} array ({@link #tools(List, ToolNames, Tools)})
     * @param stream whether to ask for a server-sent event stream
     * @param completionTokens whether the output bound goes out as {@code max_completion_tokens}
     *     (OpenAI; its reasoning models refuse {@code max_tokens}) or as {@code max_tokens} (what the
     *     compatible hosts understand)
     * @param vendor the vendor's name, for messages
     * @return the body
     * @throws ProviderException of kind {@code BAD_REQUEST} for an empty request
     */
    static ObjectNode of(ChatRequest request, String model, ToolNames names, Tools tools, boolean stream, boolean completionTokens,
            String vendor) throws ProviderException {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode messages = body.putArray("messages");
        if (!request.systemPrompt().isBlank()) {
            messages.addObject().put("role", "system").put("content", request.systemPrompt());
        }
        for (ChatMessage message : request.messages()) {
            add(messages, message, names, model);
        }
        if (messages.isEmpty()) {
            throw new ProviderException(ProviderException.Kind.BAD_REQUEST, "Nothing to send to " + vendor
                    + ": the request has neither a system prompt nor messages");
        }
        if (request.maxOutputTokens() > 0) {
            body.put(completionTokens ? "max_completion_tokens" : "max_tokens", request.maxOutputTokens());
        }
        if (!request.tools().isEmpty()) {
            body.putRawValue("tools", new RawValue(tools.json()));
        }
        body.put("stream", stream);
        if (stream) {
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }

    /**
     * @param specs the tools a request offers
     * @param names their wire names
     * @param last the array of the request before, taken again when it offered the same tools
     * @return the {@code tools} array of a Chat Completions request, schemas exactly as given
     * @throws ProviderException of kind {@code BAD_REQUEST} for a tool schema that is not a JSON object
     */
    static Tools tools(List<ToolSpec> specs, ToolNames names, Tools last) throws ProviderException {
        if (specs.equals(last.specs())) {
            return last;
        }
        return new Tools(List.copyOf(specs), tools(specs, names).toString());
    }

    /** @return the {@code tools} array of a Chat Completions request, schemas exactly as given */
    static ArrayNode tools(List<ToolSpec> tools, ToolNames names) throws ProviderException {
        ArrayNode array = JSON.createArrayNode();
        for (ToolSpec tool : tools) {
            JsonNode schema;
            try {
                schema = JSON.readTree(tool.parametersSchema());
            } catch (JsonProcessingException e) {
                throw new ProviderException(ProviderException.Kind.BAD_REQUEST, 0, "The parameters schema of tool '"
                        + tool.name() + "' is not valid JSON: " + e.getOriginalMessage(), e);
            }
            if (schema == null || !schema.isObject()) {
                throw new ProviderException(ProviderException.Kind.BAD_REQUEST,
                        "The parameters schema of tool '" + tool.name() + "' is not a JSON object");
            }
            ObjectNode entry = array.addObject().put("type", "function");
            ObjectNode function = entry.putObject("function").put("name", names.wire(tool.name()));
            if (!tool.description().isEmpty()) {
                function.put("description", tool.description());
            }
            function.set("parameters", schema);
        }
        return array;
    }

    private static void add(ArrayNode messages, ChatMessage message, ToolNames names, String model) {
        switch (message.role()) {
            case SYSTEM -> {
                // an empty system message says nothing, and some hosts refuse it
                if (!message.content().isBlank()) {
                    messages.addObject().put("role", "system").put("content", message.content());
                }
            }
            case USER -> user(messages.addObject().put("role", "user"), message, model);
            case ASSISTANT -> {
                ObjectNode assistant = messages.addObject().put("role", "assistant");
                if (!message.hasToolCalls()) {
                    assistant.put("content", message.content());
                    return;
                }
                // a call without text has content null, as the API documents it
                if (message.content().isEmpty()) {
                    assistant.putNull("content");
                } else {
                    assistant.put("content", message.content());
                }
                ArrayNode calls = assistant.putArray("tool_calls");
                for (ToolCall call : message.toolCalls()) {
                    ObjectNode wire = calls.addObject().put("id", call.id()).put("type", "function");
                    wire.putObject("function").put("name", names.wire(call.name())).put("arguments", call.arguments());
                }
            }
            case TOOL -> messages.addObject()
                    .put("role", "tool")
                    .put("tool_call_id", message.toolCallId())
                    .put("content", message.content());
            default -> throw new IllegalArgumentException("unknown role " + message.role());
        }
    }

    /** A user message: plain text, or text and image parts (data URLs) when it carries images. */
    private static void user(ObjectNode wire, ChatMessage message, String model) {
        UserMedia.Parts parts = UserMedia.of(message, model);
        if (parts.images().isEmpty()) {
            wire.put("content", parts.text());
            return;
        }
        ArrayNode content = wire.putArray("content");
        if (!parts.text().isBlank()) {
            content.addObject().put("type", "text").put("text", parts.text());
        }
        for (Attachment image : parts.images()) {
            content.addObject().put("type", "image_url").putObject("image_url").put("url", UserMedia.dataUrl(image));
        }
    }
}
