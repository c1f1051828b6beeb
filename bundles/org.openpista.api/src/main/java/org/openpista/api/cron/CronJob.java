package org.openpista.api.cron;

import java.time.Instant;

/**
 * A scheduled job and its state.
 *
 * @param id a short stable id, derived from the job's content
 * @param spec what the job does
 * @param fromConfig whether it comes from {@code config.toml} (then only editing the file removes
 *     it) rather than from the admin shell
 * @param nextRun when it fires next, or {@code null} when the schedule has no future time
 * @param lastRun when it fired last, or {@code null}
 * @param lastOutcome a one-line outcome of the last run ({@code answered}, the error, a delivery
 *     problem), empty before the first run
 * @param running whether a run is in progress
 * @param missedRuns runs that fell into a time the daemon was down; reported, never replayed
 * @param skippedRuns runs skipped because the previous run was still going
 */
public record CronJob(
        String id,
        CronJobSpec spec,
        boolean fromConfig,
        Instant nextRun,
        Instant lastRun,
        String lastOutcome,
        boolean running,
        long missedRuns,
        long skippedRuns) {

    public CronJob {
        lastOutcome = lastOutcome == null ? "" : lastOutcome;
    }
}
