package org.openpista.api.approval;

import org.openpista.api.channel.ReplySink;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Decides whether a tool call may run, following the configured policy ({@code [agent] approval}:
 * {@code auto}, {@code ask} or {@code deny}, with per-channel overrides). Under {@code ask} it asks
 * the owner through the channel's {@link ReplySink}; a channel that cannot ask gets a refusal that
 * says why.
 */
@ProviderType
public interface ApprovalService {

    /**
     * @param request the exact call
     * @param sink the channel of the turn, used to ask the owner
     * @return whether the call may run
     * @throws InterruptedException when the turn is cancelled while waiting for the owner
     */
    ApprovalOutcome decide(ApprovalRequest request, ReplySink sink) throws InterruptedException;
}
