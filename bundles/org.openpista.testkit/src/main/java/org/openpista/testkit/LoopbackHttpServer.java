package org.openpista.testkit;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's HTTP server on 127.0.0.1 with a thread per request (daemon threads named after the
 * fake), as every fake server here runs it: slow scripted answers must not hold up other requests.
 */
final class LoopbackHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;

    /**
     * Starts serving every path with the handler.
     *
     * @param name names the threads and the failure to start
     * @param port the port, or 0 for an ephemeral one
     * @throws IllegalStateException when the port cannot be bound
     */
    LoopbackHttpServer(String name, int port, HttpHandler handler) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + name + ": " + e.getMessage(), e);
        }
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", handler);
        server.start();
    }

    /** @return the port it listens on */
    int port() {
        return server.getAddress().getPort();
    }

    /** @return {@code http://127.0.0.1:PORT} */
    String root() {
        return "http://127.0.0.1:" + port();
    }

    /** Stops at once; requests being answered are interrupted. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
