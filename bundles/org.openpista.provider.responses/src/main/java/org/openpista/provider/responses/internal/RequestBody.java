package org.openpista.provider.responses.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ToolSpec;
import org.openpista.provider.support.ToolNames;
import org.openpista.provider.support.UserMedia;

/**
 * Builds the JSON body of {@code POST /responses} from a request: the system prompt as {@code
 * instructions}, the conversation as {@code input} items, the tools as {@code function} tools.
 *
 * <p>Nothing is stored server-side ({@code "store": false}), so everything the model needs comes
 * along every time. For reasoning models that includes the encrypted reasoning items of earlier
 * answers: they are kept in the assistant message's {@code providerData} ({@link #PROVIDER_DATA}
 * format) and sent back before that answer's function calls, as the API requires when a function
 * call item is sent with its {@code fc_} id. History written by other providers has no such data;
 * its calls are sent without ids, which the API accepts.
 */
final class RequestBody {

    /** Marks our {@code providerData}; other providers' data is ignored. */
    static final String PROVIDER_DATA = "openpista.responses/1";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RequestBody() {}

    /**
     * @return the wire aliases of every tool the request offers or its history names; the API
     *     accepts function names matching {@code ^[a-zA-Z0-9_-]{1,64}$}
     * @throws ProviderException BAD_REQUEST when two names share an alias (for example {@code a.b}
     *     and {@code a_b})
     */
    static ToolNames toolNames(ChatRequest request) throws ProviderException {
        return ToolNames.of(request, (earlier, name, wire) -> new ProviderException(ProviderException.Kind.BAD_REQUEST,
                "tool name collision: '" + earlier + "' and '" + name + "' would both be called '" + wire
                        + "' on the Responses API wire; rename one of them"));
    }

    static ObjectNode of(ChatRequest request, ToolNames names, String model, Settings settings) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        if (!request.systemPrompt().isBlank()) {
            body.put("instructions", request.systemPrompt());
        }
        ArrayNode input = body.putArray("input");
        for (ChatMessage message : request.messages()) {
            add(input, message, names, model);
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolSpec tool : request.tools()) {
                ObjectNode function = tools.addObject();
                function.put("type", "function");
                function.put("name", names.wire(tool.name()));
                function.put("description", tool.description());
                function.set("parameters", schema(tool.parametersSchema()));
                function.put("strict", false);
            }
            body.put("tool_choice", "auto");
            body.put("parallel_tool_calls", true);
        }
        body.put("store", false);
        body.put("stream", settings.stream());
        if (request.maxOutputTokens() > 0) {
            body.put("max_output_tokens", request.maxOutputTokens());
        }
        if (Settings.reasons(model)) {
            body.putArray("include").add("reasoning.encrypted_content");
            if (!settings.reasoningEffort().isEmpty()) {
                body.putObject("reasoning").put("effort", settings.reasoningEffort());
            }
        }
        return body;
    }

    private static void add(ArrayNode input, ChatMessage message, ToolNames names, String model) {
        switch (message.role()) {
            case SYSTEM -> input.addObject().put("role", "developer").put("content", message.content());
            case USER -> user(input.addObject().put("role", "user"), message, model);
            case TOOL -> {
                String output = message.error() && !message.content().startsWith("Error")
                        ? "Error: " + message.content()
                        : message.content();
                input.addObject().put("type", "function_call_output").put("call_id", message.toolCallId()).put("output", output);
            }
            case ASSISTANT -> {
                JsonNode data = providerData(message.providerData());
                for (JsonNode reasoning : data.path("reasoning")) {
                    input.add(reasoning);
                }
                if (!message.content().isEmpty()) {
                    input.addObject().put("role", "assistant").put("content", message.content());
                }
                for (ToolCall call : message.toolCalls()) {
                    ObjectNode item = input.addObject();
                    item.put("type", "function_call");
                    String id = data.path("calls").path(call.id()).asText("");
                    if (!id.isEmpty()) {
                        item.put("id", id);
                    }
                    item.put("call_id", call.id());
                    item.put("name", names.wire(call.name()));
                    item.put("arguments", call.arguments());
                }
            }
        }
    }

    /** A user message: plain text, or {@code input_text} and {@code input_image} parts when it carries images. */
    private static void user(ObjectNode wire, ChatMessage message, String model) {
        UserMedia.Parts parts = UserMedia.of(message, model);
        if (parts.images().isEmpty()) {
            wire.put("content", parts.text());
            return;
        }
        ArrayNode content = wire.putArray("content");
        if (!parts.text().isBlank()) {
            content.addObject().put("type", "input_text").put("text", parts.text());
        }
        for (Attachment image : parts.images()) {
            content.addObject().put("type", "input_image").put("image_url", UserMedia.dataUrl(image)).put("detail", "auto");
        }
    }

    /** @return our provider data of an assistant message, or an empty object */
    static JsonNode providerData(String text) {
        if (text == null || text.isEmpty()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode data = JSON.readTree(text);
            return data != null && PROVIDER_DATA.equals(data.path("format").asText()) ? data : JSON.createObjectNode();
        } catch (IOException notOurs) {
            return JSON.createObjectNode();
        }
    }

    private static JsonNode schema(String text) {
        try {
            JsonNode schema = JSON.readTree(text);
            if (schema != null && schema.isObject()) {
                return schema;
            }
        } catch (IOException malformed) {
            // a tool with a broken schema still gets offered, with no arguments
        }
        return JSON.createObjectNode().put("type", "object").set("properties", JSON.createObjectNode());
    }
}
