package org.openpista.channel.web.internal;

import static org.openpista.channel.support.FrameFields.describe;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openpista.channel.support.FrameFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames whose answer takes a while (model listings and logins talk to vendors and may take
 * seconds) are handled here, never on a socket thread. A few threads and a bounded queue: a client
 * that asks too much at once gets {@code busy}; failures become {@code error} frames.
 */
final class SlowWork implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlowWork.class);

    private final ExecutorService executor;

    SlowWork() {
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64), runnable -> {
            Thread thread = new Thread(runnable, "openpista-web-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * @param connection where an error goes
     * @param type the frame type being answered, for {@code in_reply_to}
     * @param work the answer
     */
    void run(Connection connection, String type, Runnable work) {
        try {
            executor.execute(() -> {
                try {
                    work.run();
                } catch (FrameFields.BadFrame e) {
                    connection.send(Frames.error("bad_frame", e.getMessage()).put("in_reply_to", type));
                } catch (FrameFields.Unavailable e) {
                    connection.send(Frames.error("unavailable", e.getMessage()).put("in_reply_to", type));
                } catch (RuntimeException e) {
                    LOG.warn("Web frame {} failed", type, e);
                    connection.send(Frames.error("internal", "the server failed to handle " + type + ": " + describe(e))
                            .put("in_reply_to", type));
                }
            });
        } catch (RejectedExecutionException e) {
            connection.send(Frames.error("busy", "the server is busy; try again in a moment").put("in_reply_to", type));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
