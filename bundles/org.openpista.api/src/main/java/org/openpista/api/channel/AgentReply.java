package org.openpista.api.channel;

import java.util.List;
import org.openpista.api.chat.Attachment;

/**
 * The final answer of a turn, or the error that ended it.
 *
 * @param sessionId the session of the turn
 * @param text the answer, or a one-line error message for the user
 * @param error whether the turn failed
 * @param attachments images produced during the turn, such as screenshots
 */
public record AgentReply(String sessionId, String text, boolean error, List<Attachment> attachments) {

    public AgentReply {
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** @return a successful answer */
    public static AgentReply answer(String sessionId, String text) {
        return new AgentReply(sessionId, text, false, List.of());
    }

    /** @return a failed turn */
    public static AgentReply failure(String sessionId, String message) {
        return new AgentReply(sessionId, message, true, List.of());
    }
}
