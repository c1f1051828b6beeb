package org.openpista.tool.browser.internal.cdp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The protocol over a WebSocket, for a browser that runs already ({@code cdp_url}): the JDK's own
 * client ({@code java.net.http}), one text message per protocol message.
 */
public final class WebSocketTransport implements CdpTransport {

    private final Receiver receiver;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Object sending = new Object();
    private final WebSocket socket;

    private WebSocketTransport(URI uri, Receiver receiver, Duration timeout) throws IOException {
        this.receiver = receiver;
        try {
            socket = HttpClient.newBuilder()
                    .connectTimeout(timeout)
                    .build()
                    .newWebSocketBuilder()
                    .connectTimeout(timeout)
                    .buildAsync(uri, new Listener())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IOException("cannot connect to " + uri + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new IOException("no answer from " + uri + " within " + timeout.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + uri, e);
        }
    }

    /**
     * Connects to a DevTools WebSocket ({@code ws://host:port/devtools/browser/<id>}).
     *
     * @throws IOException when it cannot connect within the timeout
     */
    public static WebSocketTransport connect(URI uri, Receiver receiver, Duration timeout) throws IOException {
        return new WebSocketTransport(uri, receiver, timeout);
    }

    @Override
    public void send(String json) throws IOException {
        // the JDK's WebSocket takes one outgoing message at a time
        synchronized (sending) {
            if (closed.get()) {
                throw new IOException("the browser connection is closed");
            }
            try {
                socket.sendText(json, true).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new IOException("cannot send to the browser: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while sending to the browser", e);
            }
        }
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
        finish("closed");
    }

    private void finish(String reason) {
        if (closed.compareAndSet(false, true)) {
            receiver.closed(reason);
        }
    }

    /** Joins the parts of each text message and hands it on. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String whole = message.toString();
                message.setLength(0);
                receiver.message(whole);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            finish("the browser closed the connection (" + statusCode + ")");
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            finish("the browser connection failed: " + error.getMessage());
        }
    }
}
