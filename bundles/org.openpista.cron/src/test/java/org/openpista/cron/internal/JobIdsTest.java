package org.openpista.cron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.openpista.api.cron.CronJobSpec;

class JobIdsTest {

    static final CronJobSpec DAILY = new CronJobSpec("@daily", "report", "", "", "");

    @Test
    void theSameJobGetsTheSameIdEveryTime() {
        String id = JobIds.uniqueId(Set.of(), DAILY);

        assertThat(id).matches("[0-9a-f]{8}");
        assertThat(JobIds.uniqueId(Set.of(), new CronJobSpec("@daily", "report", "", "", ""))).isEqualTo(id);
    }

    @Test
    void everyPartOfTheJobCountsForItsId() {
        String id = JobIds.uniqueId(Set.of(), DAILY);

        assertThat(Set.of(JobIds.uniqueId(Set.of(), new CronJobSpec("@hourly", "report", "", "", "")),
                JobIds.uniqueId(Set.of(), new CronJobSpec("@daily", "other", "", "", "")),
                JobIds.uniqueId(Set.of(), new CronJobSpec("@daily", "report", "ops", "", "")),
                JobIds.uniqueId(Set.of(), new CronJobSpec("@daily", "report", "", "telegram", "1")),
                JobIds.uniqueId(Set.of(), new CronJobSpec("@daily", "report", "", "telegram", "2")))).hasSize(5)
                .doesNotContain(id);
    }

    @Test
    void anIdenticalSecondJobGetsANumberedId() {
        String id = JobIds.uniqueId(Set.of(), DAILY);

        assertThat(JobIds.uniqueId(Set.of(id), DAILY)).isEqualTo(id + "-2");
        assertThat(JobIds.uniqueId(Set.of(id, id + "-2"), DAILY)).isEqualTo(id + "-3");
    }
}
