package org.openpista.api.approval;

import java.util.Objects;
import org.openpista.api.chat.ToolCall;

/**
 * A question to the owner: may this exact call run? The decision applies to this call only (its id,
 * tool name and arguments), except {@link ApprovalDecision#ALLOW_FOR_SESSION}.
 *
 * @param sessionId the session of the turn
 * @param channel the channel of the turn
 * @param call the exact call
 * @param note what the owner should know about the tool beyond its name: where it comes from and
 *     how it runs (a skill from the workspace that shadows a bundled one, running on the host
 *     without isolation), from the tool service's {@code tool.approval.note}; empty when nothing
 */
public record ApprovalRequest(String sessionId, String channel, ToolCall call, String note) {
    public ApprovalRequest {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(call, "call");
        note = note == null ? "" : note.strip();
    }

    /** A request without a note. */
    public ApprovalRequest(String sessionId, String channel, ToolCall call) {
        this(sessionId, channel, call, "");
    }

    /** @return the question as one line: the call, and the note when there is one */
    public String question() {
        String text = call.name() + " with " + call.arguments();
        return note.isEmpty() ? text : text + " (" + note + ")";
    }
}
