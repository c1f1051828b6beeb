package org.openpista.api.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.Usage;

class UsageSummaryTest {

    static final Instant SINCE = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theCacheHitRateIsTheShareOfPromptTokensReadFromTheCache() {
        UsageSummary summary = new UsageSummary(SINCE, null, 2, 1, new Usage(400, 50, 100, 0), 0.01, List.of());

        assertThat(summary.cacheHitRate()).isEqualTo(0.25);
        assertThat(summary.fullyPriced()).isTrue();
    }

    @Test
    void nothingRequestedHasNoCacheHitsAndAMissingUsageIsZero() {
        UsageSummary summary = new UsageSummary(SINCE, "web:1", 0, 0, null, 0, null);

        assertThat(summary.usage()).isEqualTo(Usage.NONE);
        assertThat(summary.cacheHitRate()).isZero();
        assertThat(summary.unpricedModels()).isEmpty();
    }

    @Test
    void aModelWithoutPriceMakesTheCostIncomplete() {
        UsageSummary summary = new UsageSummary(SINCE, null, 1, 1, new Usage(10, 10), 0, List.of("local-llm"));

        assertThat(summary.fullyPriced()).isFalse();
    }
}
