package org.openpista.api.observe;

import java.util.Objects;
import org.openpista.api.llm.Usage;

/**
 * How a turn ended.
 *
 * @param durationNanos how long it ran, in nanoseconds
 * @param outcome {@link Outcome#OK} (answered), {@link Outcome#ERROR}, {@link Outcome#CANCELLED} or
 *     {@link Outcome#LIMIT}
 * @param llmRequests how many requests went to the model
 * @param toolCalls how many tool calls the model made (run or not)
 * @param usage the token counts of all its requests together
 */
public record TurnEndEvent(long durationNanos, Outcome outcome, int llmRequests, int toolCalls, Usage usage) {

    public TurnEndEvent {
        Objects.requireNonNull(outcome, "outcome");
        usage = usage == null ? Usage.NONE : usage;
    }
}
