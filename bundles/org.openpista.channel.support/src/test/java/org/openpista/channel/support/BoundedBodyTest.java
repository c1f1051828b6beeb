package org.openpista.channel.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Answers read up to a limit, whether they announce their length or not (chunked), and within a deadline. */
class BoundedBodyTest {

    /** Counts what the body asked for and whether it gave up. */
    static final class Subscription implements Flow.Subscription {
        long requested;
        boolean cancelled;

        @Override
        public void request(long n) {
            requested += n;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }
    }

    static HttpResponse.BodySubscriber<byte[]> body(long max, Map<String, List<String>> headers) {
        return BoundedBody.upTo(max).apply(new HttpResponse.ResponseInfo() {
            @Override
            public int statusCode() {
                return 200;
            }

            @Override
            public HttpHeaders headers() {
                return HttpHeaders.of(headers, (name, value) -> true);
            }

            @Override
            public HttpClient.Version version() {
                return HttpClient.Version.HTTP_1_1;
            }
        });
    }

    static List<ByteBuffer> chunk(String text) {
        return List.of(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aBodyWithinTheLimitIsReadWhole() {
        HttpResponse.BodySubscriber<byte[]> body = body(10, Map.of());
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        body.onNext(chunk("12345"));
        body.onNext(chunk("67890"));
        body.onComplete();
        assertThat(new String(body.getBody().toCompletableFuture().join(), StandardCharsets.UTF_8)).isEqualTo("1234567890");
        assertThat(subscription.cancelled).isFalse();
        assertThat(subscription.requested).isEqualTo(3);
    }

    @Test
    void aChunkedBodyIsGivenUpAtTheFirstByteOverTheLimit() {
        HttpResponse.BodySubscriber<byte[]> body = body(10, Map.of());
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        body.onNext(chunk("12345"));
        body.onNext(chunk("678901"));
        assertThat(subscription.cancelled).isTrue();
        long requested = subscription.requested;
        body.onNext(chunk("more")); // in flight before the cancel: ignored
        assertThat(subscription.requested).isEqualTo(requested);
        assertThatThrownBy(() -> body.getBody().toCompletableFuture().join()).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(BoundedBody.TooLarge.class).hasMessageContaining("larger than 10 bytes");
    }

    @Test
    void aBodyAnnouncedLargerIsNotReadAtAll() {
        HttpResponse.BodySubscriber<byte[]> body = body(10, Map.of("Content-Length", List.of("11")));
        Subscription subscription = new Subscription();
        body.onSubscribe(subscription);
        assertThat(subscription.cancelled).isTrue();
        assertThat(subscription.requested).isZero();
        assertThat(body.getBody().toCompletableFuture()).isCompletedExceptionally();
    }

    @Test
    void limitsAndDeadlinesAreSaidInTheirUnits() {
        assertThat(new BoundedBody.TooLarge(16L * 1024 * 1024)).hasMessage("the answer is larger than 16 MB");
        assertThat(new BoundedBody.TooLarge(64 * 1024)).hasMessage("the answer is larger than 64 KB");
        assertThat(new BoundedBody.TooLarge(1000)).hasMessage("the answer is larger than 1000 bytes");
        assertThat(BoundedBody.noWholeAnswerWithin(Duration.ofSeconds(20))).isEqualTo("no whole answer within 20 s");
        assertThat(BoundedBody.noWholeAnswerWithin(Duration.ofMillis(500))).isEqualTo("no whole answer within 0.5 s");
    }

    @Test
    void aBodyStalledAfterTheHeadersEndsAtTheDeadline() throws Exception {
        try (HostilePeer peer = new HostilePeer()) {
            peer.answer(exchange -> peer.stallAfterTheHeaders(exchange, "{\"ok\":"));
            HttpRequest request = HttpRequest.newBuilder(URI.create(peer.root() + "/")).timeout(Duration.ofMillis(500)).build();
            long start = System.nanoTime();

            assertThatThrownBy(() -> BoundedBody.send(HttpClient.newHttpClient(), request, BoundedBody.upTo(1000)))
                    .isInstanceOf(HttpTimeoutException.class).hasMessage("no whole answer within 0.5 s");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        }
    }

    @Test
    void anAnswerNotThereByTheDeadlineIsCancelled() {
        CompletableFuture<String> call = new CompletableFuture<>();

        assertThatThrownBy(() -> BoundedBody.await(call, Duration.ofMillis(100))).isInstanceOf(HttpTimeoutException.class)
                .hasMessage("no whole answer within 0.1 s");
        assertThat(call).isCancelled();
    }

    @Test
    void anAnswerThereInTimeIsGiven() throws Exception {
        assertThat(BoundedBody.await(CompletableFuture.completedFuture("ok"), Duration.ofMillis(100))).isEqualTo("ok");
        CompletableFuture<String> later = new CompletableFuture<>();
        CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS).execute(() -> later.complete("later"));
        assertThat(BoundedBody.await(later, null)).isEqualTo("later"); // no deadline: as long as it takes
    }

    @Test
    void anInterruptCancelsTheCall() throws Exception {
        CompletableFuture<String> call = new CompletableFuture<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                BoundedBody.await(call, Duration.ofMinutes(1));
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        waiter.start();
        while (waiter.isAlive() && waiter.getState() != Thread.State.TIMED_WAITING) {
            Thread.onSpinWait();
        }
        waiter.interrupt();
        waiter.join(10_000);

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(call).isCancelled();
    }

    @Test
    void aFailedCallThrowsItsOwnIOExceptionOrOneThatSaysWhatWentWrong() {
        IOException own = new IOException("connection reset");
        assertThatThrownBy(() -> BoundedBody.await(CompletableFuture.failedFuture(own), null)).isSameAs(own);

        IllegalStateException other = new IllegalStateException();
        assertThatThrownBy(() -> BoundedBody.await(CompletableFuture.failedFuture(other), Duration.ofSeconds(1)))
                .isExactlyInstanceOf(IOException.class).hasMessage("IllegalStateException").hasCause(other);
    }

    @Test
    void aCancelledCallEndsWithCancellationWhereverItWasCancelled() {
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        cancelled.cancel(true);
        assertThatThrownBy(() -> BoundedBody.await(cancelled, Duration.ofSeconds(1)))
                .isInstanceOf(CancellationException.class);

        // a stage after a cancelled one: the cancellation comes wrapped, as the HTTP client's answers have it
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> then = first.thenApply(text -> text);
        first.cancel(true);
        assertThatThrownBy(() -> BoundedBody.await(then, Duration.ofSeconds(1))).isInstanceOf(CancellationException.class);
    }
}
