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
 */
public record ApprovalRequest(String sessionId, String channel, ToolCall call) {
    public ApprovalRequest {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(call, "call");
    }
}
