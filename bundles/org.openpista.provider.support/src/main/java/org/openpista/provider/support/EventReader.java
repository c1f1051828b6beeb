package org.openpista.provider.support;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Reads a streamed answer event by event, as {@link HttpTransport.Exchange#read(EventReader)} hands
 * the events over, and says when the answer is complete and whether any of it reached the listener.
 */
@ConsumerType
public interface EventReader extends ServerSentEvents.Handler {

    /** @return whether the answer is complete, so the rest of the body is not needed */
    boolean finished();

    /** @return whether any text reached the listener, after which a retry would repeat it */
    boolean forwardedText();
}
