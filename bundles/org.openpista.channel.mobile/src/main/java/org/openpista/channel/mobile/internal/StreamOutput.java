package org.openpista.channel.mobile.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.common.EncryptionLevel;
import tech.kwik.core.impl.QuicConnectionImpl;
import tech.kwik.core.stream.FlowControlUpdateListener;

/**
 * The output of a QUIC stream, with a work-around for a lost wake-up in kwik 0.10.8. Its stream
 * output counts the send requests it queued with a plain get-then-increment; when the sender thread
 * runs a request between the writer's queueing and its increment, the count passes through -1, the
 * sender does not queue the next request, and the rest of the data stays in the send buffer until
 * something queues one again. A writer waiting for room in the full buffer (51,200 bytes: any frame
 * longer than that) then waits forever, and a shorter frame is only sent with the next write. On
 * loopback this happened in one large frame of ten or so.
 *
 * <p>The nudge is the call kwik itself makes when flow control lets a stream send again: it queues a
 * request if none is counted, and does nothing else; then the connection's sender is woken, which
 * otherwise looks at its queue again only after up to five seconds. It is made every {@value #WHILE_BLOCKED_MS} ms
 * while a write blocks, and a few times after each write and the close (a nudge can itself meet the
 * race; the next one then sends).
 */
final class StreamOutput extends OutputStream {

    /** How often a blocked write is nudged. */
    static final long WHILE_BLOCKED_MS = 20;
    /** When, after a write or the close, the stream is nudged. */
    private static final long[] AFTER_MS = {5, 25, 100, 400, 1_500};

    private final QuicConnection quic;
    private final QuicStream stream;
    private final OutputStream out;
    private final ScheduledExecutorService timer;

    StreamOutput(QuicConnection quic, QuicStream stream, ScheduledExecutorService timer) {
        this.quic = quic;
        this.stream = stream;
        this.out = stream.getOutputStream();
        this.timer = timer;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        Future<?> whileBlocked = schedule(() -> timer.scheduleWithFixedDelay(this::nudge, WHILE_BLOCKED_MS, WHILE_BLOCKED_MS,
                TimeUnit.MILLISECONDS));
        try {
            out.write(bytes, offset, length);
        } finally {
            if (whileBlocked != null) {
                whileBlocked.cancel(false);
            }
        }
        nudgeLater();
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
        nudgeLater();
    }

    private void nudgeLater() {
        for (long delay : AFTER_MS) {
            schedule(() -> timer.schedule(this::nudge, delay, TimeUnit.MILLISECONDS));
        }
    }

    private void nudge() {
        if (out instanceof FlowControlUpdateListener sender) {
            try {
                sender.streamNotBlocked(stream.getStreamId());
                if (quic instanceof QuicConnectionImpl connection) {
                    // a frame that is never there: the call only wakes the sender up
                    connection.send(room -> null, 1, EncryptionLevel.App, lost -> {}, true);
                }
            } catch (RuntimeException e) {
                // the connection is gone: nothing is left to send
            }
        }
    }

    /** @return the scheduled task, or {@code null} once the timer stopped (the connection is closing) */
    private static Future<?> schedule(java.util.function.Supplier<Future<?>> task) {
        try {
            return task.get();
        } catch (RejectedExecutionException e) {
            return null;
        }
    }
}
