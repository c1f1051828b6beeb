package org.openpista.tracing.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts OTLP/JSON bodies to the collector on a thread of its own, so a slow or absent collector never
 * slows a turn: at most {@value #QUEUE} traces wait, later ones are dropped (and that is logged once).
 * A failure is logged once at warning level until a send succeeds again.
 */
final class OtlpSender implements Consumer<byte[]>, AutoCloseable {

    static final int QUEUE = 256;

    private static final Logger LOG = LoggerFactory.getLogger(OtlpSender.class);

    private final URI endpoint;
    private final HttpClient http;
    private final ThreadPoolExecutor executor;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean dropping = new AtomicBoolean();

    /** @param endpoint the collector's traces URL ({@code .../v1/traces}) */
    OtlpSender(URI endpoint) {
        this.endpoint = endpoint;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), runnable -> {
            Thread thread = new Thread(runnable, "openpista-tracing");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** @return the traces URL of an OTLP/HTTP endpoint: {@code /v1/traces} added unless the path ends with it */
    static URI tracesUrl(String endpoint) {
        String base = endpoint.strip();
        if (base.endsWith("/v1/traces")) {
            return URI.create(base);
        }
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces");
    }

    @Override
    public void accept(byte[] body) {
        try {
            executor.execute(() -> send(body));
        } catch (RejectedExecutionException e) {
            if (!executor.isShutdown() && dropping.compareAndSet(false, true)) {
                LOG.warn("Traces are dropped: {} are waiting for {}", QUEUE, endpoint);
            }
        }
    }

    private void send(byte[] body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                failed("HTTP " + response.statusCode());
                return;
            }
            dropping.set(false);
            if (failing.compareAndSet(true, false)) {
                LOG.info("Traces reach {} again", endpoint);
            }
        } catch (IOException e) {
            failed(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failed(String why) {
        if (failing.compareAndSet(false, true)) {
            LOG.warn("Traces cannot be sent to {}: {} (further failures are not logged until it works)", endpoint, why);
        }
    }

    /** @return how many traces wait to be sent */
    int waiting() {
        return executor.getQueue().size();
    }

    /** Sends what waits, for up to five seconds, then stops. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
