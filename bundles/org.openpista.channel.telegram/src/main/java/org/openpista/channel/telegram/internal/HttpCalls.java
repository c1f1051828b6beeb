package org.openpista.channel.telegram.internal;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.openpista.channel.support.BoundedBody;

/**
 * Requests on the channel's one {@link HttpClient} that can be cancelled together: closing aborts
 * every request under way and refuses new ones ({@code IOException("Canceled")}, which {@link
 * BotApi} does not retry). The channel has one set for its Bot API calls, the poller one of its own,
 * so that stopping the poller aborts the long poll and never an answer being sent.
 */
final class HttpCalls implements AutoCloseable {

    /** The message of the exception a cancelled request ends with. */
    static final String CANCELED = "Canceled";

    // the client, shared with the siblings; let go when the first set closes, so that the client's
    // selector thread ends (it runs while the client is reachable) even while a stopped channel is held
    private final AtomicReference<HttpClient> client;
    private final boolean first;
    private final Set<CompletableFuture<?>> underWay = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    HttpCalls(HttpClient client) {
        this(new AtomicReference<>(client), true);
    }

    private HttpCalls(AtomicReference<HttpClient> client, boolean first) {
        this.client = client;
        this.first = first;
    }

    /** @return a new set of requests on the same client, cancelled on its own (and when this one closes the client) */
    HttpCalls sibling() {
        return new HttpCalls(client, false);
    }

    /**
     * Sends a request and waits for its answer, body included, at most the request's timeout (the
     * JDK's own timeout ends with the headers: a peer that stalls in the body would hold the caller
     * forever); an interrupt aborts the request.
     *
     * @throws IOException when the request fails, was cancelled ({@value #CANCELED}) or timed out
     *     ({@link HttpTimeoutException})
     */
    <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException, InterruptedException {
        HttpClient http = client.get();
        if (closed || http == null) {
            throw new IOException(CANCELED);
        }
        CompletableFuture<HttpResponse<T>> call = http.sendAsync(request, body);
        underWay.add(call);
        try {
            if (closed) {
                call.cancel(true);
            }
            return BoundedBody.await(call, request.timeout().orElse(null));
        } catch (CancellationException e) {
            throw new IOException(CANCELED); // without a cause: BotApi tells a cancelled call by its root cause
        } finally {
            underWay.remove(call);
        }
    }

    /** Aborts the requests under way; later ones fail at once (the first set's: the siblings' too). */
    @Override
    public void close() {
        closed = true;
        if (first) {
            client.set(null);
        }
        underWay.forEach(call -> call.cancel(true));
    }
}
