package org.openpista.core.internal;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.TurnHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A submitted message, queued or running, and its outcome; its entry in the turn queue keeps it across a crash. */
final class PendingTurn implements TurnHandle {

    private static final Logger LOG = LoggerFactory.getLogger(PendingTurn.class);

    final Turn turn;
    /** The message's entry in the store's turn queue; entries of a session run in this order. */
    final long entryId;
    /**
     * Whether the message was adopted from a process that ended: nobody waits on it, and when this
     * process stops before its turn it is left in the queue for the next one rather than dropped.
     */
    final boolean adopted;
    final CompletableFuture<AgentReply> future = new CompletableFuture<>();
    private final SessionLanes lanes;
    volatile SessionLanes.Lane lane;
    volatile Instant startedAt;

    PendingTurn(SessionLanes lanes, Turn turn, long entryId, boolean adopted) {
        this.lanes = lanes;
        this.turn = turn;
        this.entryId = entryId;
        this.adopted = adopted;
    }

    @Override
    public String sessionId() {
        return turn.sessionId();
    }

    @Override
    public CompletionStage<AgentReply> completion() {
        return future.minimalCompletionStage();
    }

    @Override
    public boolean cancel() {
        if (future.isDone()) {
            return false;
        }
        if (!lanes.dropQueued(this, AgentLoop.CANCELLED)) {
            turn.cancellation().cancel();
        }
        return true;
    }

    /** Ends the turn without a word to the channel: its message stays in the queue for the next process. */
    void leave() {
        future.complete(AgentReply.failure(turn.sessionId(), SessionLanes.SHUTTING_DOWN));
    }

    /** Gives the reply to the channel, once. */
    void finish(AgentReply reply) {
        if (future.isDone()) {
            return;
        }
        try {
            turn.sink().reply(reply);
        } catch (RuntimeException | LinkageError e) {
            // a broken channel must not take the session's other turns down
            LOG.warn("The channel {} failed to take the reply of session {}", turn.message().channel(),
                    turn.sessionId(), e);
        }
        future.complete(reply);
    }
}
