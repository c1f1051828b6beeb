package org.openpista.provider.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

class RetrierTest {

    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final HttpFailures wording = new HttpFailures("api.example.test", "api.example.test", () -> "");

    @Test
    void backsOffExponentiallyUpToTheCap() {
        Retrier retrier = retrier(10);

        assertThat(retrier.delay(0, null)).isEqualTo(Duration.ofSeconds(1));
        assertThat(retrier.delay(1, null)).isEqualTo(Duration.ofSeconds(2));
        assertThat(retrier.delay(3, null)).isEqualTo(Duration.ofSeconds(8));
        assertThat(retrier.delay(9, null)).isEqualTo(Duration.ofSeconds(30));
        assertThat(retrier.delay(60, null)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void honoursRetryAfterInSecondsMillisecondsAndDatesWithinTheCap() {
        Retrier retrier = retrier(3);
        String inAnHour = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusHours(1));
        String past = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).minusHours(1));

        assertThat(retrier.delay(0, headers("retry-after", "7"))).isEqualTo(Duration.ofSeconds(7));
        assertThat(retrier.delay(0, headers("retry-after", "0.5"))).isEqualTo(Duration.ofMillis(500));
        assertThat(retrier.delay(2, headers("retry-after-ms", "250"))).isEqualTo(Duration.ofMillis(250));
        assertThat(retrier.delay(0, headers("retry-after", "3600"))).isEqualTo(Duration.ofSeconds(30));
        assertThat(retrier.delay(0, headers("retry-after", inAnHour))).isEqualTo(Duration.ofSeconds(30));
        assertThat(retrier.delay(0, headers("retry-after", past))).isEqualTo(Duration.ZERO);
        assertThat(retrier.delay(0, headers("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"))).isEqualTo(Duration.ZERO);
        assertThat(retrier.delay(1, headers("retry-after", "soon"))).isEqualTo(Duration.ofSeconds(2));
        assertThat(retrier.delay(3, headers("retry-after", ""))).isEqualTo(Duration.ofSeconds(8));
    }

    @Test
    void backsOffFromItsOwnBaseAndCap() {
        Retrier retrier = new Retrier(3, Duration.ofMillis(100), Duration.ofSeconds(5), Retrier.SLEEP);

        assertThat(retrier.delay(0, null)).isEqualTo(Duration.ofMillis(100));
        assertThat(retrier.delay(1, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(retrier.delay(10, null)).isEqualTo(Duration.ofSeconds(5));
        assertThat(retrier.delay(0, headers("retry-after", "2"))).isEqualTo(Duration.ofSeconds(2));
        assertThat(retrier.delay(0, headers("retry-after", "0.25"))).isEqualTo(Duration.ofMillis(250));
        assertThat(retrier.delay(2, headers("retry-after", "soon"))).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void ignoresRetryAfterValuesNoServerShouldSend() {
        Retrier retrier = retrier(3);

        assertThat(retrier.delay(0, headers("retry-after", "-5"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(retrier.delay(0, headers("retry-after", "NaN"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(retrier.delay(0, headers("retry-after", "Infinity"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(retrier.delay(0, headers("retry-after-ms", "soon"))).isEqualTo(Duration.ofSeconds(1));
        assertThat(Retrier.retryAfter(headers("retry-after", "0.0004"))).contains(Duration.ofMillis(1));
        assertThat(Retrier.retryAfter(null)).isEmpty();
    }

    @Test
    void runsAtMostMaxRetriesPlusOneAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        Retrier retrier = retrier(2);

        ProviderException error = catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
            attempts.incrementAndGet();
            throw failure(Kind.RATE_LIMITED, true);
        }, Cancellation.none(), wording, "test"));

        assertThat(attempts).hasValue(3);
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(error.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(error.httpStatus()).isEqualTo(429);
        assertThat(error.getMessage()).isEqualTo("failed (gave up after 3 attempts)");
    }

    @Test
    void withoutRetriesTheFailureIsReportedAsItIs() {
        ProviderException first = new ProviderException(Kind.SERVER, 500, "failed", null);

        ProviderException error = catchThrowableOfType(ProviderException.class,
                () -> retrier(0).run(() -> {
                    throw new Retrier.Failure(first, null, true);
                }, Cancellation.none(), wording, "test"));

        assertThat(error).isSameAs(first);
        assertThat(pauses).isEmpty();
    }

    @Test
    void waitsAsTheFailedResponseAsksAndThenSucceeds() throws ProviderException {
        AtomicInteger attempts = new AtomicInteger();

        String answer = retrier(3).run(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new Retrier.Failure(new ProviderException(Kind.RATE_LIMITED, 429, "slow down", null),
                        headers("retry-after", "3"), true);
            }
            return "made it";
        }, Cancellation.none(), wording, "test");

        assertThat(answer).isEqualTo("made it");
        assertThat(pauses).containsExactly(Duration.ofSeconds(3));
    }

    @Test
    void doesNotRetryWhatCannotSucceedOrWhatAlreadyStreamed() {
        AtomicInteger attempts = new AtomicInteger();
        Retrier retrier = retrier(5);

        ProviderException bad = catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
            attempts.incrementAndGet();
            throw failure(Kind.BAD_REQUEST, true);
        }, Cancellation.none(), wording, "test"));
        catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
            attempts.incrementAndGet();
            throw failure(Kind.SERVER, false);
        }, Cancellation.none(), wording, "test"));
        ProviderException plain = catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
            attempts.incrementAndGet();
            throw new ProviderException(Kind.SERVER, "thrown as it is");
        }, Cancellation.none(), wording, "test"));

        assertThat(attempts).hasValue(3);
        assertThat(pauses).isEmpty();
        assertThat(bad.getMessage()).isEqualTo("failed");
        assertThat(plain.getMessage()).isEqualTo("thrown as it is");
    }

    @Test
    void stopsRetryingOnceTheTurnIsCancelled() {
        Cancellation cancellation = Cancellation.none();
        AtomicInteger attempts = new AtomicInteger();
        Retrier retrier = new Retrier(5, Duration.ofSeconds(1), Duration.ofSeconds(30), (wait, c) -> c.cancel());

        ProviderException error = catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
            attempts.incrementAndGet();
            throw failure(Kind.SERVER, true);
        }, cancellation, wording, "test"));

        assertThat(attempts).hasValue(1);
        assertThat(error.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(error.getMessage()).isEqualTo("the request was cancelled");
    }

    @Test
    void sendsNothingWhenAlreadyCancelledOrInterrupted() {
        Cancellation cancelled = Cancellation.none();
        cancelled.cancel();
        AtomicInteger attempts = new AtomicInteger();

        ProviderException error = catchThrowableOfType(ProviderException.class,
                () -> retrier(3).run(attempts::incrementAndGet, cancelled, wording, "test"));
        Thread.currentThread().interrupt();
        ProviderException interrupted;
        try {
            interrupted = catchThrowableOfType(ProviderException.class,
                    () -> retrier(3).run(attempts::incrementAndGet, Cancellation.none(), wording, "test"));
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }

        assertThat(attempts).hasValue(0);
        assertThat(error.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(interrupted.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(interrupted.getMessage()).isEqualTo("the request was interrupted");
    }

    @Test
    void anInterruptedPauseEndsTheRunAndKeepsTheInterrupt() {
        Retrier retrier = new Retrier(5, Duration.ofSeconds(1), Duration.ofSeconds(30), (wait, c) -> {
            throw new InterruptedException();
        });

        ProviderException error;
        try {
            error = catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
                throw failure(Kind.SERVER, true);
            }, Cancellation.none(), wording, "test"));
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }

        assertThat(error.getMessage()).isEqualTo("the request was interrupted");
    }

    @Test
    void theRealPauseEndsEarlyOnCancellation() throws InterruptedException {
        Cancellation cancellation = Cancellation.none();
        cancellation.cancel();

        // would wait ten minutes if cancellation were ignored
        Retrier.SLEEP.pause(Duration.ofMinutes(10), cancellation);

        assertThat(cancellation.isCancelled()).isTrue();
    }

    private Retrier retrier(int maxRetries) {
        return new Retrier(maxRetries, Duration.ofSeconds(1), Duration.ofSeconds(30), (wait, cancellation) -> pauses.add(wait));
    }

    private static Retrier.Failure failure(Kind kind, boolean repeatable) {
        int status = kind == Kind.RATE_LIMITED ? 429 : kind == Kind.SERVER ? 500 : 400;
        return new Retrier.Failure(new ProviderException(kind, status, "failed", null), headers("x", "y"), repeatable);
    }

    private static HttpHeaders headers(String name, String value) {
        return HttpHeaders.of(Map.of(name, List.of(value)), (n, v) -> true);
    }
}
