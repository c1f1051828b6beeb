package org.openpista.mcp.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import reactor.core.publisher.Mono;

/**
 * Streamable HTTP for {@code openpista mcp serve --http}, stateless (each POST a JSON-RPC message,
 * each answer a JSON body), on the JDK's HTTP server: the SDK's servlet transport needs Servlet 6.1,
 * which the framework's HTTP service does not offer. Every request must carry the web chat's token
 * as {@code Authorization: Bearer} (compared in constant time), bodies are capped, and a browser's
 * request from another site is refused (DNS rebinding, cross-site requests).
 */
final class HttpServeTransport implements McpStatelessServerTransport {

    static final String PATH = "/mcp";
    private static final int MAX_BODY = 4 * 1024 * 1024;
    private static final Set<String> LOCAL_HOSTS = Set.of("127.0.0.1", "localhost", "[::1]", "::1");

    private final McpJsonMapper json;
    private final byte[] token;
    private final Duration timeout;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, runnable -> {
        Thread thread = new Thread(runnable, "openpista-mcp-http");
        thread.setDaemon(true);
        return thread;
    });
    private volatile McpStatelessServerHandler handler;

    HttpServeTransport(McpJsonMapper json, InetSocketAddress address, String token, Duration timeout) throws IOException {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("no token: set [channels.web] token (openpista web setup) or OPENPISTA_WEB_TOKEN");
        }
        this.json = json;
        this.token = ("Bearer " + token.strip()).getBytes(StandardCharsets.UTF_8);
        this.timeout = timeout;
        this.server = HttpServer.create(address, 0);
        server.setExecutor(threads);
        server.createContext(PATH, this::handle);
    }

    void start() {
        server.start();
    }

    /** @return the port it listens on */
    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler mcpHandler) {
        this.handler = mcpHandler;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!authorized(exchange)) {
                send(exchange, 401, "{\"error\":\"a valid Authorization: Bearer token is required\"}");
                return;
            }
            if (!sameOrigin(exchange)) {
                send(exchange, 403, "{\"error\":\"requests from other sites are refused\"}");
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                exchange.getResponseHeaders().add("Allow", "POST");
                send(exchange, 405, "{\"error\":\"POST only: this server is stateless\"}");
                return;
            }
            byte[] body = read(exchange.getRequestBody());
            if (body == null) {
                send(exchange, 413, "{\"error\":\"the body is too large\"}");
                return;
            }
            McpSchema.JSONRPCMessage message;
            try {
                message = McpSchema.deserializeJsonRpcMessage(json, new String(body, StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                send(exchange, 400, "{\"error\":\"not a JSON-RPC message\"}");
                return;
            }
            McpStatelessServerHandler current = handler;
            if (message instanceof McpSchema.JSONRPCRequest request) {
                McpSchema.JSONRPCResponse response = current.handleRequest(McpTransportContext.EMPTY, request).block(timeout);
                send(exchange, 200, json.writeValueAsString(response));
            } else if (message instanceof McpSchema.JSONRPCNotification notification) {
                current.handleNotification(McpTransportContext.EMPTY, notification).block(timeout);
                exchange.sendResponseHeaders(202, -1);
            } else {
                exchange.sendResponseHeaders(202, -1);
            }
        } catch (RuntimeException e) {
            // the exchange is answered above or closed here; a failing handler is the client's error to see
        }
    }

    private boolean authorized(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        return header != null && MessageDigest.isEqual(token, header.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** Browsers send Origin; an MCP client that is not a web page sends none. */
    private static boolean sameOrigin(HttpExchange exchange) {
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (origin == null) {
            return true;
        }
        try {
            String host = URI.create(origin).getHost();
            return host != null && LOCAL_HOSTS.contains(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] read(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY + 1);
        return body.length > MAX_BODY ? null : body;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> {
            server.stop(1);
            threads.shutdownNow();
        });
    }
}
