package org.openpista.api.llm;

/**
 * Token counts reported by the provider for one request.
 *
 * <p>{@code inputTokens} counts the whole prompt, the cached part included (Chat Completions'
 * {@code prompt_tokens}); {@code cacheReadTokens} and {@code cacheWriteTokens} say how much of it
 * was read from the provider's prompt cache or written into it (Anthropic's {@code
 * cache_read_input_tokens} and {@code cache_creation_input_tokens}, OpenAI's {@code cached_tokens}).
 * A provider whose wire format counts them apart from the input adds them to {@code inputTokens}.
 *
 * @param inputTokens tokens of the prompt, cached ones included
 * @param outputTokens tokens of the answer
 * @param cacheReadTokens tokens of the prompt read from the prompt cache
 * @param cacheWriteTokens tokens of the prompt written to the prompt cache
 */
public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
    /** No counts reported. */
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public Usage {
        inputTokens = Math.max(0, inputTokens);
        outputTokens = Math.max(0, outputTokens);
        cacheReadTokens = Math.max(0, cacheReadTokens);
        cacheWriteTokens = Math.max(0, cacheWriteTokens);
    }

    /**
     * Counts without prompt cache figures.
     *
     * @param inputTokens tokens of the prompt
     * @param outputTokens tokens of the answer
     */
    public Usage(long inputTokens, long outputTokens) {
        this(inputTokens, outputTokens, 0, 0);
    }

    /** @return the sum of both, as when the usage of several requests is added up */
    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheReadTokens + other.cacheReadTokens, cacheWriteTokens + other.cacheWriteTokens);
    }
}
