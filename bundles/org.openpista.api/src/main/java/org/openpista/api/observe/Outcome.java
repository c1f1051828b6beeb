package org.openpista.api.observe;

import java.util.Locale;

/** How a turn, a model request or a tool call ended. */
public enum Outcome {
    /** It did what was asked: an answer, a tool result. */
    OK,
    /** It failed: the provider's error, a tool's error result, a turn that ended with an error. */
    ERROR,
    /** The turn was cancelled (the user's {@code /stop}, a shutdown) before it ended. */
    CANCELLED,
    /** A tool call that did not run because the approval policy or the owner refused it. */
    DENIED,
    /** A turn stopped at {@code [agent] max_tool_rounds} without a final answer. */
    LIMIT;

    /** @return the lower-case name, for labels and attributes ({@code ok}, {@code error}, ...) */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
