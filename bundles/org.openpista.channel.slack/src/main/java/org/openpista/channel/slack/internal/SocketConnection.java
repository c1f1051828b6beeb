package org.openpista.channel.slack.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.channel.support.Problems;
import org.openpista.channel.support.WebSocketText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Socket Mode WebSocket (the JDK's, on the channel's HTTP client): whole text messages go to the
 * {@link Handler}, its end (a close frame, an error, a dropped connection) is reported once, pongs
 * are noted for the keepalive. Sends are queued one after another, as the JDK's WebSocket takes one
 * at a time; Slack's pings are answered by the JDK.
 */
final class SocketConnection implements WebSocket.Listener {

    /** What a connection reports; called on the HTTP client's threads, one call at a time per connection. */
    interface Handler {
        /** A whole text message arrived. */
        void message(SocketConnection from, String text);

        /** The connection ended (once). */
        void ended(SocketConnection which, String why);
    }

    private static final Logger LOG = LoggerFactory.getLogger(SocketConnection.class);
    private static final ByteBuffer PING = ByteBuffer.wrap("openpista".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    /** The largest message taken (in chars): Slack's envelopes are a few KB, a file's contents never come this way. */
    static final int MAX_MESSAGE = 16 * 1024 * 1024;

    private final Handler handler;
    private final WebSocketText text;
    // guarded by this
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
    private long pongs;
    private boolean ended;
    private volatile WebSocket socket;

    private SocketConnection(Handler handler, int maxMessage) {
        this.handler = handler;
        this.text = new WebSocketText(maxMessage,
                length -> LOG.warn("Slack sent a Socket Mode message larger than {} KB; it is skipped", maxMessage / 1024));
    }

    /**
     * Opens a WebSocket.
     *
     * @param maxMessage the largest text message handed over, in chars: a larger one is skipped with
     *     a warning and the connection kept (an envelope not acknowledged comes again, and Slack gives
     *     up on it after a few tries)
     * @throws IOException when it cannot be opened within the timeout
     */
    static SocketConnection open(HttpClient http, URI url, Handler handler, Duration timeout, int maxMessage)
            throws IOException, InterruptedException {
        SocketConnection connection = new SocketConnection(handler, maxMessage);
        CompletableFuture<WebSocket> opening = http.newWebSocketBuilder().connectTimeout(timeout).buildAsync(url, connection);
        try {
            connection.socket = opening.get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            return connection;
        } catch (ExecutionException e) {
            throw new IOException(Problems.describe(e.getCause() == null ? e : e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            opening.cancel(true);
            throw new IOException("no WebSocket after " + timeout.toSeconds() + " s");
        }
    }

    /** Sends a text message after those before it; a failure means the connection is gone, which is reported anyway. */
    void send(String message) {
        enqueue(socket -> socket.sendText(message, true));
    }

    /** @return how many pongs came so far, to compare after a {@link #ping()} */
    synchronized long pongs() {
        return pongs;
    }

    /** Sends a ping. */
    void ping() {
        enqueue(socket -> socket.sendPing(PING.duplicate()));
    }

    /**
     * Waits for a pong after the given count.
     *
     * @return whether one came in time
     */
    synchronized boolean awaitPong(long after, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pongs <= after && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return pongs > after;
    }

    /** Says goodbye with a close frame (waiting a moment for it to go out), then drops the connection. */
    void close() {
        CompletableFuture<?> closing = enqueue(socket -> socket.sendClose(WebSocket.NORMAL_CLOSURE, ""));
        try {
            closing.get(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("No close frame sent to Slack: {}", Problems.describe(e));
        }
        abort();
    }

    /** Drops the connection at once. */
    void abort() {
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
    }

    private synchronized CompletableFuture<?> enqueue(java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> send) {
        WebSocket current = socket;
        sending = sending.handle((done, failed) -> null).thenCompose(ignored -> current == null
                ? CompletableFuture.failedFuture(new IOException("not open")) : send.apply(current));
        sending.whenComplete((done, failed) -> {
            if (failed != null) {
                LOG.debug("Sending to Slack failed: {}", Problems.describe(failed));
            }
        });
        return sending;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        String message = text.add(data, last);
        if (message != null) {
            deliver(message);
        }
        webSocket.request(1);
        return null;
    }

    /** Hands a message over: a failure there is logged and never ends the connection (the JDK would close it). */
    private void deliver(String message) {
        try {
            handler.message(this, message);
        } catch (RuntimeException e) {
            LOG.error("A Socket Mode message from Slack could not be handled; it is skipped", e);
        }
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        synchronized (this) {
            pongs++;
            notifyAll();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        end("closed by Slack (" + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")");
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        end(Problems.describe(error));
    }

    private void end(String why) {
        synchronized (this) {
            if (ended) {
                return;
            }
            ended = true;
            notifyAll();
        }
        handler.ended(this, why);
    }
}
