package org.openpista.api.channel;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/** A submitted message: queued, running or done. */
@ProviderType
public interface TurnHandle {

    /** @return the session the message was routed to */
    String sessionId();

    /** @return completes with the reply once the turn ended (also when it failed or was cancelled) */
    CompletionStage<AgentReply> completion();

    /**
     * Cancels the turn: a queued message is dropped, a running turn stops at the next safe point
     * (the provider request is abandoned, running tools are told to stop).
     *
     * @return whether the turn was still queued or running
     */
    boolean cancel();
}
