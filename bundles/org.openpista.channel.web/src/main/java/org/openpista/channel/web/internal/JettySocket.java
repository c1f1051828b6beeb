package org.openpista.channel.web.internal;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Connects one Jetty WebSocket session to its {@link Connection} in the {@link ChatHub}. */
// public: Jetty calls the listener methods through method handles, which need a public class
public final class JettySocket implements Session.Listener.AutoDemanding {

    private static final Logger LOG = LoggerFactory.getLogger(JettySocket.class);

    private final ChatHub hub;
    private final Connection connection;

    JettySocket(ChatHub hub, Connection connection) {
        this.hub = hub;
        this.connection = connection;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        connection.attach(new JettyPeer(session));
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

    /** Jetty's session as the hub's {@link Peer}. */
    private record JettyPeer(Session session) implements Peer {

        @Override
        public void sendText(String text, Runnable written, Consumer<Throwable> failed) {
            session.sendText(text, Callback.from(written, failed));
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
