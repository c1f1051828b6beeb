package org.openpista.api.channel;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The agent as channels see it. Messages to the same session run one turn at a time, in the order
 * submitted, also when several openpista processes share the conversation store; different
 * sessions run in parallel.
 */
@ProviderType
public interface AgentGateway {

    /**
     * Queues a message for its session and returns without waiting for the turn. When it returns,
     * the message is stored: a crash from then on does not lose it, and it is answered after the
     * restart by the next process that runs its channel (a turn that had already started is
     * reported to the channel as not finished). A channel acknowledges a message to its sender
     * only after this returned; the sink may be called before that, from the turn's thread.
     *
     * @param message the message; its {@code sessionId} (or else its conversation's current
     *     session) selects the session
     * @param sink receives progress, approval questions and the final reply
     * @return a handle to follow or cancel the turn
     * @throws RuntimeException when the message cannot be stored (for example a {@code
     *     StoreException}); it was not queued and must not be acknowledged
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
