package org.openpista.provider.responses.internal;

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

/**
 * HTTP exchanges with the Responses API over {@code java.net.http}, read line by line on the
 * calling thread.
 *
 * <p>Written by hand, as in the Anthropic provider, because langchain4j's {@code
 * OpenAiResponsesChatModel} (1.19.0) falls short where it matters here: it takes no extra headers
 * (a ChatGPT login must send {@code chatgpt-account-id}), has no way to carry encrypted reasoning
 * items from one turn to the next (reasoning models need them back with their function calls when
 * nothing is stored server-side), and its failures carry no response headers, so {@code
 * retry-after} would be lost. Here the response is received asynchronously and its lines are
 * handed over through a queue, so the calling thread stops waiting at once when the turn is
 * cancelled (the exchange is then aborted), and the timeout applies to the start of the answer and
 * to every pause inside a stream.
 */
final class Transport {

    /** Marks the end of the body in the queue. */
    private static final Object END = new Object();
    /** Marks a cancellation in the queue. */
    private static final Object CANCELLED = new Object();

    private final HttpClient secure;
    private final HttpClient plain;
    private final Duration timeout;

    Transport(Duration timeout) {
        this.timeout = timeout;
        Duration connect = timeout.compareTo(Duration.ofSeconds(30)) < 0 ? timeout : Duration.ofSeconds(30);
        this.secure = HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER).build();
        // plain-text endpoints (local proxies, test fakes) speak HTTP/1.1; skip the h2c upgrade
        this.plain = HttpClient.newBuilder().connectTimeout(connect).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /**
     * Sends a request and waits for the status and headers of the answer.
     *
     * @param headers headers to set besides {@code content-type}
     * @param body the JSON body, or {@code null} for a GET
     * @param failures names host and secret in the failures of this exchange
     * @throws ProviderException TIMEOUT, NETWORK or CANCELLED
     */
    Exchange open(URI uri, Map<String, String> headers, String body, Cancellation cancellation, Failures failures)
            throws ProviderException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout);
        headers.forEach(request::header);
        if (body == null) {
            request.GET();
        } else {
            request.header("content-type", "application/json");
            request.POST(HttpRequest.BodyPublishers.ofString(body));
        }
        Exchange exchange = new Exchange(cancellation, failures);
        exchange.start("http".equals(uri.getScheme().toLowerCase(Locale.ROOT)) ? plain : secure, request.build());
        try {
            exchange.awaitHead();
        } catch (ProviderException | RuntimeException e) {
            exchange.close();
            throw e;
        }
        return exchange;
    }

    /** One request and its answer; close it to abort or release the connection. */
    final class Exchange implements AutoCloseable, Flow.Subscriber<String> {

        private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        private final Cancellation cancellation;
        private final Failures failures;
        private Cancellation.Registration registration;
        private volatile Flow.Subscription subscription;
        private volatile boolean aborted;
        private CompletableFuture<HttpResponse<Void>> future;
        private HttpResponse.ResponseInfo head;
        private boolean ended;

        private Exchange(Cancellation cancellation, Failures failures) {
            this.cancellation = cancellation;
            this.failures = failures;
        }

        private void start(HttpClient client, HttpRequest request) {
            future = client.sendAsync(request, info -> {
                queue.add(info);
                return HttpResponse.BodySubscribers.fromLineSubscriber(this);
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
        int status() {
            return head.statusCode();
        }

        /** @return the response headers */
        HttpHeaders headers() {
            return head.headers();
        }

        /**
         * @return the next line of the body without terminator, or {@code null} at its end
         * @throws ProviderException TIMEOUT when no line comes in time, NETWORK when the connection
         *     breaks, CANCELLED
         */
        String nextLine() throws ProviderException {
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

        /** @return the rest of the body, lines joined with {@code \n} */
        String readAll() throws ProviderException {
            StringBuilder all = new StringBuilder();
            for (String line = nextLine(); line != null; line = nextLine()) {
                if (all.length() > 0) {
                    all.append('\n');
                }
                all.append(line);
            }
            return all.toString();
        }

        @Override
        public void close() {
            if (registration != null) {
                registration.close();
            }
            if (!ended) {
                abort();
            }
        }

        private void abort() {
            aborted = true;
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
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
                throw new ProviderException(ProviderException.Kind.CANCELLED, 0, "the request was interrupted", e);
            }
            if (next == null) {
                abort();
                throw failures.timeout(timeout);
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
            return new ProviderException(ProviderException.Kind.CANCELLED, "the request was cancelled");
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

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }
}
