package org.openpista.channel.web.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connects one Jetty WebSocket session to its {@link Connection} in the {@link ChatHub}. */
// public: Jetty calls the listener methods through method handles, which need a public class
public final class JettySocket implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(JettySocket.class);

    private final ChatHub hub;
    private final Connection connection;
    private final Flushes flushes;

    JettySocket(ChatHub hub, Connection connection, Flushes flushes) {
        this.hub = hub;
        this.connection = connection;
        this.flushes = flushes;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        connection.attach(new JettyPeer(session, flushes));
        hub.opened(connection);
    }

    @Override
    public void onWebSocketText(String message) {
        hub.received(connection, message);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        hub.receivedBinary(connection);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        hub.closed(connection);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        LOG.debug("Web socket of {} failed", connection, cause);
    }

    /**
     * Jetty's session as the hub's {@link Peer}. A frame sent soon goes into Jetty's batch buffer
     * (its WebSocket API has no batching of its own, its core session has), written with the next
     * frame sent at once or by the {@link Flushes} thread.
     */
    private static final class JettyPeer implements Peer {

        private final Session session;
        /** {@code null} when Jetty's session is not its usual one: then every frame is written at once. */
        private final CoreSession core;
        private final Flushes flushes;
        /** Whether frames wait in the batch buffer with a flush due for them. */
        private final AtomicBoolean held = new AtomicBoolean();
        private final Runnable flush = this::flush;

        JettyPeer(Session session, Flushes flushes) {
            this.session = session;
            this.core = session instanceof WebSocketSession jetty ? jetty.getCoreSession() : null;
            this.flushes = flushes;
        }

        @Override
        public void sendText(String text, Runnable written, Consumer<Throwable> failed) {
            // cleared first: a frame held back after this one was sent gets a flush of its own
            held.set(false);
            session.sendText(text, Callback.from(written, failed));
        }

        @Override
        public void sendTextSoon(String text, Runnable written, Consumer<Throwable> failed) {
            if (core == null) {
                sendText(text, written, failed);
                return;
            }
            core.sendFrame(new Frame(OpCode.TEXT).setPayload(text), org.eclipse.jetty.util.Callback.from(written, failed),
                    true);
            if (held.compareAndSet(false, true)) {
                flushes.later(flush);
            }
        }

        private void flush() {
            if (held.getAndSet(false)) {
                core.flush(org.eclipse.jetty.util.Callback.NOOP);
            }
        }

        @Override
        public void close(int code, String reason) {
            session.close(code, reason, Callback.NOOP);
        }

        @Override
        public void maxTextMessageSize(long bytes) {
            session.setMaxTextMessageSize(bytes);
        }
    }
}
