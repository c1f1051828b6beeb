package org.openpista.provider.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.llm.Usage;
import org.openpista.provider.support.ToolNames;

/** Translates openpista's chat request and response to langchain4j's and back. */
final class ChatMapper {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ChatMapper() {}

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
     * @param request openpista's request
     * @param model the model to ask
     * @param names the wire names of the offered tools
     * @param completionTokens whether the output bound goes out as {@code max_completion_tokens}
     *     (OpenAI; its reasoning models refuse {@code max_tokens}) or as {@code max_tokens} (what the
     *     compatible hosts understand)
     * @param vendor the vendor's name, for messages
     * @return langchain4j's request
     * @throws ProviderException of kind {@code BAD_REQUEST} for a tool schema that is not a JSON object
     */
    static dev.langchain4j.model.chat.request.ChatRequest toWire(
            ChatRequest request, String model, ToolNames names, boolean completionTokens, String vendor)
            throws ProviderException {
        List<dev.langchain4j.data.message.ChatMessage> messages = new ArrayList<>();
        if (!request.systemPrompt().isBlank()) {
            messages.add(SystemMessage.from(request.systemPrompt()));
        }
        for (ChatMessage message : request.messages()) {
            dev.langchain4j.data.message.ChatMessage mapped = message(message, names);
            if (mapped != null) {
                messages.add(mapped);
            }
        }
        if (messages.isEmpty()) {
            throw new ProviderException(ProviderException.Kind.BAD_REQUEST, "Nothing to send to " + vendor
                    + ": the request has neither a system prompt nor messages");
        }
        OpenAiChatRequestParameters.Builder parameters = OpenAiChatRequestParameters.builder().modelName(model);
        if (request.maxOutputTokens() > 0) {
            if (completionTokens) {
                parameters.maxCompletionTokens(request.maxOutputTokens());
            } else {
                parameters.maxOutputTokens(request.maxOutputTokens());
            }
        }
        if (!request.tools().isEmpty()) {
            // Written by hand, not as langchain4j ToolSpecifications: those carry a JsonObjectSchema whose
            // top level langchain4j rebuilds (it drops additionalProperties unless strict, and every other
            // top-level keyword), so a tool's schema would not reach the wire as the tool wrote it.
            parameters.customParameters(Map.of("tools", tools(request.tools(), names)));
        }
        return dev.langchain4j.model.chat.request.ChatRequest.builder()
                .messages(messages)
                .parameters(parameters.build())
                .build();
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

    private static dev.langchain4j.data.message.ChatMessage message(ChatMessage message, ToolNames names) {
        switch (message.role()) {
            case SYSTEM:
                // langchain4j refuses blank system messages; an empty one says nothing anyway
                return message.content().isBlank() ? null : SystemMessage.from(message.content());
            case USER:
                // attachments are for the user's eyes, not sent to the model (see Attachment)
                return UserMessage.from(message.content());
            case ASSISTANT:
                if (!message.hasToolCalls()) {
                    return AiMessage.from(message.content());
                }
                List<ToolExecutionRequest> calls = new ArrayList<>();
                for (ToolCall call : message.toolCalls()) {
                    calls.add(ToolExecutionRequest.builder()
                            .id(call.id())
                            .name(names.wire(call.name()))
                            .arguments(call.arguments())
                            .build());
                }
                return AiMessage.builder()
                        .text(message.content().isEmpty() ? null : message.content())
                        .toolExecutionRequests(calls)
                        .build();
            case TOOL:
                return ToolExecutionResultMessage.from(message.toolCallId(), names.wire(message.toolName()), message.content());
            default:
                throw new IllegalArgumentException("unknown role " + message.role());
        }
    }

    /**
     * @param answer langchain4j's response
     * @param names the wire names of the offered tools
     * @param requestedModel the model asked, used when the answer names none
     * @return openpista's response, with tool names mapped back
     */
    static ChatResponse fromWire(
            dev.langchain4j.model.chat.response.ChatResponse answer, ToolNames names, String requestedModel) {
        AiMessage message = answer.aiMessage();
        List<ToolCall> calls = new ArrayList<>();
        if (message.hasToolExecutionRequests()) {
            List<ToolExecutionRequest> requests = message.toolExecutionRequests();
            for (int i = 0; i < requests.size(); i++) {
                ToolExecutionRequest request = requests.get(i);
                // some compatible servers leave the id out; the tool result still needs one to answer
                String id = request.id() == null || request.id().isBlank() ? "call_" + i : request.id();
                calls.add(new ToolCall(id, names.original(request.name()), request.arguments()));
            }
        }
        ChatResponseMetadata metadata = answer.metadata();
        String model = metadata == null || metadata.modelName() == null || metadata.modelName().isBlank()
                ? requestedModel
                : metadata.modelName();
        return new ChatResponse(message.text(), calls, usage(metadata), finishReason(answer), model, null);
    }

    private static Usage usage(ChatResponseMetadata metadata) {
        TokenUsage usage = metadata == null ? null : metadata.tokenUsage();
        if (usage == null) {
            return Usage.NONE;
        }
        return new Usage(
                usage.inputTokenCount() == null ? 0 : usage.inputTokenCount(),
                usage.outputTokenCount() == null ? 0 : usage.outputTokenCount());
    }

    /**
     * The {@code finish_reason} exactly as the server sent it. langchain4j turns it into an enum and
     * loses the values it does not know (compatible servers have their own), so it is read from the
     * raw response or the raw stream events that langchain4j keeps.
     *
     * @return the finish reason, or {@code null} when the server sent none
     */
    static String finishReason(dev.langchain4j.model.chat.response.ChatResponse answer) {
        if (!(answer.metadata() instanceof OpenAiChatResponseMetadata metadata)) {
            return null;
        }
        String reason = null;
        List<ServerSentEvent> events = metadata.rawServerSentEvents();
        if (events != null && !events.isEmpty()) {
            for (ServerSentEvent event : events) {
                String found = finishReason(event.data());
                if (found != null) {
                    reason = found;
                }
            }
            return reason;
        }
        SuccessfulHttpResponse raw = metadata.rawHttpResponse();
        return raw == null ? null : finishReason(raw.body());
    }

    private static String finishReason(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode reason = JSON.readTree(json).path("choices").path(0).path("finish_reason");
            return reason.isTextual() && !reason.asText().isEmpty() ? reason.asText() : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
