package org.openpista.api.tool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.chat.ToolCall;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Asks the owner of a turn about something a running tool needs, through the channel's approval UI
 * (the same question a tool call gets: allow, deny, allow for this session). A tool that speaks for
 * a third party (an MCP server asking the user to confirm, say) asks here instead of deciding on its
 * own. Provided by the runtime in every {@link ToolContext}.
 */
@ProviderType
@FunctionalInterface
public interface OwnerQuestions {

    /**
     * @param question what the owner is shown: a name such as {@code mcp.files.elicitation} and
     *     arguments as the text of a JSON object
     * @return the owner's decision; completes exceptionally when the channel cannot ask (which the
     *     tool must treat as a refusal)
     */
    CompletionStage<ApprovalDecision> ask(ToolCall question);

    /** @return questions that are always refused, for contexts without an owner to ask */
    static OwnerQuestions none() {
        return question -> CompletableFuture.failedFuture(
                new UnsupportedOperationException("nobody can be asked here"));
    }
}
