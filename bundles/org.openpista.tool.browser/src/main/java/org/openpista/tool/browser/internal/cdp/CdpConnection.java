package org.openpista.tool.browser.internal.cdp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One DevTools Protocol connection to a browser, in flat mode: calls to the browser and to the pages
 * it hosts (by session id) share it. Calls are matched to answers by id; events go to the listeners
 * registered for their session and method, on the transport's thread, so listeners only record and
 * never wait for another answer.
 */
public final class CdpConnection implements AutoCloseable {

    /** Opens a transport that delivers to the given receiver. */
    @FunctionalInterface
    public interface TransportFactory {
        CdpTransport open(CdpTransport.Receiver receiver) throws IOException;
    }

    /** Removes a listener again; closing twice is harmless. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private static final Logger LOG = LoggerFactory.getLogger(CdpConnection.class);
    private static final String BROWSER = "";

    private final ObjectMapper mapper = new ObjectMapper();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, List<Listener>> listeners = new ConcurrentHashMap<>();
    private final List<Consumer<String>> closeListeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private volatile CdpTransport transport;

    private record Listener(String method, Consumer<JsonNode> handler) {}

    private CdpConnection() {}

    /**
     * @return a connection over the transport the factory opens
     * @throws IOException when the transport cannot be opened
     */
    public static CdpConnection open(TransportFactory factory) throws IOException {
        CdpConnection connection = new CdpConnection();
        connection.transport = factory.open(connection.new Inbound());
        return connection;
    }

    /** @return a handle for calls to the browser itself */
    public CdpSession browser() {
        return new CdpSession(this, null);
    }

    /** @return a handle for calls to an attached target */
    public CdpSession session(String sessionId) {
        return new CdpSession(this, sessionId);
    }

    /** @return an empty parameter object */
    public ObjectNode params() {
        return mapper.createObjectNode();
    }

    /** @return whether the connection is closed */
    public boolean isClosed() {
        return closed.isDone();
    }

    /** @return why it closed, once it did */
    public CompletableFuture<String> closedReason() {
        return closed;
    }

    /** Runs the callback once the connection closes (at once when it is closed already). */
    public void onClose(Consumer<String> callback) {
        closeListeners.add(callback);
        if (closed.isDone() && closeListeners.remove(callback)) {
            callback.accept(closed.join());
        }
    }

    /**
     * Listens to an event of a session ({@code null}: the browser); {@code method} {@code null}
     * hears every event of the session.
     */
    public Registration on(String sessionId, String method, Consumer<JsonNode> handler) {
        String key = sessionId == null ? BROWSER : sessionId;
        Listener listener = new Listener(method, handler);
        listeners.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> {
            List<Listener> list = listeners.get(key);
            if (list != null) {
                list.remove(listener);
            }
        };
    }

    /** Forgets every listener of a session that is gone. */
    public void forget(String sessionId) {
        listeners.remove(sessionId);
    }

    /** @return the answer's {@code result}, completed exceptionally with a {@link CdpException} */
    public CompletableFuture<JsonNode> send(String sessionId, String method, JsonNode params) {
        long id = ids.incrementAndGet();
        ObjectNode message = mapper.createObjectNode().put("id", id).put("method", method);
        message.set("params", params == null ? mapper.createObjectNode() : params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        if (closed.isDone()) {
            pending.remove(id);
            answer.completeExceptionally(gone());
            return answer;
        }
        try {
            transport.send(message.toString());
        } catch (IOException e) {
            pending.remove(id);
            answer.completeExceptionally(new CdpException(CdpException.Kind.CLOSED, 0, e.getMessage()));
        }
        return answer;
    }

    /**
     * Calls and waits for the answer.
     *
     * @throws CdpException when the browser answers with an error, goes away, or does not answer in time
     */
    public JsonNode call(String sessionId, String method, JsonNode params, Duration timeout) {
        return await(send(sessionId, method, params), method, timeout);
    }

    /** Waits for an answer of {@link #send}. */
    public static JsonNode await(CompletableFuture<JsonNode> answer, String method, Duration timeout) {
        try {
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof CdpException cdp) {
                throw cdp;
            }
            throw new CdpException(CdpException.Kind.ERROR, 0, method + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw new CdpException(CdpException.Kind.TIMEOUT, 0,
                    method + " got no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdpException(CdpException.Kind.TIMEOUT, 0, method + " was interrupted");
        }
    }

    /** Closes the transport; pending calls fail. */
    @Override
    public void close() {
        CdpTransport open = transport;
        if (open != null) {
            open.close();
        }
    }

    private CdpException gone() {
        return new CdpException(CdpException.Kind.CLOSED, 0, closed.getNow("the browser connection is closed"));
    }

    private void dispatch(String text) {
        JsonNode message;
        try {
            message = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            LOG.debug("unreadable message from the browser: {}", e.getOriginalMessage());
            return;
        }
        JsonNode id = message.get("id");
        if (id != null) {
            CompletableFuture<JsonNode> answer = pending.remove(id.asLong());
            if (answer == null) {
                return;
            }
            JsonNode error = message.get("error");
            if (error != null) {
                answer.completeExceptionally(new CdpException(CdpException.Kind.ERROR, error.path("code").asInt(),
                        error.path("message").asText("error") + (error.has("data") ? " (" + error.path("data").asText()
                                + ")" : "")));
            } else {
                answer.complete(message.path("result"));
            }
            return;
        }
        String method = message.path("method").asText();
        String session = message.path("sessionId").asText(BROWSER);
        List<Listener> list = listeners.get(session);
        if (list == null) {
            return;
        }
        JsonNode params = message.path("params");
        for (Listener listener : list) {
            if (listener.method == null || listener.method.equals(method)) {
                try {
                    listener.handler.accept(listener.method == null ? message : params);
                } catch (RuntimeException e) {
                    LOG.warn("a listener of {} failed", method, e);
                }
            }
        }
    }

    /** What the transport delivers. */
    private final class Inbound implements CdpTransport.Receiver {
        @Override
        public void message(String json) {
            dispatch(json);
        }

        @Override
        public void closed(String reason) {
            closed.complete(reason);
            CdpException gone = gone();
            pending.values().forEach(answer -> answer.completeExceptionally(gone));
            pending.clear();
            for (Consumer<String> callback : closeListeners) {
                try {
                    callback.accept(reason);
                } catch (RuntimeException e) {
                    LOG.warn("a close listener failed", e);
                }
            }
            closeListeners.clear();
        }
    }
}
