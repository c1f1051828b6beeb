package org.openpista.api.channel;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.openpista.api.chat.Attachment;

/**
 * A message from a channel to the agent.
 *
 * @param channel the channel id, for example {@code cli}, {@code web}, {@code telegram}
 * @param conversationKey where it came from, for example {@code telegram:12345} or {@code
 *     web:CLIENT}; replies go back to this conversation
 * @param sessionId the session to continue, or {@code null} to use the conversation's current
 *     session
 * @param senderId the platform's id of the sender, for access checks and logs
 * @param text the message text
 * @param attachments images or files sent with the message
 * @param metadata channel-specific details (message ids and the like)
 */
public record InboundMessage(
        String channel,
        String conversationKey,
        String sessionId,
        String senderId,
        String text,
        List<Attachment> attachments,
        Map<String, String> metadata) {

    public InboundMessage {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(conversationKey, "conversationKey");
        senderId = senderId == null ? "" : senderId;
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** @return a plain text message to the given session of a conversation */
    public static InboundMessage text(String channel, String conversationKey, String sessionId, String text) {
        return new InboundMessage(channel, conversationKey, sessionId, "", text, List.of(), Map.of());
    }
}
