package org.openpista.api.llm;

import java.util.List;
import java.util.Objects;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ChatMessage;

/**
 * One request to a model.
 *
 * @param model the model id; empty means the provider's default model
 * @param systemPrompt instructions sent as the system message (providers that need it separate,
 *     such as Anthropic's Messages API, extract it); may be empty
 * @param messages the conversation so far, oldest first, without the system prompt
 * @param tools the tools the model may call in its answer
 * @param maxOutputTokens an upper bound for the answer, or 0 for the provider's default
 * @param cancellation signal to abandon the request early
 */
public record ChatRequest(
        String model,
        String systemPrompt,
        List<ChatMessage> messages,
        List<ToolSpec> tools,
        int maxOutputTokens,
        Cancellation cancellation) {

    public ChatRequest {
        model = model == null ? "" : model;
        systemPrompt = systemPrompt == null ? "" : systemPrompt;
        messages = List.copyOf(Objects.requireNonNull(messages, "messages"));
        tools = tools == null ? List.of() : List.copyOf(tools);
        cancellation = cancellation == null ? Cancellation.none() : cancellation;
    }

    /** @return a request without tools, output bound or cancellation */
    public static ChatRequest of(String model, String systemPrompt, List<ChatMessage> messages) {
        return new ChatRequest(model, systemPrompt, messages, List.of(), 0, null);
    }
}
