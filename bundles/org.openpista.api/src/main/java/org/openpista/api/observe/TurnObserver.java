package org.openpista.api.observe;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears what the agent does, as it happens: register it as a service (a whiteboard; no property is
 * needed) and the agent core calls it for every turn of this process.
 *
 * <p>Every method is called synchronously on the thread that runs the turn, in order: {@link
 * #turnStarted} first, {@link #turnEnded} last, both on the same thread (so a thread-local context
 * such as SLF4J's MDC set in one is seen by everything the turn logs and cleared in the other).
 * Implementations must return quickly and never block: whatever they do adds to the turn's time. An
 * exception thrown by an observer is logged and ignored; it never changes the turn.
 *
 * <p>The events carry the request and answer objects themselves (prompt text, tool arguments and
 * results): an observer that exports anything must leave such content out unless its owner asked
 * for it, and must use only bounded values ({@link Outcome#label()}, tool, provider and model
 * names, channel ids) as metric labels, never session ids or text.
 */
@ConsumerType
public interface TurnObserver {

    /**
     * A turn starts: its message is the last of its session and the model is about to be asked.
     *
     * @param turn the turn
     */
    default void turnStarted(TurnInfo turn) {}

    /**
     * One request to the model ended, answered or failed.
     *
     * @param turn the turn it belongs to
     * @param request what was asked, how long it took and how it ended
     */
    default void llmRequest(TurnInfo turn, LlmRequestEvent request) {}

    /**
     * One tool call ended: it ran, failed, or was refused or cancelled before it ran.
     *
     * @param turn the turn it belongs to
     * @param call the call and how it ended
     */
    default void toolCall(TurnInfo turn, ToolCallEvent call) {}

    /**
     * The approval policy decided about a tool call (before {@link #toolCall} reports the call).
     *
     * @param approval the decision
     */
    default void approval(ApprovalEvent approval) {}

    /**
     * The turn ended; its reply goes to the channel next.
     *
     * @param turn the turn
     * @param end how it ended
     */
    default void turnEnded(TurnInfo turn, TurnEndEvent end) {}
}
