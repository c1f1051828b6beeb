package org.openpista.tool.browser.internal.cdp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Calls to one target of a {@link CdpConnection}: the browser ({@code sessionId} {@code null}) or an
 * attached page.
 */
public final class CdpSession {

    /** How long a call may take unless it says otherwise; a page busy in a script answers late. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

    private final CdpConnection connection;
    private final String sessionId;

    CdpSession(CdpConnection connection, String sessionId) {
        this.connection = connection;
        this.sessionId = sessionId;
    }

    /** @return the session id, {@code null} for the browser */
    public String id() {
        return sessionId;
    }

    /** @return the connection */
    public CdpConnection connection() {
        return connection;
    }

    /** @return an empty parameter object */
    public ObjectNode params() {
        return connection.params();
    }

    /** Calls a method without parameters and waits for its result. */
    public JsonNode call(String method) {
        return call(method, null, DEFAULT_TIMEOUT);
    }

    /** Calls a method and waits for its result. */
    public JsonNode call(String method, JsonNode params) {
        return call(method, params, DEFAULT_TIMEOUT);
    }

    /**
     * Calls a method and waits for its result.
     *
     * @throws CdpException on an error answer, a closed connection or a timeout
     */
    public JsonNode call(String method, JsonNode params, Duration timeout) {
        return connection.call(sessionId, method, params, timeout);
    }

    /** Calls a method without waiting; the future completes with the result or a {@link CdpException}. */
    public CompletableFuture<JsonNode> send(String method, JsonNode params) {
        return connection.send(sessionId, method, params);
    }

    /** Listens to one event of this session. */
    public CdpConnection.Registration on(String method, Consumer<JsonNode> handler) {
        return connection.on(sessionId, method, handler);
    }
}
