package org.openpista.api.channel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The agent as channels see it. Messages to the same session run one turn at a time, in the order
 * submitted; different sessions run in parallel.
 */
@ProviderType
public interface AgentGateway {

    /**
     * Queues a message for its session and returns at once.
     *
     * @param message the message; its {@code sessionId} (or else its conversation's current
     *     session) selects the session
     * @param sink receives progress, approval questions and the final reply
     * @return a handle to follow or cancel the turn
     */
    TurnHandle submit(InboundMessage message, ReplySink sink);

    /**
     * Cancels the running and queued turns of a session.
     *
     * @param sessionId the session
     * @return how many turns were cancelled
     */
    int cancel(String sessionId);
}
