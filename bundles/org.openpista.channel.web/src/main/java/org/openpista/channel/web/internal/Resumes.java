package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Exactly-once answers across reconnects, also when the web channel bundle itself is swapped: a
 * client that lost its socket while a message was unanswered sends it again with {@code "resend":
 * true} and the same {@code message_id}. Such a message is submitted only when no version of the
 * channel took it; otherwise it is acknowledged again ({@code "duplicate": true}) and its answer
 * reaches the client once: from the turn still running here, from the answer kept for a connection
 * that missed it ({@code "replayed": true}), or, for a turn that answers to the version that took
 * it, from the {@link ReplyLedger} as soon as that version has written it there.
 *
 * <p>A turn's end and the check of a resend hold one lock, so a connection gets the answer either
 * from the turn's broadcast or from the replay, never from both.
 */
final class Resumes {

    /** How often a resend waiting for another version's answer looks for it. */
    static final Duration POLL = Duration.ofMillis(200);
    /** Answers kept in memory for connections that missed them. */
    private static final int REMEMBERED = 1024;

    /** The final frame of a turn of this version and the connections its broadcast reached. */
    private record Delivered(ObjectNode frame, Set<Connection> reached) {}

    private final ReplyLedger ledger;
    private final Clients clients;
    private final ScheduledExecutorService timer;
    /** How long a resend waits for the answer of a turn that another version runs. */
    private final Duration wait;
    private final Object lock = new Object();
    // guarded by lock
    private final Map<String, Delivered> delivered = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Delivered> eldest) {
            return size() > REMEMBERED;
        }
    };

    Resumes(ReplyLedger ledger, Clients clients, ScheduledExecutorService timer, Duration wait) {
        this.ledger = ledger;
        this.clients = clients;
        this.timer = timer;
        this.wait = wait;
    }

    /** A message is about to be submitted. */
    void taken(String sessionId, String messageId) {
        if (messageId != null) {
            ledger.taken(sessionId, messageId);
        }
    }

    /** Submitting it failed: a resend is a new message. */
    void notTaken(String sessionId, String messageId) {
        if (messageId != null) {
            ledger.forget(sessionId, messageId);
        }
    }

    /**
     * A turn ended with this frame: kept for resends, then sent to the session's connections.
     *
     * @param ended what the turn does once it is delivered (still under the lock)
     */
    void finish(String sessionId, String messageId, ObjectNode frame, Runnable ended) {
        synchronized (lock) {
            if (messageId != null) {
                ledger.answered(sessionId, messageId, frame);
            }
            Delivered done = new Delivered(frame, clients.broadcastTo(sessionId, frame));
            if (messageId != null) {
                delivered.put(key(sessionId, messageId), done);
            }
            ended.run();
        }
    }

    /** A turn ended without a frame of its own (the user stopped it): a resend gets {@code generation_cancelled}. */
    void cancelled(String sessionId, String messageId) {
        if (messageId != null) {
            ObjectNode frame = Frames.frame("generation_cancelled").put("session_id", sessionId).put("message_id", messageId);
            synchronized (lock) {
                ledger.answered(sessionId, messageId, frame);
                delivered.put(key(sessionId, messageId), new Delivered(frame, Set.of()));
            }
        }
    }

    /**
     * A message sent again after a reconnect.
     *
     * @param runningHere whether a turn of this version runs for it (asked under the lock)
     * @param submit submits it as a new message, when it turns out that no version took it
     * @return whether it is handled; {@code false}: no version took it, submit it now
     */
    boolean resent(Connection connection, String sessionId, String messageId, BooleanSupplier runningHere,
            Runnable submit) {
        synchronized (lock) {
            if (runningHere.getAsBoolean()) {
                // its turn's broadcast reaches this connection too
                acknowledge(connection, sessionId, messageId);
                return true;
            }
            Delivered done = delivered.get(key(sessionId, messageId));
            if (done != null) {
                acknowledge(connection, sessionId, messageId);
                if (!done.reached().contains(connection)) {
                    connection.send(replayed(done.frame()));
                }
                return true;
            }
            Optional<ReplyLedger.Entry> entry = ledger.find(sessionId, messageId);
            if (entry.isEmpty()) {
                return false;
            }
            acknowledge(connection, sessionId, messageId);
            if (entry.get().answered()) {
                connection.send(replayed(entry.get().answer()));
                return true;
            }
        }
        awaitOtherVersion(connection, sessionId, messageId, submit);
        return true;
    }

    /** The message was taken by another version of the channel whose turn has not answered yet: waits for its answer. */
    private void awaitOtherVersion(Connection connection, String sessionId, String messageId, Runnable submit) {
        look(connection, sessionId, messageId, submit, System.nanoTime() + wait.toNanos());
    }

    private void look(Connection connection, String sessionId, String messageId, Runnable submit, long deadline) {
        if (!connection.isOpen()) {
            // the client sends it again when it is back
            return;
        }
        Optional<ReplyLedger.Entry> entry = ledger.find(sessionId, messageId);
        if (entry.isEmpty()) {
            // that version could not submit it after all
            submit.run();
        } else if (entry.get().answered()) {
            connection.send(replayed(entry.get().answer()));
        } else if (System.nanoTime() > deadline) {
            connection.send(Frames.frame("response").put("session_id", sessionId).put("message_id", messageId)
                    .put("is_error", true).put("content", "The answer to this message did not arrive within "
                            + WebTurn.describe(wait) + " after the web chat restarted; send it again."));
            ledger.forget(sessionId, messageId);
        } else {
            try {
                timer.schedule(() -> look(connection, sessionId, messageId, submit, deadline), POLL.toMillis(),
                        TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                // this version is stopping: its sockets close and the client sends the message again
            }
        }
    }

    private static void acknowledge(Connection connection, String sessionId, String messageId) {
        connection.send(Frames.frame("message_ack").put("session_id", sessionId).put("message_id", messageId)
                .put("duplicate", true));
    }

    private static ObjectNode replayed(ObjectNode frame) {
        return frame.deepCopy().put("replayed", true);
    }

    private static String key(String sessionId, String messageId) {
        return sessionId + '\u0000' + messageId;
    }
}
