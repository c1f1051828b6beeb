package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.channel.support.FrameFields;

/**
 * The approval questions of mobile turns. A question is asked only where somebody can answer it: on
 * the streams of a turn whose device streams ({@code "stream": true}), and to the devices that
 * subscribe to the session; a turn of an original client with nobody subscribed is refused at once,
 * never approved. A question stays bound to its exact call ({@code call_id} in its session); the first
 * answer decides, and everyone who saw it hears the outcome ({@code tool_approval_resolved}).
 */
final class Approvals {

    /** A question waiting for its answer. */
    private record Pending(MobileTurn turn, ApprovalRequest request, CompletableFuture<ApprovalDecision> answer,
            ObjectNode frame) {}

    private final Subscribers subscribers;
    private final Duration timeout;
    private final Map<String, Pending> waiting = new ConcurrentHashMap<>();

    Approvals(Subscribers subscribers, Duration timeout) {
        this.subscribers = subscribers;
        this.timeout = timeout;
    }

    /**
     * Asks the question where it can be answered.
     *
     * @return completes like {@code answer} once the outcome was sent to the devices; failed at once
     *     when no device can answer (the call is refused)
     */
    CompletableFuture<ApprovalDecision> ask(MobileTurn turn, ApprovalRequest request,
            CompletableFuture<ApprovalDecision> answer) {
        String sessionId = request.sessionId();
        if (!turn.canAsk() && !subscribers.watching(sessionId)) {
            answer.cancel(false);
            return CompletableFuture.failedFuture(new UnsupportedOperationException("the mobile client that sent the "
                    + "message cannot answer approval questions and no device subscribes to session " + sessionId));
        }
        String key = key(sessionId, request.call().id());
        ObjectNode frame = Frames.frame("tool_approval_request")
                .put("call_id", request.call().id())
                .put("tool_name", request.call().name())
                .put("session_id", sessionId);
        frame.set("arguments", Frames.arguments(request.call().arguments()));
        Pending pending = new Pending(turn, request, answer, frame);
        waiting.put(key, pending);
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        CompletableFuture<ApprovalDecision> announced = new CompletableFuture<>();
        answer.whenComplete((decision, failure) -> {
            waiting.remove(key, pending);
            String outcome = decision != null ? decision.wireName()
                    : failure instanceof TimeoutException ? "expired" : "cancelled";
            ObjectNode resolved = resolved(sessionId, request.call().id(), outcome);
            turn.push(resolved);
            subscribers.push(sessionId, resolved);
            if (failure != null) {
                announced.completeExceptionally(failure);
            } else {
                announced.complete(decision);
            }
        });
        turn.push(frame);
        subscribers.push(sessionId, frame);
        return announced;
    }

    /**
     * A {@code tool_approval_response}: decides the question it names.
     *
     * @param currentSession the device's session, where the call is looked for when the frame names none
     * @return the answer for the stream: {@code tool_approval_resolved}, or an {@code error}
     */
    ObjectNode answer(String currentSession, JsonNode frame) {
        String callId = FrameFields.requiredId(frame, "call_id");
        String decisionName = FrameFields.text(frame, "decision");
        if (decisionName == null) {
            throw new FrameFields.BadFrame("tool_approval_response needs a \"decision\": approve, reject or allow_for_session");
        }
        ApprovalDecision decision;
        try {
            decision = ApprovalDecision.fromWireName(decisionName);
        } catch (IllegalArgumentException e) {
            throw new FrameFields.BadFrame("unknown decision \"" + FrameFields.clip(decisionName)
                    + "\" (approve, reject or allow_for_session)");
        }
        String sessionId = FrameFields.optionalId(frame, "session_id");
        Pending pending = waiting.get(key(sessionId == null ? currentSession : sessionId, callId));
        if (pending == null && sessionId == null) {
            List<Pending> matches = waiting.values().stream()
                    .filter(candidate -> candidate.request().call().id().equals(callId)).toList();
            pending = matches.size() == 1 ? matches.get(0) : null;
        }
        if (pending == null) {
            return Frames.error("unknown_call", "no tool call \"" + FrameFields.clip(callId) + "\" is waiting for approval");
        }
        pending.answer().complete(decision);
        return resolved(pending.request().sessionId(), callId, decision.wireName());
    }

    /** Sends the questions waiting in a session to a stream that just started to listen. */
    void resend(String sessionId, Feed feed) {
        for (Pending pending : waiting.values()) {
            if (pending.request().sessionId().equals(sessionId)) {
                feed.push(pending.frame());
            }
        }
    }

    /** The session's turns were stopped: its questions are withdrawn. */
    void cancelSession(String sessionId) {
        for (Pending pending : waiting.values()) {
            if (pending.request().sessionId().equals(sessionId)) {
                pending.answer().cancel(false);
            }
        }
    }

    int count() {
        return waiting.size();
    }

    void close() {
        waiting.values().forEach(pending -> pending.answer().cancel(false));
    }

    private static ObjectNode resolved(String sessionId, String callId, String decision) {
        return Frames.frame("tool_approval_resolved").put("session_id", sessionId).put("call_id", callId)
                .put("decision", decision);
    }

    private static String key(String sessionId, String callId) {
        return sessionId + '\u0000' + callId;
    }
}
