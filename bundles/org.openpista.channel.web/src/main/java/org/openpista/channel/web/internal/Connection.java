package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One browser tab (or other client) connected over WebSocket: who it is, which session it shows,
 * and its outgoing frames. A client that stops reading is disconnected once too much is waiting
 * for it, so it cannot make the server hold unbounded memory.
 */
final class Connection {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** Frames or bytes waiting to be written beyond which a client counts as stuck. */
    static final int MAX_PENDING_FRAMES = 2_000;
    static final long MAX_PENDING_BYTES = 32L * 1024 * 1024;

    private static final AtomicLong IDS = new AtomicLong();

    private final long id = IDS.incrementAndGet();
    private final String clientId;
    private final String conversationKey;
    private final String address;
    private final AtomicInteger pendingFrames = new AtomicInteger();
    private final AtomicLong pendingBytes = new AtomicLong();
    private volatile Peer peer;
    private volatile String sessionId;
    private volatile boolean authenticated;
    private volatile boolean closed;

    Connection(String clientId, String conversationKey, String sessionId, String address) {
        this.clientId = clientId;
        this.conversationKey = conversationKey;
        this.sessionId = sessionId;
        this.address = address;
    }

    void attach(Peer socket) {
        this.peer = socket;
    }

    String clientId() {
        return clientId;
    }

    String conversationKey() {
        return conversationKey;
    }

    /** @return the session this connection shows and sends messages to */
    String sessionId() {
        return sessionId;
    }

    void bind(String session) {
        this.sessionId = session;
    }

    String address() {
        return address;
    }

    boolean authenticated() {
        return authenticated;
    }

    /** Marks the connection authenticated and lifts its frame limit to the configured one. */
    void authenticate(long maxFrameBytes) {
        authenticated = true;
        Peer socket = peer;
        if (socket != null) {
            socket.maxTextMessageSize(maxFrameBytes);
        }
    }

    boolean isOpen() {
        return !closed && peer != null;
    }

    void send(JsonNode frame) {
        send(Frames.text(frame));
    }

    void send(String text) {
        send(text, false);
    }

    /** Sends a frame of a turn's stream: it may wait a moment for the frames after it ({@link Peer#sendTextSoon}). */
    void stream(JsonNode frame) {
        stream(Frames.text(frame));
    }

    void stream(String text) {
        send(text, true);
    }

    private void send(String text, boolean soon) {
        Peer socket = peer;
        if (closed || socket == null) {
            return;
        }
        int frames = pendingFrames.incrementAndGet();
        long bytes = pendingBytes.addAndGet(text.length());
        if (frames > MAX_PENDING_FRAMES || bytes > MAX_PENDING_BYTES) {
            pendingFrames.decrementAndGet();
            pendingBytes.addAndGet(-text.length());
            LOG.warn("Web client {} from {} does not read its frames; disconnecting it", clientId, address);
            close(1008, "too many frames waiting; reconnect");
            return;
        }
        Runnable written = () -> written(text);
        Consumer<Throwable> failed = failure -> {
            written(text);
            LOG.debug("Sending to web client {} failed", clientId, failure);
        };
        if (soon) {
            socket.sendTextSoon(text, written, failed);
        } else {
            socket.sendText(text, written, failed);
        }
    }

    private void written(String text) {
        pendingFrames.decrementAndGet();
        pendingBytes.addAndGet(-text.length());
    }

    void close(int code, String reason) {
        if (closed) {
            return;
        }
        closed = true;
        Peer socket = peer;
        if (socket != null) {
            socket.close(code, reason);
        }
    }

    /** The socket is gone (closed by either side). */
    void closed() {
        closed = true;
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", client " + clientId + ", session " + sessionId + ", from " + address + "]";
    }
}
