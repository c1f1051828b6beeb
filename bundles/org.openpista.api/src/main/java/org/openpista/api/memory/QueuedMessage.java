package org.openpista.api.memory;

import java.time.Instant;
import java.util.Objects;
import org.openpista.api.channel.InboundMessage;

/**
 * A message kept in the {@link TurnQueue} until its turn is over.
 *
 * @param id the entry's id, higher than that of every entry in the store when it was queued
 * @param sessionId the session it goes to
 * @param message the message as the channel submitted it
 * @param queuedAt when it was stored
 * @param interrupted whether its turn had started in a process that ended before finishing it
 */
public record QueuedMessage(long id, String sessionId, InboundMessage message, Instant queuedAt, boolean interrupted) {

    public QueuedMessage {
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(queuedAt, "queuedAt");
    }
}
