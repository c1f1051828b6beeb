package org.openpista.channel.web.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the frames that sockets hold back (a turn's acknowledgement and streamed deltas) at most
 * {@link #DELAY} after the first of them, unless a frame that is written at once (the answer) took
 * them along before: a turn's burst of frames is one write instead of one each (each write on a
 * socket is a system call, and on loopback the receiver's side too). One thread for every socket,
 * started at the first frame held back; it wakes once per delay while frames are held back.
 */
final class Flushes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Flushes.class);
    /** Below what a reader notices; a model's tokens come every 10-50 ms anyway. */
    static final Duration DELAY = Duration.ofMillis(20);

    private final LinkedBlockingQueue<Runnable> due = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    // guarded by lock
    private Thread thread;
    private boolean closed;

    /** Runs {@code flush} within {@link #DELAY}. */
    void later(Runnable flush) {
        due.add(flush);
        synchronized (lock) {
            if (thread == null && !closed) {
                thread = new Thread(this::run, "openpista-web-flush");
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    private void run() {
        List<Runnable> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(due.take());
                Thread.sleep(DELAY.toMillis());
                due.drainTo(batch);
                for (Runnable flush : batch) {
                    try {
                        flush.run();
                    } catch (RuntimeException e) {
                        LOG.debug("Flushing a web socket failed", e);
                    }
                }
                batch.clear();
            }
        } catch (InterruptedException stopped) {
            // closed: the sockets close too
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            if (thread != null) {
                thread.interrupt();
            }
        }
    }
}
