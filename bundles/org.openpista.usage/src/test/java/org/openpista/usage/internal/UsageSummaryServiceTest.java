package org.openpista.usage.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.llm.Usage;
import org.openpista.api.memory.UsageRecord;
import org.openpista.api.usage.UsageSummary;

class UsageSummaryServiceTest {

    static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

    final UsageCommandTest.ListLedger ledger = new UsageCommandTest.ListLedger();
    final UsageSummaryService service = new UsageSummaryService(ledger,
            new PriceTable(Map.of("local-llm", new Price(1, 2, 0, 0))));

    @Test
    void theSummaryIsTheTotalOfTheUsageTableWithCostAndCacheHitRate() {
        ledger.record(new UsageRecord(NOW.minusSeconds(50), "t1", "s1", "web", "openai", "gpt-4o",
                new Usage(1_000_000, 100_000, 750_000, 0)));
        ledger.record(new UsageRecord(NOW.minusSeconds(40), "t1", "s1", "web", "openai", "gpt-4o",
                new Usage(1_000_000, 0, 250_000, 0)));
        ledger.record(new UsageRecord(NOW.minusSeconds(30), "t2", "s2", "cli", "local", "local-llm",
                new Usage(1_000_000, 1_000_000)));
        ledger.record(new UsageRecord(NOW.minusSeconds(86400), "old", "s1", "web", "openai", "gpt-4o",
                new Usage(99, 99)));

        UsageSummary all = service.summary(NOW.minusSeconds(3600), null);

        assertThat(all.requests()).isEqualTo(3);
        assertThat(all.turns()).isEqualTo(2);
        assertThat(all.usage()).isEqualTo(new Usage(3_000_000, 1_100_000, 1_000_000, 0));
        // gpt-4o: 1M uncached at 2.50 + 1M cached at 1.25 + 0.1M out at 10 = 4.75; local-llm: 1 + 2 = 3
        assertThat(all.costUsd()).isCloseTo(7.75, within(1e-9));
        assertThat(all.cacheHitRate()).isCloseTo(1.0 / 3, within(1e-9));
        assertThat(all.fullyPriced()).isTrue();
        assertThat(all.sessionId()).isNull();
    }

    @Test
    void oneSessionCountsOnlyItsRequestsAndUnpricedModelsAreNamed() {
        ledger.record(new UsageRecord(NOW.minusSeconds(50), "t1", "s1", "web", "openai", "mystery-model",
                new Usage(1000, 200, 0, 0)));
        ledger.record(new UsageRecord(NOW.minusSeconds(40), "t2", "s2", "web", "openai", "gpt-4o",
                new Usage(1_000_000, 0)));

        UsageSummary one = service.summary(NOW.minusSeconds(3600), "s1");

        assertThat(one.sessionId()).isEqualTo("s1");
        assertThat(one.requests()).isEqualTo(1);
        assertThat(one.usage()).isEqualTo(new Usage(1000, 200, 0, 0));
        assertThat(one.costUsd()).isZero();
        assertThat(one.unpricedModels()).containsExactly("mystery-model");
        assertThat(one.fullyPriced()).isFalse();
    }

    @Test
    void nothingRequestedIsAllZero() {
        UsageSummary none = service.summary(NOW.minusSeconds(3600), null);

        assertThat(none.requests()).isZero();
        assertThat(none.usage()).isEqualTo(Usage.NONE);
        assertThat(none.cacheHitRate()).isZero();
    }
}
