package org.openpista.shell.internal;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;

/**
 * The client of a run served by the daemon ({@link DaemonRuns}) as the turn's channel: answer text,
 * tool progress and approval questions become frames to it; its answers come back through {@link
 * #answer(String)}. Text is sent unchanged; the client makes it safe for its terminal.
 */
final class RunSink implements ReplySink {

    /** Where frames go. */
    interface Wire {
        void send(byte type, byte[] payload) throws IOException;
    }

    private final Wire wire;
    private CompletableFuture<ApprovalDecision> pending;

    RunSink(Wire wire) {
        this.wire = wire;
    }

    @Override
    public void reply(AgentReply reply) {
        // the connection sends the reply once the turn's completion has it
    }

    @Override
    public void textDelta(String sessionId, String delta) {
        send(Frames.DELTA, Frames.fields(delta));
    }

    @Override
    public void progress(ProgressEvent event) {
        send(Frames.PROGRESS, Frames.fields(event.kind().name(), event.toolName() == null ? "" : event.toolName(),
                event.detail()));
    }

    @Override
    public synchronized CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
        CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
        pending = answer;
        try {
            wire.send(Frames.ASK, Frames.fields(request.question()));
        } catch (IOException e) {
            answer.completeExceptionally(e);
        }
        return answer;
    }

    /** The client's answer to the open question: {@code y}, {@code n}, {@code a}, or {@code !} and why it cannot answer. */
    synchronized void answer(String text) {
        CompletableFuture<ApprovalDecision> answer = pending;
        pending = null;
        if (answer == null) {
            return;
        }
        switch (text) {
            case "y" -> answer.complete(ApprovalDecision.APPROVE);
            case "a" -> answer.complete(ApprovalDecision.ALLOW_FOR_SESSION);
            case "n" -> answer.complete(ApprovalDecision.REJECT);
            default -> answer.completeExceptionally(new IllegalStateException(
                    text.startsWith("!") ? text.substring(1) : "the client answered \"" + text + "\""));
        }
    }

    /** The client went away: an open question is refused. */
    synchronized void gone() {
        if (pending != null) {
            pending.completeExceptionally(new IllegalStateException("the client went away"));
            pending = null;
        }
    }

    private void send(byte type, byte[] payload) {
        try {
            wire.send(type, payload);
        } catch (IOException e) {
            // the client is gone: its connection's reader sees it too and cancels the turn
        }
    }
}
