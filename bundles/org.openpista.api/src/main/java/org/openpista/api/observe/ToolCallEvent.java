package org.openpista.api.observe;

import java.time.Instant;
import java.util.Objects;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolResult;

/**
 * One tool call, after it ended.
 *
 * @param call the call as the model made it (its arguments are content, not for export unless
 *     asked for)
 * @param offered whether the tool was among those offered to the model; a name the model made up is
 *     not, and is no label value
 * @param startedAt when the tool started (after approval), or when the call was refused
 * @param durationNanos how long the tool ran, in nanoseconds; 0 when it did not run
 * @param outcome {@link Outcome#OK}, {@link Outcome#ERROR}, {@link Outcome#DENIED} or {@link
 *     Outcome#CANCELLED}
 * @param result what the tool returned, or {@code null} when it did not run
 */
public record ToolCallEvent(
        ToolCall call, boolean offered, Instant startedAt, long durationNanos, Outcome outcome, ToolResult result) {

    public ToolCallEvent {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** @return the tool's name */
    public String tool() {
        return call.name();
    }
}
