package org.openpista.channel.slack.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An answer read whole within its request's timeout and into memory up to a limit: a larger one is
 * cut off (the connection dropped) and fails with {@link TooLarge}, so a broken or hostile peer can
 * neither fill the heap nor hold a caller by stalling in the body (the JDK's own timeout ends with
 * the headers).
 */
final class BoundedBody {

    /** The largest Web API answer read: a message with its blocks is a few KB. */
    static final long MAX_ANSWER = 16L * 1024 * 1024;

    /** The body was larger than the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long max) {
            super("the answer is larger than " + max / 1024 + " KB");
        }
    }

    private BoundedBody() {}

    /**
     * Sends a request and waits for its whole answer at most the request's timeout; an interrupt
     * or the timeout aborts the request.
     *
     * @throws HttpTimeoutException when the answer is not all there in time
     */
    static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<T>> call = http.sendAsync(request, handler);
        try {
            return request.timeout().isEmpty() ? call.get()
                    : call.get(request.timeout().get().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new HttpTimeoutException("no whole answer within " + request.timeout().get().toSeconds() + " s");
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(SlackApi.describe(e.getCause() == null ? e : e.getCause()), e.getCause());
        }
    }

    /** @return a handler reading at most {@code max} bytes */
    static HttpResponse.BodyHandler<byte[]> upTo(long max) {
        return info -> new Reader(max);
    }

    private static final class Reader implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Reader(long max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (bytes.size() + (long) buffer.remaining() > max) {
                    subscription.cancel();
                    body.completeExceptionally(new TooLarge(max));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                bytes.writeBytes(chunk);
            }
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(bytes.toByteArray());
        }
    }
}
