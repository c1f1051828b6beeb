package org.openpista.api.memory;

import java.util.Collection;
import java.util.List;
import org.openpista.api.channel.InboundMessage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Messages waiting for their turn, kept in the conversation store, so that a message a channel has
 * acknowledged outlives a crash; and the rule that a session runs one turn at a time even when
 * several openpista processes share the store (a daemon and {@code openpista run -s}, or two runs).
 *
 * <p>An entry belongs to the process that queued it (to this service) while that process lives.
 * Its life: {@link #enqueue} stores it; {@link #start} moves its message into the session when it
 * is the session's turn, which holds the session until {@link #finish}; {@link #withdraw} drops it
 * before it started. A process that ends without finishing its entries (killed, crashed) leaves
 * them behind; another process {@link #adopt adopts} them and answers them (or, for a turn that had
 * already started, reports that it was not finished). A dead process never holds a session: the
 * store notices that it ended (at once on the same machine, else after its heartbeat stopped).
 *
 * <p>All methods commit before they return and throw {@link StoreException} when the storage fails.
 */
@ProviderType
public interface TurnQueue {

    /** What {@link #start(long)} did. */
    enum Start {
        /** The message is now the session's last user message, and the session is held until {@link #finish}. */
        STARTED,
        /**
         * Not yet: a turn of the session runs in another live process, or an older message of another
         * live process waits for the session; try again shortly.
         */
        WAIT,
        /** The entry is no longer this process's to start: finished, withdrawn, or adopted by another process. */
        GONE
    }

    /**
     * Stores a message for a session, committed before this returns: a channel may acknowledge the
     * message once this returned, and must not when it threw.
     *
     * @param sessionId the session it goes to
     * @param message the message
     * @return the stored entry
     */
    QueuedMessage enqueue(String sessionId, InboundMessage message);

    /**
     * Starts an entry's turn if it is the session's turn: no turn of the session runs in another
     * live process, and no older entry of another live process waits for it (entries of this
     * process keep the order the caller gives them). When it is, in one transaction the session is
     * created if missing, the message is appended to it as the user's message, and the entry is
     * marked as started.
     *
     * @param id the entry
     * @return whether it started, must wait, or is gone
     */
    Start start(long id);

    /**
     * Ends a started entry once its turn is over (its answer stored or its failure known), which
     * frees the session for the next turn. Also drops an entry that never started.
     *
     * @param id the entry
     */
    void finish(long id);

    /**
     * Drops an entry that has not started (it was cancelled, or the process stops).
     *
     * @param id the entry
     * @return whether it was still queued
     */
    boolean withdraw(long id);

    /**
     * Takes over the entries that processes which have ended left behind, for the channels this
     * process can answer through.
     *
     * @param channels the ids of the channels whose replies this process can deliver
     * @return the entries now belonging to this process, oldest first; those whose turn had
     *     started are marked {@link QueuedMessage#interrupted() interrupted}
     */
    List<QueuedMessage> adopt(Collection<String> channels);
}
