package org.openpista.cron.internal;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The runs of a job that fell between the last time it was due and now, that is into a time the
 * daemon was down. They are counted to be reported, never replayed.
 *
 * @param count how many runs were missed (at most {@value #LIMIT})
 * @param first when the first of them was due; {@code null} when none was missed
 */
record MissedRuns(long count, Instant first) {

    /** Counting stops here: a per-second job down for years needs no exact figure. */
    static final long LIMIT = 100_000;

    /**
     * @param from the last time the job was due, or when it was first seen
     * @return the runs due after {@code from} up to and including {@code now}
     */
    static MissedRuns between(CronExpression expression, Instant from, Instant now, ZoneId zone) {
        long missed = 0;
        Instant first = null;
        ZonedDateTime time = expression.next(ZonedDateTime.ofInstant(from, zone));
        while (time != null && !time.toInstant().isAfter(now) && missed < LIMIT) {
            if (first == null) {
                first = time.toInstant();
            }
            missed++;
            time = expression.next(time);
        }
        return new MissedRuns(missed, first);
    }
}
