package org.openpista.channel.support;

import java.time.Duration;

/**
 * Counts the turns handed to the agent whose answer has not been sent yet, so that stopping the
 * channel can wait for them: the daemon stops channels before the agent core, and the core lets
 * running turns finish; their answers must still find a way to the chat service (Slack, Discord,
 * Telegram).
 */
public final class InFlight {

    private int count;

    /** A turn was handed over. */
    public synchronized void begin() {
        count++;
    }

    /** A turn's answer was sent (or given up). */
    public synchronized void end() {
        count--;
        notifyAll();
    }

    /** @return how many answers are outstanding */
    public synchronized int count() {
        return count;
    }

    /** @return whether none is outstanding any more within the time */
    public synchronized boolean awaitNone(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (count > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }
}
