package org.openpista.channel.web.internal;

import static org.openpista.channel.support.FrameFields.clip;
import static org.openpista.channel.support.FrameFields.optionalId;
import static org.openpista.channel.support.FrameFields.requiredId;
import static org.openpista.channel.support.FrameFields.text;

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
 * The approval questions waiting for an answer from the web. A question goes to the connections
 * that show its session, and again to any connection that shows the session later; the first
 * answer from any of them decides, and every one of them hears the outcome.
 */
final class Approvals {

    /** An approval question waiting for its answer. */
    private record Pending(ApprovalRequest request, CompletableFuture<ApprovalDecision> answer, ObjectNode frame) {}

    private final Clients clients;
    private final Duration timeout;
    private final Map<String, Pending> waiting = new ConcurrentHashMap<>();

    /**
     * @param clients where questions and outcomes go
     * @param timeout how long a question waits before it counts as refused
     */
    Approvals(Clients clients, Duration timeout) {
        this.clients = clients;
        this.timeout = timeout;
    }

    /**
     * Sends an approval question to the session's connections.
     *
     * @return completes like {@code answer}, once the outcome was sent to the connections: the agent
     *     goes on (and answers) only after the clients saw the decision
     */
    CompletableFuture<ApprovalDecision> ask(ApprovalRequest request, CompletableFuture<ApprovalDecision> answer) {
        String key = key(request.sessionId(), request.call().id());
        ObjectNode frame = Frames.frame("tool_approval_request")
                .put("call_id", request.call().id())
                .put("tool_name", request.call().name())
                .put("session_id", request.sessionId());
        frame.set("arguments", Frames.arguments(request.call().arguments()));
        if (!request.note().isEmpty()) {
            // extension: where the tool comes from and how it runs; clients that do not know it ignore it
            frame.put("note", request.note());
        }
        Pending pending = new Pending(request, answer, frame);
        waiting.put(key, pending);
        answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        // not answer.whenComplete(...) as the result: that skips its action when the agent cancelled it first
        CompletableFuture<ApprovalDecision> announced = new CompletableFuture<>();
        answer.whenComplete((decision, failure) -> {
            waiting.remove(key, pending);
            String outcome = decision != null ? decision.wireName()
                    : failure instanceof TimeoutException ? "expired" : "cancelled";
            clients.broadcast(request.sessionId(), Frames.frame("tool_approval_resolved")
                    .put("session_id", request.sessionId())
                    .put("call_id", request.call().id())
                    .put("decision", outcome));
            if (failure != null) {
                announced.completeExceptionally(failure);
            } else {
                announced.complete(decision);
            }
        });
        clients.broadcast(request.sessionId(), frame);
        return announced;
    }

    /** A {@code tool_approval_response}: decides the question it names. */
    void answer(Connection connection, JsonNode frame) {
        String callId = requiredId(frame, "call_id");
        String decisionName = text(frame, "decision");
        if (decisionName == null) {
            throw new FrameFields.BadFrame("tool_approval_response needs a \"decision\": approve, reject or allow_for_session");
        }
        ApprovalDecision decision;
        try {
            decision = ApprovalDecision.fromWireName(decisionName);
        } catch (IllegalArgumentException e) {
            throw new FrameFields.BadFrame("unknown decision \"" + clip(decisionName) + "\" (approve, reject or allow_for_session)");
        }
        String sessionId = optionalId(frame, "session_id");
        Pending pending = waiting.get(key(sessionId == null ? connection.sessionId() : sessionId, callId));
        if (pending == null && sessionId == null) {
            List<Pending> matches = waiting.values().stream()
                    .filter(candidate -> candidate.request().call().id().equals(callId)).toList();
            pending = matches.size() == 1 ? matches.get(0) : null;
        }
        if (pending == null) {
            connection.send(Frames.error("unknown_call", "no tool call \"" + clip(callId) + "\" is waiting for approval")
                    .put("in_reply_to", "tool_approval_response"));
            return;
        }
        pending.answer().complete(decision);
    }

    /** Sends the questions waiting in the connection's session again (it just started to show it). */
    void resend(Connection connection) {
        for (Pending pending : waiting.values()) {
            if (pending.request().sessionId().equals(connection.sessionId())) {
                connection.send(pending.frame());
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

    void close() {
        for (Pending pending : waiting.values()) {
            pending.answer().cancel(false);
        }
    }

    private static String key(String sessionId, String callId) {
        return sessionId + '\u0000' + callId;
    }
}
