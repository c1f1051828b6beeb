package org.openpista.tool.support;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openpista.api.chat.Cancellation;

/**
 * Stops a piece of work (closes its connection, kills its process) once, when the turn is cancelled
 * or when its time is up, whichever comes first. The timer is the JDK's shared delayed executor:
 * nothing is started for a tool that is never called.
 */
public final class Watchdog implements AutoCloseable {

    private final AtomicReference<String> reason = new AtomicReference<>();
    private final Runnable stop;
    private final Cancellation.Registration registration;
    private final CompletableFuture<Void> timer;

    /**
     * @param cancellation the turn's signal
     * @param timeout how long the work may take
     * @param stop what ends the work; run at most once, on another thread
     */
    public Watchdog(Cancellation cancellation, Duration timeout, Runnable stop) {
        this.stop = stop;
        this.timer = CompletableFuture.runAsync(() -> fire("timed out after " + seconds(timeout)),
                CompletableFuture.delayedExecutor(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS));
        this.registration = cancellation.onCancel(() -> fire("the turn was cancelled"));
    }

    /** @return the time a call may take: its own limit, or less when the turn's deadline is nearer */
    public static Duration limit(Duration own, Instant deadline) {
        if (deadline == null) {
            return own;
        }
        Duration left = Duration.between(Instant.now(), deadline);
        return left.compareTo(own) < 0 ? (left.isNegative() ? Duration.ZERO : left) : own;
    }

    /** @return why the work was stopped, or {@code null} when it was not */
    public String reason() {
        return reason.get();
    }

    private void fire(String why) {
        if (reason.compareAndSet(null, why)) {
            stop.run();
        }
    }

    @Override
    public void close() {
        timer.cancel(false);
        registration.close();
    }

    /** @return a duration as a person reads it: {@code 5 s}, {@code 2.5 s} */
    public static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
    }
}
