package org.openpista.core.internal;

import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.Cancellation;

/**
 * One message being answered.
 *
 * @param sessionId the session it runs in
 * @param message the message
 * @param sink where its output goes
 * @param cancellation cancelled when the turn is stopped
 */
record Turn(String sessionId, InboundMessage message, ReplySink sink, Cancellation cancellation) {}
