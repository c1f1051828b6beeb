package org.openpista.cron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class MissedRunsTest {

    static final Instant T0 = Instant.parse("2026-03-02T12:00:00Z");
    static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void runsDueAfterTheLastOneUpToNowAreCounted() {
        MissedRuns missed = MissedRuns.between(CronExpression.parse("*/10 * * * *"), T0, T0.plusSeconds(3600), UTC);

        assertThat(missed).isEqualTo(new MissedRuns(6, T0.plusSeconds(600)));
    }

    @Test
    void nothingDueInBetweenIsNoMissedRun() {
        MissedRuns missed = MissedRuns.between(CronExpression.parse("0 * * * *"), T0, T0.plusSeconds(3599), UTC);

        assertThat(missed.count()).isZero();
        assertThat(missed.first()).isNull();
    }

    @Test
    void aRunDueExactlyNowIsCountedAsMissed() {
        assertThat(MissedRuns.between(CronExpression.parse("0 * * * *"), T0, T0.plusSeconds(3600), UTC).count()).isOne();
    }

    @Test
    void countingStopsAtTheLimit() {
        MissedRuns missed = MissedRuns.between(CronExpression.parse("* * * * * *"), T0, T0.plusSeconds(365L * 86_400), UTC);

        assertThat(missed.count()).isEqualTo(MissedRuns.LIMIT);
        assertThat(missed.first()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aScheduleThatNeverComesMissesNothing() {
        assertThat(MissedRuns.between(CronExpression.parse("0 0 30 2 *"), T0, T0.plusSeconds(86_400 * 400L), UTC))
                .isEqualTo(new MissedRuns(0, null));
    }
}
