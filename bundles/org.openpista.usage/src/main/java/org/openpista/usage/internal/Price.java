package org.openpista.usage.internal;

import org.openpista.api.llm.Usage;

/**
 * What a model costs, in US dollars per million tokens.
 *
 * @param input prompt tokens not read from the cache
 * @param output answer tokens
 * @param cacheRead prompt tokens read from the prompt cache
 * @param cacheWrite prompt tokens written to the prompt cache
 */
record Price(double input, double output, double cacheRead, double cacheWrite) {

    private static final double PER_TOKEN = 1_000_000.0;

    /** @return the cost of the counts in dollars; the cached part of the prompt at its own prices */
    double cost(Usage usage) {
        long uncached = Math.max(0, usage.inputTokens() - usage.cacheReadTokens() - usage.cacheWriteTokens());
        return (uncached * input + usage.outputTokens() * output + usage.cacheReadTokens() * cacheRead
                + usage.cacheWriteTokens() * cacheWrite) / PER_TOKEN;
    }
}
