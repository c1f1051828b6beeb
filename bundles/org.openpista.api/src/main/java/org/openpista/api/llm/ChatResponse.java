package org.openpista.api.llm;

import java.util.List;
import org.openpista.api.chat.ToolCall;

/**
 * The model's answer to one request: text, tool calls, or both.
 *
 * @param text the answer text, empty when the model only calls tools
 * @param toolCalls calls with the tools' own names (wire aliases already mapped back)
 * @param usage token counts, {@link Usage#NONE} when unknown
 * @param stopReason the provider's reason for stopping, for example {@code stop}, {@code tool_calls}
 * @param model the model that answered
 * @param providerData opaque state to store with the assistant message and send back later, or
 *     {@code null}
 */
public record ChatResponse(
        String text, List<ToolCall> toolCalls, Usage usage, String stopReason, String model, String providerData) {

    public ChatResponse {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        usage = usage == null ? Usage.NONE : usage;
        stopReason = stopReason == null ? "" : stopReason;
        model = model == null ? "" : model;
    }

    /** @return whether the model asked for at least one tool call */
    public boolean hasToolCalls() {
        return !toolCalls.isEmpty();
    }
}
