package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message from the web and its turn: streams its output to the connections showing its
 * session, asks approval questions there, and enforces the turn's time limit. The clock stops
 * while an approval question waits, because a person may take a while to answer.
 *
 * <p>Exactly one of three things ends it: the agent's reply, the time limit (an error
 * {@code response} and the turn is cancelled) or the user's stop button ({@code
 * generation_cancelled}, and the agent's "Cancelled." is not shown again).
 */
final class WebTurn implements ReplySink {

    private static final Logger LOG = LoggerFactory.getLogger(WebTurn.class);
    /** Longer than submit can take; a turn never hangs on a lost acknowledgement. */
    private static final Duration ACKNOWLEDGEMENT_WAIT = Duration.ofSeconds(10);

    private final Turns turns;
    private final Clients clients;
    private final Approvals approvals;
    private final String sessionId;
    private final String messageId;
    private final Duration limit;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Open once the message is acknowledged: nothing of the turn reaches a client before its acknowledgement. */
    private final CountDownLatch acknowledged = new CountDownLatch(1);
    private volatile boolean cancelledByUser;
    private volatile TurnHandle handle;

    // guarded by this: the time limit's clock
    private long remainingNanos;
    private long runningSince;
    private int paused;
    private ScheduledFuture<?> deadline;

    WebTurn(Turns turns, Clients clients, Approvals approvals, String sessionId, String messageId, Duration limit,
            ScheduledExecutorService timer) {
        this.turns = turns;
        this.clients = clients;
        this.approvals = approvals;
        this.sessionId = sessionId;
        this.messageId = messageId;
        this.limit = limit;
        this.timer = timer;
        this.remainingNanos = limit.toNanos();
    }

    String sessionId() {
        return sessionId;
    }

    /** @return the client's id of the message, or {@code null} */
    String messageId() {
        return messageId;
    }

    boolean finished() {
        return finished.get();
    }

    /** Starts the clock; called before the message is submitted. */
    synchronized void start() {
        runningSince = System.nanoTime();
        deadline = timer.schedule(this::expire, remainingNanos, TimeUnit.NANOSECONDS);
    }

    /** @param turn the turn, or {@code null} when the agent refused the message */
    void submitted(TurnHandle turn) {
        this.handle = turn;
        acknowledged.countDown();
        if (turn != null && (cancelledByUser || finished.get())) {
            // stopped (or timed out) before the handle was known; cancelling a finished turn is harmless
            turn.cancel();
        }
    }

    /** Holds the agent's thread until the acknowledgement went out (microseconds: submit stores and returns). */
    private void afterAcknowledgement() {
        try {
            if (!acknowledged.await(ACKNOWLEDGEMENT_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("A turn of session {} went on without its acknowledgement", sessionId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The stop button: cancels the turn; its own "Cancelled." reply is not shown. */
    boolean cancelByUser() {
        cancelledByUser = true;
        TurnHandle turn = handle;
        boolean wasRunning = !finished.get();
        if (turn != null) {
            turn.cancel();
        }
        return wasRunning;
    }

    @Override
    public void reply(AgentReply reply) {
        afterAcknowledgement();
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        stopClock();
        if (cancelledByUser && reply.error()) {
            turns.cancelled(this);
            return;
        }
        ObjectNode frame = Frames.frame("response")
                .put("content", reply.text())
                .put("is_error", reply.error())
                .put("session_id", sessionId);
        if (messageId != null) {
            frame.put("message_id", messageId);
        }
        Frames.attachments(frame, reply.attachments());
        turns.finish(this, frame);
    }

    @Override
    public void textDelta(String session, String delta) {
        afterAcknowledgement();
        if (finished.get() || delta.isEmpty()) {
            return;
        }
        ObjectNode frame = Frames.frame("response_delta").put("session_id", sessionId).put("content", delta);
        if (messageId != null) {
            frame.put("message_id", messageId);
        }
        clients.stream(sessionId, frame);
    }

    @Override
    public void progress(ProgressEvent event) {
        afterAcknowledgement();
        if (finished.get()) {
            return;
        }
        ObjectNode frame = Frames.frame("progress")
                .put("session_id", sessionId)
                .put("kind", event.kind().name().toLowerCase(Locale.ROOT))
                .put("detail", event.detail());
        if (event.toolName() != null) {
            frame.put("tool_name", event.toolName());
        }
        if (event.callId() != null) {
            frame.put("call_id", event.callId());
        }
        clients.broadcast(sessionId, frame);
    }

    @Override
    public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
        afterAcknowledgement();
        CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
        pause();
        answer.whenComplete((decision, failure) -> resume());
        CompletableFuture<ApprovalDecision> announced = approvals.ask(request, answer);
        // the agent stops waiting when its turn is cancelled: the question is withdrawn from the clients too
        announced.whenComplete((decision, failure) -> {
            if (announced.isCancelled()) {
                answer.cancel(false);
            }
        });
        return announced;
    }

    private synchronized void pause() {
        if (paused++ == 0 && deadline != null) {
            deadline.cancel(false);
            deadline = null;
            remainingNanos -= System.nanoTime() - runningSince;
        }
    }

    private synchronized void resume() {
        if (--paused == 0 && !finished.get()) {
            runningSince = System.nanoTime();
            deadline = timer.schedule(this::expire, Math.max(0, remainingNanos), TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void stopClock() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void expire() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        TurnHandle turn = handle;
        if (turn != null) {
            turn.cancel();
        }
        ObjectNode frame = Frames.frame("response")
                .put("content", "No answer within " + describe(limit) + "; the turn was stopped. "
                        + "The session keeps working: send the message again to retry.")
                .put("is_error", true)
                .put("session_id", sessionId);
        if (messageId != null) {
            frame.put("message_id", messageId);
        }
        turns.finish(this, frame);
    }

    static String describe(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 && seconds >= 120 ? seconds / 60 + " minutes" : seconds + " s";
    }
}
