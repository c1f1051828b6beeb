package org.openpista.api.usage;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.openpista.api.llm.Usage;

/**
 * The token usage of a period (and maybe of one session), as {@code openpista usage} sums it.
 *
 * @param since the start of the period
 * @param sessionId the session it is limited to, or {@code null} for all sessions
 * @param requests how many model requests were answered
 * @param turns how many turns they belong to
 * @param usage the summed token counts
 * @param costUsd the cost in US dollars of the requests whose model has a price
 * @param unpricedModels the models without a price whose tokens the cost leaves out, sorted
 */
public record UsageSummary(Instant since, String sessionId, long requests, long turns, Usage usage, double costUsd,
        List<String> unpricedModels) {

    public UsageSummary {
        Objects.requireNonNull(since, "since");
        usage = usage == null ? Usage.NONE : usage;
        unpricedModels = unpricedModels == null ? List.of() : List.copyOf(unpricedModels);
    }

    /** @return the share of prompt tokens read from the prompt cache, from 0 to 1 (0 without prompt tokens) */
    public double cacheHitRate() {
        return usage.inputTokens() == 0 ? 0 : (double) usage.cacheReadTokens() / usage.inputTokens();
    }

    /** @return whether the cost covers every request (every model had a price) */
    public boolean fullyPriced() {
        return unpricedModels.isEmpty();
    }
}
