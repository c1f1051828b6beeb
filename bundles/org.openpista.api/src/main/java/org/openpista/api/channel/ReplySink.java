package org.openpista.api.channel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Where a turn's output goes: the channel that submitted the message implements it. Methods are
 * called from the turn's thread; implementations must not block for long, except {@link
 * #requestApproval(ApprovalRequest)} whose answer the turn waits for.
 */
@ConsumerType
public interface ReplySink {

    /**
     * The final answer of the turn, or the error that ended it. Called exactly once per turn.
     *
     * @param reply the answer
     */
    void reply(AgentReply reply);

    /**
     * A piece of the answer while the model streams it. The final {@link #reply(AgentReply)} still
     * carries the whole text.
     *
     * @param sessionId the session of the turn
     * @param delta the new text
     */
    default void textDelta(String sessionId, String delta) {}

    /**
     * Progress of the turn, for channels that show it.
     *
     * @param event what happened
     */
    default void progress(ProgressEvent event) {}

    /**
     * Asks the owner whether an exact tool call may run. Channels that cannot ask keep this default,
     * which refuses.
     *
     * @param request the call
     * @return the owner's decision; completing exceptionally counts as a refusal
     */
    default CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
        return CompletableFuture.failedFuture(
                new UnsupportedOperationException("this channel cannot ask for approval"));
    }
}
