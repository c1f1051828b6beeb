package org.openpista.channel.slack.internal;

import com.slack.api.socket_mode.queue.SocketModeMessageQueue;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The Socket Mode client's queue of received messages. The SDK's processing thread polls it at a
 * fixed rate of 10 ms, which wakes an idle daemon a hundred times a second (a quarter of a second
 * of CPU a minute with nothing to do); here a poll waits a while for a message instead, so that
 * thread wakes once a second when idle and still takes a message the moment it arrives. The SDK
 * stops the thread by interrupting it: an interrupted poll returns nothing and keeps the interrupt.
 */
final class WaitingMessageQueue implements SocketModeMessageQueue {

    private final LinkedBlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final long waitNanos;

    WaitingMessageQueue() {
        this(Duration.ofSeconds(1));
    }

    WaitingMessageQueue(Duration wait) {
        this.waitNanos = wait.toNanos();
    }

    @Override
    public void add(String message) {
        messages.add(message);
    }

    /** @return the next message, or null when none came within the wait or the thread was interrupted */
    @Override
    public String poll() {
        try {
            return messages.poll(waitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
