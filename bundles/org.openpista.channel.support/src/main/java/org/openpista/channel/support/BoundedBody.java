package org.openpista.channel.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An HTTP answer read whole within a deadline and into memory up to a limit, for the channels'
 * clients of their services' APIs: a broken or hostile peer can neither fill the heap (a body that
 * announces more, {@code Content-Length}, is not read at all; one that brings more is cut off at the
 * first byte over) nor hold a caller by stalling in the body (the JDK's request timeout ends with the
 * answer's headers).
 */
public final class BoundedBody {

    /** The body was larger than the limit. */
    public static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        /** @param max the limit in bytes */
        public TooLarge(long max) {
            super("the answer is larger than " + size(max));
        }
    }

    private BoundedBody() {}

    /** @return a handler that reads at most {@code max} bytes, else fails with {@link TooLarge} */
    public static HttpResponse.BodyHandler<byte[]> upTo(long max) {
        return info -> new Reader(max, info.headers().firstValueAsLong("Content-Length").orElse(-1));
    }

    /**
     * Sends a request and waits for its whole answer at most the request's timeout (no timeout: as
     * long as it takes).
     *
     * @throws HttpTimeoutException when the answer is not all there in time (the request is aborted)
     */
    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return send(http, request, handler, request.timeout().orElse(null));
    }

    /**
     * Sends a request and waits for its whole answer at most {@code within}; an interrupt or the
     * deadline aborts the request.
     *
     * @param within how long the answer, its body included, may take; null: as long as it takes
     * @throws HttpTimeoutException when the answer is not all there in time
     * @see #await
     */
    public static <T> HttpResponse<T> send(HttpClient http, HttpRequest request, HttpResponse.BodyHandler<T> handler,
            Duration within) throws IOException, InterruptedException {
        return await(http.sendAsync(request, handler), within);
    }

    /**
     * Waits for an answer under way at most {@code within}, its body included (the JDK's own request
     * timeout ends with the headers: a peer that stalls in the body would hold the caller forever); the
     * deadline or an interrupt cancels the call.
     *
     * @param call the answer under way, as {@link HttpClient#sendAsync} gives it
     * @param within how long it may take; null: as long as it takes
     * @return the answer
     * @throws HttpTimeoutException when the answer is not all there in time
     * @throws IOException the call's own, or one that says (see {@link Problems#describe}) what else it failed with
     * @throws CancellationException when the call was cancelled, before or while it was awaited
     */
    public static <T> T await(CompletableFuture<T> call, Duration within) throws IOException, InterruptedException {
        try {
            return within == null ? call.get() : call.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new HttpTimeoutException(noWholeAnswerWithin(within));
        } catch (InterruptedException e) {
            call.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof CancellationException cancelled) {
                throw cancelled;
            }
            throw new IOException(Problems.describe(cause), cause);
        }
    }

    /** @return "no whole answer within 1 s" (or 0.5 s): what {@link #send} says when the deadline passed */
    public static String noWholeAnswerWithin(Duration within) {
        long millis = within.toMillis();
        return "no whole answer within " + (millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0))
                + " s";
    }

    /** @return 16 MB, 64 KB or 10 bytes */
    static String size(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MB";
        }
        return bytes >= 1024 && bytes % 1024 == 0 ? bytes / 1024 + " KB" : bytes + " bytes";
    }

    private static final class Reader implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final long announced;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Reader(long max, long announced) {
            this.max = max;
            this.announced = announced;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        @Override
        public void onSubscribe(Flow.Subscription given) {
            subscription = given;
            if (announced > max) {
                given.cancel();
                body.completeExceptionally(new TooLarge(max));
                return;
            }
            given.request(1);
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
            subscription.request(1);
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
