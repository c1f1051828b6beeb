package org.openpista.api.llm;

/**
 * Token counts reported by the provider for one request.
 *
 * @param inputTokens tokens of the prompt
 * @param outputTokens tokens of the answer
 */
public record Usage(long inputTokens, long outputTokens) {
    /** No counts reported. */
    public static final Usage NONE = new Usage(0, 0);
}
