package org.openpista.channel.mobile.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.TurnHandle;
import org.openpista.channel.support.FrameFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages from devices and the turns they start. A message with a {@code message_id} is submitted
 * once: the same id again from the same device (a retry after the connection broke, over a new
 * connection from another network) attaches to the running turn, or gets its answer when it ended
 * within {@link #RETRY_WINDOW}. That is how a phone that changes networks keeps its conversation.
 */
final class Turns {

    private static final Logger LOG = LoggerFactory.getLogger(Turns.class);

    /** How long a finished turn's answer is kept for a retry. */
    static final Duration RETRY_WINDOW = Duration.ofMinutes(10);
    private static final int MAX_KEPT = 10_000;

    private record Kept(MobileTurn turn, long since) {}

    private final AgentGateway gateway;
    private final Approvals approvals;
    private final ScheduledExecutorService timer;
    private final Duration limit;
    // guarded by itself: turns by device and message id, oldest first
    private final Map<String, Kept> byMessage = new LinkedHashMap<>();
    // guarded by byMessage: turns that have not ended
    private final List<MobileTurn> running = new ArrayList<>();

    Turns(AgentGateway gateway, Approvals approvals, ScheduledExecutorService timer, Duration limit) {
        this.gateway = gateway;
        this.approvals = approvals;
        this.timer = timer;
        this.limit = limit;
    }

    /**
     * Finds the turn of an earlier message with the same id, or submits a new one; the feed is
     * attached either way.
     *
     * @return the turn, and whether it was found rather than started
     */
    Started message(Device device, String sessionId, String text, String messageId, Feed feed) {
        String key = messageId == null ? null : device.id() + '\u0000' + messageId;
        MobileTurn turn;
        synchronized (byMessage) {
            Kept kept = key == null ? null : byMessage.get(key);
            if (kept != null && (kept.turn().last() == null || System.nanoTime() - kept.since() < RETRY_WINDOW.toNanos())) {
                kept.turn().attach(feed);
                return new Started(kept.turn(), true);
            }
            turn = new MobileTurn(device.id(), sessionId, messageId, feed.streaming(), limit, timer, approvals);
            turn.attach(feed);
            running.add(turn);
            if (key != null) {
                byMessage.remove(key);
                byMessage.put(key, new Kept(turn, System.nanoTime()));
                prune();
            }
        }
        MobileTurn started = turn;
        turn.onEnd(() -> ended(started, key));
        InboundMessage message = new InboundMessage(MobileHub.CHANNEL, device.conversationKey(), sessionId, device.id(), text,
                List.of(), messageId == null ? Map.of("device_id", device.id())
                        : Map.of("device_id", device.id(), "message_id", messageId));
        turn.start();
        try {
            TurnHandle handle = gateway.submit(message, turn);
            turn.submitted(handle);
        } catch (RuntimeException e) {
            LOG.warn("The agent refused a mobile message in session {}", sessionId, e);
            turn.refused(FrameFields.describe(e));
        }
        return new Started(turn, false);
    }

    /**
     * @param turn the turn
     * @param resumed whether an earlier message with the same id had started it
     */
    record Started(MobileTurn turn, boolean resumed) {}

    private void ended(MobileTurn turn, String key) {
        synchronized (byMessage) {
            running.remove(turn);
            if (key != null) {
                // the answer is kept for retries from now on
                Kept kept = byMessage.get(key);
                if (kept != null && kept.turn() == turn) {
                    byMessage.put(key, new Kept(turn, System.nanoTime()));
                }
            }
        }
    }

    /** Stops the turns of a session, wherever they were started. @return how many */
    int cancel(String sessionId) {
        int stopped = gateway.cancel(sessionId);
        approvals.cancelSession(sessionId);
        return stopped;
    }

    int running() {
        synchronized (byMessage) {
            return running.size();
        }
    }

    private void prune() {
        long now = System.nanoTime();
        for (Iterator<Kept> it = byMessage.values().iterator(); it.hasNext(); ) {
            Kept kept = it.next();
            boolean expired = kept.turn().last() != null && now - kept.since() >= RETRY_WINDOW.toNanos();
            if (expired || byMessage.size() > MAX_KEPT) {
                it.remove();
            } else if (kept.turn().last() != null) {
                break;
            }
        }
    }
}
