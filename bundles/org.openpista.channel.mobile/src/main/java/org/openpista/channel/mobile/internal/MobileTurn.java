package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;

/**
 * One message from a device and its turn. Its output goes to the feeds of the streams attached to it:
 * the request's own stream, and the stream of a retry with the same {@code message_id} (a phone that
 * lost its connection and asks again). Streaming devices get deltas, progress and approval
 * questions; every attached stream gets the final {@code response}, which is also kept for retries
 * that come after the turn ended.
 *
 * <p>The turn's time limit stops while an approval question waits, because a person may take a
 * while to answer. Exactly one of two things ends it: the agent's reply or the time limit (the turn is
 * cancelled and the streams get the original's {@code error}).
 */
final class MobileTurn implements ReplySink {

    private final String deviceId;
    private final String sessionId;
    private final String messageId;
    private final boolean canAsk;
    private final Duration limit;
    private final ScheduledExecutorService timer;
    private final Approvals approvals;
    private final List<Feed> feeds = new CopyOnWriteArrayList<>();
    private volatile ObjectNode last;
    private volatile TurnHandle handle;
    private volatile Runnable onEnd = () -> {};

    // guarded by this: the time limit's clock
    private long remainingNanos;
    private long runningSince;
    private int paused;
    private ScheduledFuture<?> deadline;

    /**
     * @param canAsk whether the device that sent the message can answer approval questions (it streams)
     */
    MobileTurn(String deviceId, String sessionId, String messageId, boolean canAsk, Duration limit,
            ScheduledExecutorService timer, Approvals approvals) {
        this.deviceId = deviceId;
        this.sessionId = sessionId;
        this.messageId = messageId;
        this.canAsk = canAsk;
        this.limit = limit;
        this.timer = timer;
        this.approvals = approvals;
        this.remainingNanos = limit.toNanos();
    }

    String deviceId() {
        return deviceId;
    }

    String sessionId() {
        return sessionId;
    }

    String messageId() {
        return messageId;
    }

    boolean canAsk() {
        return canAsk;
    }

    /** @return the final frame once the turn ended, else {@code null} */
    ObjectNode last() {
        return last;
    }

    /** Runs once the turn ended. */
    void onEnd(Runnable action) {
        this.onEnd = action;
    }

    /** A stream wants the turn's output: it gets the final frame at once when the turn is over. */
    void attach(Feed feed) {
        feeds.add(feed);
        ObjectNode ended = last;
        if (ended != null) {
            feeds.remove(feed);
            feed.finish(ended);
        } else if (feed.streaming()) {
            approvals.resend(sessionId, feed);
        }
    }

    void detach(Feed feed) {
        feeds.remove(feed);
    }

    /** Sends an extension frame to the attached streaming devices. */
    void push(ObjectNode frame) {
        for (Feed feed : feeds) {
            feed.push(frame);
        }
    }

    /** Starts the clock; called before the message is submitted. */
    synchronized void start() {
        runningSince = System.nanoTime();
        deadline = timer.schedule(this::expire, remainingNanos, TimeUnit.NANOSECONDS);
    }

    void submitted(TurnHandle turn) {
        this.handle = turn;
        if (last != null) {
            turn.cancel(); // timed out before the handle was known; cancelling a finished turn is harmless
        }
    }

    /** The agent could not take the message. */
    void refused(String message) {
        end(Frames.error("unavailable", "Agent unavailable: " + message));
    }

    @Override
    public void reply(AgentReply reply) {
        ObjectNode frame = Frames.response(sessionId, messageId, reply.text(), reply.error());
        Frames.attachments(frame, reply.attachments());
        end(Frames.fit(frame));
    }

    @Override
    public void textDelta(String session, String delta) {
        if (last == null && !delta.isEmpty()) {
            ObjectNode frame = Frames.frame("response_delta").put("session_id", sessionId).put("content", delta);
            if (messageId != null) {
                frame.put("message_id", messageId);
            }
            push(frame);
        }
    }

    @Override
    public void progress(ProgressEvent event) {
        if (last != null) {
            return;
        }
        ObjectNode frame = Frames.frame("progress").put("session_id", sessionId)
                .put("kind", event.kind().name().toLowerCase(Locale.ROOT)).put("detail", event.detail());
        if (event.toolName() != null) {
            frame.put("tool_name", event.toolName());
        }
        if (event.callId() != null) {
            frame.put("call_id", event.callId());
        }
        push(frame);
    }

    @Override
    public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
        CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
        pause();
        answer.whenComplete((decision, failure) -> resume());
        CompletableFuture<ApprovalDecision> announced = approvals.ask(this, request, answer);
        // the agent stops waiting when its turn is cancelled: the question is withdrawn from the devices too
        announced.whenComplete((decision, failure) -> {
            if (announced.isCancelled()) {
                answer.cancel(false);
            }
        });
        return announced;
    }

    private void end(ObjectNode frame) {
        synchronized (this) {
            if (last != null) {
                return;
            }
            last = frame;
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }
        for (Feed feed : feeds) {
            feed.finish(frame);
        }
        feeds.clear();
        onEnd.run();
    }

    private synchronized void pause() {
        if (paused++ == 0 && deadline != null) {
            deadline.cancel(false);
            deadline = null;
            remainingNanos -= System.nanoTime() - runningSince;
        }
    }

    private synchronized void resume() {
        if (--paused == 0 && last == null) {
            runningSince = System.nanoTime();
            deadline = timer.schedule(this::expire, Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
        }
    }

    /** The time limit: the original answered {@code error} after 120 s; the turn is stopped too. */
    private void expire() {
        TurnHandle turn = handle;
        end(Frames.error("timeout", "Request timed out: no answer within " + describe(limit)
                + "; the turn was stopped. Send the message again to retry."));
        if (turn != null) {
            turn.cancel();
        }
    }

    static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 && seconds >= 120 ? seconds / 60 + " minutes" : seconds + " s";
    }
}
