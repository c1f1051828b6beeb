package org.openpista.cron.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's one thread: it wakes when the earliest job is due, and at least once a minute so
 * that a changed system clock is noticed. Each wake-up replaces the previous one.
 */
final class WakeUpTimer {

    private static final Logger LOG = LoggerFactory.getLogger(WakeUpTimer.class);
    /** The timer wakes at least this often, so a changed system clock is noticed. */
    static final Duration MAX_SLEEP = Duration.ofSeconds(60);

    private final Clock clock;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "openpista-cron");
        thread.setDaemon(true);
        return thread;
    });
    private ScheduledFuture<?> wakeUp;

    WakeUpTimer(Clock clock) {
        this.clock = clock;
    }

    /**
     * Wakes {@code tick} with the time then, at {@code due} or after {@link #MAX_SLEEP}, whichever
     * comes first; the caller holds the scheduler's lock.
     *
     * @param due the earliest next run; {@code null} when no job has one
     * @param failed called when {@code tick} failed, to wake it again
     */
    void wakeAt(Instant due, Consumer<Instant> tick, Runnable failed) {
        if (wakeUp != null) {
            wakeUp.cancel(false);
        }
        Instant now = clock.instant();
        Instant earliest = now.plus(MAX_SLEEP);
        if (due != null && due.isBefore(earliest)) {
            earliest = due;
        }
        long delay = Math.max(0, Duration.between(now, earliest).toMillis());
        wakeUp = executor.schedule(() -> {
            try {
                tick.accept(clock.instant());
            } catch (RuntimeException e) {
                LOG.error("The cron timer failed", e);
                failed.run();
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    void close() {
        executor.shutdownNow();
    }
}
