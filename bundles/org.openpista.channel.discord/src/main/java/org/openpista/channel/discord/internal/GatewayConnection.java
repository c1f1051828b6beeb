package org.openpista.channel.discord.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.openpista.channel.support.Problems;
import org.openpista.channel.support.WebSocketText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket connection of a {@link GatewaySession}: it puts the gateway's messages together
 * from their frames (up to a limit, a larger one skipped), hands each to the session as JSON, beats
 * the heart (the first beat jittered; a beat whose ACK has not come by the next one loses the
 * connection) and sends payloads one after another, as a WebSocket takes them. What to send and
 * what a payload means is the session's.
 */
final class GatewayConnection implements WebSocket.Listener {

    /** What a connection tells its session, on the HttpClient's threads (heartbeats on the timer). */
    interface Session {
        /** @return whether the session still wants this connection; one it does not want is dropped as it opens */
        boolean wants(GatewayConnection connection);

        /** A whole message, parsed. */
        void payload(GatewayConnection from, JsonNode payload);

        /** The gateway closed the connection. */
        void closed(GatewayConnection from, int code, String reason);

        /** The connection failed, or a heartbeat was not acknowledged: it is to be resumed. */
        void lost(GatewayConnection from, String why);

        /** @return the heartbeat to send now (op 1 with the last sequence number) */
        JsonNode heartbeat();
    }

    // the session's logger: the lines are the session's as they were before this class was split off
    private static final Logger LOG = LoggerFactory.getLogger(GatewaySession.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Session session;
    private final ScheduledExecutorService timer;
    private final WebSocketText text;
    private volatile WebSocket socket;
    private volatile boolean acked = true;
    // guarded by this
    private ScheduledFuture<?> heartbeat;
    private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

    /** @param maxFrame the largest message read, in characters; a larger one is skipped */
    GatewayConnection(Session session, ScheduledExecutorService timer, int maxFrame) {
        this.session = session;
        this.timer = timer;
        this.text = new WebSocketText(maxFrame, length -> LOG.warn(
                "Discord gateway sent a message of {} characters, more than the {} read; skipped", length, maxFrame));
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        if (!session.wants(this)) {
            // closed or given up while it opened: whoever gave it up saw no socket yet
            webSocket.abort();
            return;
        }
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        String message = text.add(data, last);
        if (message != null) {
            handle(message);
        }
        webSocket.request(1);
        return null;
    }

    private void handle(String frame) {
        try {
            session.payload(this, JSON.readTree(frame));
        } catch (IOException e) {
            LOG.warn("Discord gateway sent what is not JSON: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Discord gateway event failed: {}", message(e), e);
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        session.closed(this, statusCode, reason == null ? "" : reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        session.lost(this, message(error));
    }

    /** The gateway acknowledged the last heartbeat (op 11). */
    void acked() {
        acked = true;
    }

    /** Beats every {@code interval} ms, the first beat after a random part of it. */
    synchronized void startHeartbeat(long interval) {
        stopHeartbeat();
        acked = true;
        long first = (long) (interval * ThreadLocalRandom.current().nextDouble());
        try {
            heartbeat = timer.scheduleAtFixedRate(this::beat, first, interval, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the channel stops
        }
    }

    synchronized void stopHeartbeat() {
        if (heartbeat != null) {
            heartbeat.cancel(false);
            heartbeat = null;
        }
    }

    private void beat() {
        if (!acked) {
            session.lost(this, "no heartbeat ACK");
            return;
        }
        acked = false;
        send(session.heartbeat());
    }

    /** Sends a payload after the ones before it (a WebSocket takes one send at a time). */
    synchronized void send(JsonNode payload) {
        WebSocket target = socket;
        if (target == null) {
            return;
        }
        String frame = payload.toString();
        sending = sending.handle((done, error) -> null).thenCompose(ignored -> target.sendText(frame, true))
                .exceptionally(error -> {
                    session.lost(this, "cannot send: " + message(error));
                    return null;
                });
    }

    /** Stops the heartbeat and drops the connection at once. */
    void abort() {
        stopHeartbeat();
        WebSocket current = socket;
        if (current != null) {
            current.abort();
        }
    }

    /** Stops the heartbeat, says goodbye (1000, waiting up to 2 s), then drops the connection. */
    void close() {
        stopHeartbeat();
        // null while the connection opens: it is dropped when it opens (onOpen)
        WebSocket current = socket;
        if (current != null) {
            try {
                current.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // dropped below either way
            }
            current.abort();
        }
    }

    /** @return the message of an error, of its cause for a CompletionException, else its class */
    static String message(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return Problems.describe(cause);
    }
}
