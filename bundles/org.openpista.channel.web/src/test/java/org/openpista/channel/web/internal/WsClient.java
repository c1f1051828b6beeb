package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A WebSocket client of the JDK that keeps every frame it receives, for protocol tests. */
final class WsClient implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);

    private final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> seen = new ArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    final WebSocket socket;

    private WsClient(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(WAIT);
        headers.forEach(builder::header);
        socket = builder.buildAsync(uri, new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        frames.add(Frames.JSON.readTree(text.toString()));
                    } catch (Exception e) {
                        frames.add(Frames.JSON.getNodeFactory().textNode("unparsable: " + text));
                    }
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                closeCode.complete(-1);
            }
        }).join();
    }

    static WsClient connect(URI uri) {
        return new WsClient(uri, Map.of());
    }

    static WsClient connect(URI uri, Map<String, String> headers) {
        return new WsClient(uri, headers);
    }

    WsClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /**
     * Sends a frame whose text is exactly {@code bytes} long (ASCII). Tests send one byte more than the server's limit:
     * the server then refuses only after reading the last byte, so nothing is left unread in its socket, and closing it
     * cannot turn into a TCP reset that races the close frame to the client.
     */
    void sendOfLength(String type, long bytes) {
        int envelope = Frames.text(Frames.frame(type).put("content", "")).length();
        String text = Frames.text(Frames.frame(type).put("content", "x".repeat((int) bytes - envelope)));
        if (text.length() != bytes) {
            throw new IllegalStateException("frame of " + text.length() + " bytes instead of " + bytes);
        }
        try {
            socket.sendText(text, true).join();
        } catch (java.util.concurrent.CompletionException closedWhileSending) {
            // the server closed the connection before the whole frame was written
        }
    }

    WsClient send(ObjectNode frame) {
        return send(Frames.text(frame));
    }

    WsClient frame(String type, String... fieldsAndValues) {
        ObjectNode frame = Frames.frame(type);
        for (int i = 0; i + 1 < fieldsAndValues.length; i += 2) {
            frame.put(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return send(frame);
    }

    /** @return the next frame, whatever its type */
    JsonNode next() throws InterruptedException {
        JsonNode frame = frames.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (frame == null) {
            throw new AssertionError("no frame within " + WAIT + "; seen so far: " + seen);
        }
        seen.add(frame);
        return frame;
    }

    /** @return the next frame of this type; frames of other types before it are skipped (and kept in {@link #seen()}) */
    JsonNode next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            JsonNode frame = left > 0 ? frames.poll(left, TimeUnit.NANOSECONDS) : null;
            if (frame == null) {
                throw new AssertionError("no " + type + " frame within " + WAIT + "; seen: " + seen);
            }
            seen.add(frame);
            if (type.equals(frame.path("type").asText())) {
                return frame;
            }
        }
    }

    /** @return a frame that arrives within the time, or {@code null} */
    JsonNode poll(Duration wait) throws InterruptedException {
        JsonNode frame = frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (frame != null) {
            seen.add(frame);
        }
        return frame;
    }

    /** Reads the connect sequence (auth_result, sessions_list, session_history) and returns auth_result. */
    JsonNode handshake() throws InterruptedException {
        JsonNode auth = next();
        if (!"auth_result".equals(auth.path("type").asText())) {
            throw new AssertionError("expected auth_result first, got " + auth);
        }
        next();
        next();
        return auth;
    }

    List<JsonNode> seen() {
        return seen;
    }

    int awaitClose() throws Exception {
        return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void sendBinary() {
        socket.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
