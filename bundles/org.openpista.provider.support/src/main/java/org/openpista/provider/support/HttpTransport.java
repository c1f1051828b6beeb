package org.openpista.provider.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ProviderException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * HTTP exchanges over {@code java.net.http}, their answers read line by line on the calling thread.
 *
 * <p>Written by hand rather than taken from langchain4j (1.19.0), whose HTTP failures carry status
 * and body but no response headers, so {@code retry-after} would be lost, and whose blocking call
 * can only be stopped by interrupting the calling thread. Here the response is received
 * asynchronously and its lines are handed over through a queue, so the calling thread stops
 * waiting at once when the turn is cancelled or the thread interrupted (the exchange is then
 * aborted), and the timeout applies to the start of the answer and to every pause inside a stream,
 * which {@link HttpRequest#timeout} alone does not cover.
 *
 * <p>Redirects are not followed. Plain {@code http} endpoints (local proxies, test fakes) are
 * spoken to in HTTP/1.1, without the h2c upgrade some servers mishandle. Thread-safe; the clients
 * are built on first use, one per kind of endpoint.
 */
public final class HttpTransport {

    /** Marks the end of the body in the queue. */
    private static final Object END = new Object();
    /** Marks a cancellation in the queue. */
    private static final Object CANCELLED = new Object();
    /** The longest wait for a connection, however long the timeout. */
    private static final Duration MAX_CONNECT = Duration.ofSeconds(30);
    /** How long a complete answer's body may take to end before its exchange is aborted. */
    private static final Duration MAX_DRAIN = Duration.ofSeconds(2);

    /** Makes the failure an error status stands for, in the vendor's terms. */
    @ConsumerType
    @FunctionalInterface
    public interface ErrorStatus {
        /**
         * @param status the HTTP status, not 2xx
         * @param body the response body
         * @return the failure
         */
        ProviderException failure(int status, String body);
    }

    private final Duration timeout;
    private HttpClient secure;
    private HttpClient plain;

    /** @param timeout how long to wait for the answer to start, and then for each further line */
    public HttpTransport(Duration timeout) {
        this.timeout = timeout;
    }

    /**
     * Sends a request and waits for the status and headers of the answer.
     *
     * @param uri where to send it
     * @param headers headers to set besides {@code content-type}
     * @param body the JSON body, or {@code null} for a GET
     * @param cancellation the turn's cancellation; cancelling aborts the exchange
     * @param failures names host and secret in the failures of this exchange
     * @return the open exchange; close it
     * @throws ProviderException TIMEOUT, NETWORK or CANCELLED
     */
    public Exchange open(URI uri, Map<String, String> headers, String body, Cancellation cancellation, HttpFailures failures)
            throws ProviderException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
        headers.forEach(request::header);
        if (body == null) {
            request.GET();
        } else {
            request.header("content-type", "application/json");
            request.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        return open(uri, request, cancellation, failures);
    }

    /**
     * Sends a POST with a body of any type (a multipart upload, say) and waits for the status and
     * headers of the answer.
     *
     * @param uri where to send it
     * @param headers headers to set besides {@code content-type}
     * @param contentType the body's type, for example {@code multipart/form-data; boundary=…}
     * @param body the body
     * @param cancellation cancelling aborts the exchange
     * @param failures names host and secret in the failures of this exchange
     * @return the open exchange; close it
     * @throws ProviderException TIMEOUT, NETWORK or CANCELLED
     */
    public Exchange post(URI uri, Map<String, String> headers, String contentType, byte[] body, Cancellation cancellation,
            HttpFailures failures) throws ProviderException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
        headers.forEach(request::header);
        request.header("content-type", contentType);
        request.POST(HttpRequest.BodyPublishers.ofByteArray(body));
        return open(uri, request, cancellation, failures);
    }

    private Exchange open(URI uri, HttpRequest.Builder request, Cancellation cancellation, HttpFailures failures)
            throws ProviderException {
        for (int attempt = 1; ; attempt++) {
            Exchange exchange = new Exchange(timeout, cancellation, failures);
            exchange.start(client(uri), request.build());
            try {
                exchange.awaitHead();
                return exchange;
            } catch (ProviderException e) {
                exchange.close();
                // a kept-alive connection the server closed just as the request went out: the server never saw the
                // request, so it goes out again on another connection
                if (attempt < 3 && HttpFailures.closedBeforeAnswering(e.getCause()) && !cancellation.isCancelled()) {
                    continue;
                }
                throw e;
            } catch (RuntimeException e) {
                exchange.close();
                throw e;
            }
        }
    }

    private synchronized HttpClient client(URI uri) {
        boolean plainText = "http".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT));
        if (plainText && plain == null) {
            plain = builder().version(HttpClient.Version.HTTP_1_1).build();
        } else if (!plainText && secure == null) {
            secure = builder().build();
        }
        return plainText ? plain : secure;
    }

    private HttpClient.Builder builder() {
        return HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(MAX_CONNECT) < 0 ? timeout : MAX_CONNECT)
                .followRedirects(HttpClient.Redirect.NEVER);
    }

    /** One request and its answer; close it to abort the request or release the connection. */
    public static final class Exchange implements AutoCloseable {

        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final Duration timeout;
        private final Cancellation cancellation;
        private final HttpFailures failures;
        private final Lines lines = new Lines();
        private Cancellation.Registration registration;
        private volatile boolean aborted;
        private CompletableFuture<HttpResponse<Void>> future;
        private HttpResponse.ResponseInfo head;
        private boolean ended;
        /** The reader had the whole answer; what is left of the body is its end. */
        private boolean complete;

        private Exchange(Duration timeout, Cancellation cancellation, HttpFailures failures) {
            this.timeout = timeout;
            this.cancellation = cancellation;
            this.failures = failures;
        }

        private void start(HttpClient client, HttpRequest request) {
            future = client.sendAsync(request, info -> {
                queue.add(info);
                return HttpResponse.BodySubscribers.fromLineSubscriber(lines);
            });
            future.whenComplete((response, failure) -> {
                if (failure != null) {
                    queue.add(unwrap(failure));
                }
            });
            registration = cancellation.onCancel(() -> {
                queue.add(CANCELLED);
                abort();
            });
        }

        private void awaitHead() throws ProviderException {
            Object first = take();
            if (!(first instanceof HttpResponse.ResponseInfo info)) {
                throw failures.malformed("an answer without status line", null);
            }
            head = info;
        }

        /** @return the HTTP status */
        public int status() {
            return head.statusCode();
        }

        /** @return the response headers */
        public HttpHeaders headers() {
            return head.headers();
        }

        /**
         * @return the next line of the body without terminator, or {@code null} at its end
         * @throws ProviderException TIMEOUT when no line comes in time, NETWORK when the connection
         *     breaks, CANCELLED
         */
        public String nextLine() throws ProviderException {
            if (ended) {
                return null;
            }
            Object next = take();
            if (next == END) {
                ended = true;
                return null;
            }
            if (next instanceof String line) {
                return line;
            }
            throw failures.malformed("unexpected item in the answer", null);
        }

        /**
         * @return the rest of the body, lines joined with {@code \n}
         * @throws ProviderException as {@link #nextLine()}
         */
        public String readAll() throws ProviderException {
            StringBuilder all = new StringBuilder();
            for (String line = nextLine(); line != null; line = nextLine()) {
                if (all.length() > 0) {
                    all.append('\n');
                }
                all.append(line);
            }
            return all.toString();
        }

        /**
         * Returns when the status is 2xx; otherwise reads the body and throws the failure it
         * stands for, as a {@link Retrier.Failure} carrying the response headers, so that a rate
         * limit or server error is retried when (or as soon as) the server asks.
         *
         * @param mapping the vendor's reading of error statuses and bodies
         * @throws Retrier.Failure for every status other than 2xx
         * @throws ProviderException when the error body cannot be read
         */
        public void requireSuccess(ErrorStatus mapping) throws ProviderException, Retrier.Failure {
            int status = status();
            if (status >= 200 && status < 300) {
                return;
            }
            throw new Retrier.Failure(mapping.failure(status, readAll()), headers(), true);
        }

        /**
         * Reads the body as a server-sent event stream ({@link ServerSentEvents}) and hands its
         * events to the reader until it says the answer is complete or the body ends.
         *
         * @throws Retrier.Failure a retryable failure (an overload event, say) before any text
         *     reached the listener, so the request may be sent again
         * @throws ProviderException every other failure of reading or of the reader
         */
        public void read(EventReader reader) throws ProviderException, Retrier.Failure {
            ServerSentEvents events = new ServerSentEvents(reader);
            try {
                while (!reader.finished()) {
                    String line = nextLine();
                    if (line == null) {
                        events.end();
                        break;
                    }
                    events.line(line);
                }
                complete = true;
            } catch (ProviderException e) {
                // once text reached the listener a retry would repeat it
                if (e.isRetryable() && !reader.forwardedText()) {
                    throw new Retrier.Failure(e, null, true);
                }
                throw e;
            }
        }

        /**
         * Aborts the exchange unless its body ended. After a complete answer (its last event, say
         * {@code data: [DONE]}, came before the end of the body) the end is awaited briefly first:
         * the JDK client hands the connection back to its pool as the body ends, before the lines
         * reach us, and aborting then would close the connection under the next request that took
         * it, which fails with "header parser received no bytes" or in the middle of its answer.
         */
        @Override
        public void close() {
            if (!ended && complete && !aborted) {
                awaitEnd();
            }
            if (registration != null) {
                registration.close();
            }
            if (!ended) {
                abort();
            }
        }

        /** Discards what is left of the body until it ends, the drain time passes, or something else comes. */
        private void awaitEnd() {
            long deadline = System.nanoTime() + Math.min(timeout.toNanos(), MAX_DRAIN.toNanos());
            try {
                for (long left = deadline - System.nanoTime(); left > 0 && !cancellation.isCancelled();
                        left = deadline - System.nanoTime()) {
                    Object next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == END) {
                        ended = true;
                        return;
                    }
                    if (!(next instanceof String)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void abort() {
            aborted = true;
            lines.cancel();
            if (future != null) {
                future.cancel(true);
            }
        }

        private Object take() throws ProviderException {
            if (cancellation.isCancelled()) {
                throw cancelled();
            }
            Object next;
            try {
                next = queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
                throw failures.cancelled(true);
            }
            if (next == null) {
                abort();
                // a stream that started and went quiet is told apart from a server that never answered
                throw head == null ? failures.timeout(timeout) : failures.stalled(timeout);
            }
            if (next == CANCELLED || cancellation.isCancelled()) {
                throw cancelled();
            }
            if (next instanceof Throwable failure) {
                throw failures.io(failure, timeout);
            }
            return next;
        }

        private ProviderException cancelled() {
            abort();
            return failures.cancelled(false);
        }

        /** Receives the body's lines on the client's threads and queues them. */
        private final class Lines implements Flow.Subscriber<String> {

            private volatile Flow.Subscription subscription;

            void cancel() {
                Flow.Subscription current = subscription;
                if (current != null) {
                    current.cancel();
                }
            }

            @Override
            public void onSubscribe(Flow.Subscription newSubscription) {
                subscription = newSubscription;
                if (aborted) {
                    newSubscription.cancel();
                } else {
                    newSubscription.request(Long.MAX_VALUE);
                }
            }

            @Override
            public void onNext(String line) {
                queue.add(line);
            }

            @Override
            public void onError(Throwable failure) {
                queue.add(failure);
            }

            @Override
            public void onComplete() {
                queue.add(END);
            }
        }
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
