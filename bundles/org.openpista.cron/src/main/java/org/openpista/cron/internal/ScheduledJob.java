package org.openpista.cron.internal;

import java.time.Instant;
import java.time.ZonedDateTime;
import org.openpista.api.cron.CronJob;
import org.openpista.api.cron.CronJobSpec;

/**
 * One job of the scheduler's table and what happened to it so far. A schedule that does not parse
 * leaves the job in the table, never running, with the reason as its outcome, so the shell shows
 * it. Mutable state is guarded by the scheduler's lock.
 */
final class ScheduledJob {

    final String id;
    final CronJobSpec spec;
    final boolean fromConfig;
    /** {@code null} when the schedule is invalid. */
    final CronExpression expression;
    /** Why the job never runs; {@code null} when it does. */
    final String problem;
    ZonedDateTime nextRun;
    Instant lastRun;
    String lastOutcome;
    boolean running;
    long missed;
    long skipped;

    ScheduledJob(String id, CronJobSpec spec, boolean fromConfig) {
        this.id = id;
        this.spec = spec;
        this.fromConfig = fromConfig;
        CronExpression parsed = null;
        String error = null;
        try {
            parsed = CronExpression.parse(spec.schedule());
        } catch (IllegalArgumentException e) {
            error = "invalid schedule: " + e.getMessage();
        }
        this.expression = parsed;
        this.problem = error;
        this.lastOutcome = error == null ? "" : error;
    }

    /** Takes over what happened to the same job before the table was rebuilt. */
    void continueFrom(ScheduledJob old) {
        lastRun = old.lastRun;
        lastOutcome = old.lastOutcome.isEmpty() ? lastOutcome : old.lastOutcome;
        running = old.running;
        missed = old.missed;
        skipped = old.skipped;
    }

    /** @return whether the job is due at {@code now} */
    boolean isDue(Instant now) {
        return nextRun != null && !nextRun.toInstant().isAfter(now);
    }

    CronJob view() {
        return new CronJob(id, spec, fromConfig, nextRun == null ? null : nextRun.toInstant(), lastRun, lastOutcome,
                running, missed, skipped);
    }
}
