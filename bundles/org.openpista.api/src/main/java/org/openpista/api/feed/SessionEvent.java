package org.openpista.api.feed;

import java.util.List;
import java.util.Objects;
import org.openpista.api.chat.Attachment;

/**
 * One thing that happened in a turn of a session.
 *
 * @param kind what happened
 * @param sessionId the session of the turn
 * @param channel the channel the turn's message came from ({@code web}, {@code telegram}, {@code
 *     cron}, ...)
 * @param conversationKey the conversation the message came from, for example {@code telegram:12345}
 * @param text the user's message, a piece of the answer, or the answer (or the one-line error that
 *     ended the turn)
 * @param error whether the turn failed ({@link Kind#ANSWER} only)
 * @param attachments the message's photos and files, or the images the turn produced
 */
public record SessionEvent(
        Kind kind, String sessionId, String channel, String conversationKey, String text, boolean error,
        List<Attachment> attachments) {

    /** What happened. */
    public enum Kind {
        /** A turn starts: its message (from any channel) is about to be answered. */
        MESSAGE,
        /** A piece of the answer while the model streams it. */
        TEXT_DELTA,
        /** The turn ended with its answer, or the error that ended it. */
        ANSWER
    }

    public SessionEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(channel, "channel");
        conversationKey = conversationKey == null ? "" : conversationKey;
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }
}
