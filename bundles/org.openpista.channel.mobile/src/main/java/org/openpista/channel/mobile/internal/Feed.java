package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.BooleanSupplier;

/**
 * The frames waiting to be written on one stream: a turn's output (or a subscription's pushes) is
 * queued here by the agent's threads, which never block on the network, and written by the thread
 * that serves the stream. A device that stops reading is cut off once {@value #MAX_FRAMES} frames
 * wait for it.
 */
final class Feed {

    static final int MAX_FRAMES = 2_000;

    /** Writes one frame to the stream. */
    interface Writer {
        void write(ObjectNode frame) throws IOException;
    }

    private final boolean streaming;
    private final ArrayDeque<ObjectNode> queue = new ArrayDeque<>();
    private boolean done;

    /** @param streaming whether the device asked for the extensions (deltas, progress, approvals) */
    Feed(boolean streaming) {
        this.streaming = streaming;
    }

    boolean streaming() {
        return streaming;
    }

    /** Queues an extension frame, for a streaming device only. */
    synchronized void push(ObjectNode frame) {
        if (!streaming || done) {
            return;
        }
        if (queue.size() >= MAX_FRAMES) {
            done = true;
            queue.clear();
        } else {
            queue.add(frame);
        }
        notifyAll();
    }

    /** Queues the last frame: every device gets it, then the feed ends. */
    synchronized void finish(ObjectNode frame) {
        if (!done) {
            queue.add(frame);
            done = true;
            notifyAll();
        }
    }

    /** Ends the feed without a last frame (the device went away). */
    synchronized void close() {
        done = true;
        notifyAll();
    }

    synchronized boolean done() {
        return done;
    }

    /**
     * Writes the frames as they come until the feed ends.
     *
     * @param alive whether the stream's connection is still open; checked every second
     * @throws IOException when writing fails (the device reset the stream or went away)
     */
    void drainTo(Writer writer, BooleanSupplier alive) throws IOException, InterruptedException {
        while (true) {
            ObjectNode next;
            synchronized (this) {
                while (queue.isEmpty() && !done) {
                    wait(1_000);
                    if (queue.isEmpty() && !done && !alive.getAsBoolean()) {
                        done = true;
                    }
                }
                if (queue.isEmpty()) {
                    return;
                }
                next = queue.poll();
            }
            writer.write(next);
        }
    }
}
