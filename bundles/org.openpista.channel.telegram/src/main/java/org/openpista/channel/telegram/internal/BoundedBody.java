package org.openpista.channel.telegram.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * An answer's body read into memory up to a limit: a larger one is cut off (the connection
 * dropped) and fails with {@link TooLarge}, so a broken or hostile peer cannot fill the heap.
 */
final class BoundedBody {

    /** The largest Bot API answer read: a hundred updates with their texts are well below. */
    static final long MAX_ANSWER = 16L * 1024 * 1024;

    /** The body was larger than the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long max) {
            super("the answer is larger than " + max / 1024 + " KB");
        }
    }

    private BoundedBody() {}

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
