package org.openpista.core.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;

/** A reply sink that records everything and answers approval questions by a rule. */
class RecordingSink implements ReplySink {

    final List<AgentReply> replies = new CopyOnWriteArrayList<>();
    final List<String> deltas = new CopyOnWriteArrayList<>();
    final List<ProgressEvent> progress = new CopyOnWriteArrayList<>();
    final List<ApprovalRequest> questions = new CopyOnWriteArrayList<>();
    final Function<ApprovalRequest, CompletionStage<ApprovalDecision>> approver;

    RecordingSink() {
        this(null);
    }

    RecordingSink(Function<ApprovalRequest, CompletionStage<ApprovalDecision>> approver) {
        this.approver = approver;
    }

    static RecordingSink answering(ApprovalDecision decision) {
        return new RecordingSink(request -> CompletableFuture.completedFuture(decision));
    }

    @Override
    public void reply(AgentReply reply) {
        replies.add(reply);
    }

    @Override
    public void textDelta(String sessionId, String delta) {
        deltas.add(delta);
    }

    @Override
    public void progress(ProgressEvent event) {
        progress.add(event);
    }

    @Override
    public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
        questions.add(request);
        return approver == null ? ReplySink.super.requestApproval(request) : approver.apply(request);
    }
}
