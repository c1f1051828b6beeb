package org.openpista.metrics.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scrape endpoint: the JDK's HTTP server on its own address and port, one thread, answering
 * {@code GET <path>} with the Prometheus text format (version 0.0.4) and everything else with 404
 * or 405. With a token, a request must carry {@code Authorization: Bearer <token>} (compared in
 * constant time) or gets 401.
 *
 * <p>The JDK's server rather than Felix HTTP (Jetty) of the web feature: the endpoint has its own
 * port, must work in a daemon without the web chat, and serves one small response a scrape
 * interval; the JDK server is in every JDK and needs nothing installed (Prometheus' own {@code
 * exporter-httpserver} is built on it too).
 */
final class ScrapeServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScrapeServer.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusRegistry registry;
    private final String path;
    private final byte[] expected;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    /**
     * Listens at once.
     *
     * @throws IOException when the address cannot be bound (the port is taken)
     */
    ScrapeServer(InetSocketAddress address, String path, String token, PrometheusRegistry registry) throws IOException {
        this.registry = registry;
        this.path = path;
        this.expected = token.isEmpty() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
        this.server = HttpServer.create(address, 16);
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openpista-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return the port it listens on */
    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(path)) {
                send(exchange, 404, "text/plain; charset=utf-8", "not found; metrics are at " + path + "\n");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", "use GET\n");
                return;
            }
            if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"openpista metrics\"");
                send(exchange, 401, "text/plain; charset=utf-8", "a bearer token is required ([metrics] token)\n");
                return;
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
            writer.write(body, registry.scrape());
            byte[] bytes = body.toByteArray();
            exchange.getResponseHeaders().set("Content-Type", PrometheusTextFormatWriter.CONTENT_TYPE);
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("A scrape failed: {}", e.toString());
        }
    }

    private boolean authorized(String header) {
        if (expected == null) {
            return true;
        }
        byte[] given = header == null ? new byte[0] : header.getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(expected, given);
    }

    private static void send(HttpExchange exchange, int status, String type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
