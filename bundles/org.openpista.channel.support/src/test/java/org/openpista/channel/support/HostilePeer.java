package org.openpista.channel.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An HTTP peer on the loopback interface that answers as a test tells it ({@link #answer}), for the
 * channels' clients against a service that misbehaves: a body that stalls after its headers
 * ({@link #stallAfterTheHeaders}), a body without end ({@link #endless}). Closing it lets stalled
 * answers end.
 */
public final class HostilePeer implements AutoCloseable {

    /** What the peer does with a request (its body already read). */
    @FunctionalInterface
    public interface Answer {
        void write(HttpExchange exchange) throws IOException, InterruptedException;
    }

    private final CountDownLatch release = new CountDownLatch(1);
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpServer server;
    private volatile Answer answer = exchange -> exchange.sendResponseHeaders(500, -1);

    public HostilePeer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(threads);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                answer.write(exchange);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** @param next how the following requests are answered */
    public void answer(Answer next) {
        answer = next;
    }

    /** @return {@code http://127.0.0.1:PORT} */
    public String root() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /**
     * Announces a JSON body of 1,000 bytes, sends {@code start} and then nothing until the peer is
     * closed: a peer that died after its headers.
     */
    public void stallAfterTheHeaders(HttpExchange exchange, String start) throws IOException, InterruptedException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 1000);
        exchange.getResponseBody().write(start.getBytes(StandardCharsets.US_ASCII));
        exchange.getResponseBody().flush();
        release.await();
    }

    /** Sends a chunked JSON body without announced end, more than {@code bytes} of it. */
    public static void endless(HttpExchange exchange, long bytes) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, 0);
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) ' ');
        OutputStream out = exchange.getResponseBody();
        for (long sent = 0; sent <= bytes + chunk.length; sent += chunk.length) {
            out.write(chunk);
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        threads.shutdownNow();
    }
}
