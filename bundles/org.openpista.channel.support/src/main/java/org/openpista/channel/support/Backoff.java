package org.openpista.channel.support;

import java.time.Duration;

/**
 * Exponential backoff with a cap: 0.5 s, 1 s, 2 s, … up to the cap, then the cap forever: a channel
 * that gives up reconnecting after a long outage is one that silently stops answering.
 * Thread-safe.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;
    private long next;

    /**
     * @param initial the first wait
     * @param max the longest wait
     */
    public Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.next = initialMillis;
    }

    /** @return the next wait, doubling up to the cap */
    public synchronized long nextMillis() {
        long wait = next;
        next = Math.min(maxMillis, next * 2);
        return wait;
    }

    /** Starts again from the initial wait (after a success). */
    public synchronized void reset() {
        next = initialMillis;
    }
}
