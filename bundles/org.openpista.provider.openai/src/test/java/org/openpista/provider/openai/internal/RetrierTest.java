package org.openpista.provider.openai.internal;

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
    private final Failures failures = new Failures(new Settings("t", "openai", "", "k", "", 3, null, true));

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
        assertThat(retrier.delay(1, headers("retry-after", "soon"))).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void runsAtMostMaxRetriesPlusOneAttempts() {
        AtomicInteger attempts = new AtomicInteger();
        Retrier retrier = retrier(2);

        ProviderException error = catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
            attempts.incrementAndGet();
            throw failure(Kind.RATE_LIMITED, true);
        }, Cancellation.none(), failures, "test"));

        assertThat(attempts).hasValue(3);
        assertThat(pauses).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(error.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(error.getMessage()).isEqualTo("failed (gave up after 2 retries)");
    }

    @Test
    void doesNotRetryWhatCannotSucceedOrWhatAlreadyStreamed() {
        AtomicInteger attempts = new AtomicInteger();
        Retrier retrier = retrier(5);

        catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
            attempts.incrementAndGet();
            throw failure(Kind.BAD_REQUEST, true);
        }, Cancellation.none(), failures, "test"));
        catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
            attempts.incrementAndGet();
            throw failure(Kind.SERVER, false);
        }, Cancellation.none(), failures, "test"));

        assertThat(attempts).hasValue(2);
        assertThat(pauses).isEmpty();
    }

    @Test
    void stopsRetryingOnceTheTurnIsCancelled() {
        Cancellation cancellation = Cancellation.none();
        AtomicInteger attempts = new AtomicInteger();
        Retrier retrier = new Retrier(5, Duration.ofSeconds(1), Duration.ofSeconds(30), (wait, c) -> c.cancel());

        ProviderException error = catchThrowableOfType(ProviderException.class, () -> retrier.run(() -> {
            attempts.incrementAndGet();
            throw failure(Kind.SERVER, true);
        }, cancellation, failures, "test"));

        assertThat(attempts).hasValue(1);
        assertThat(error.kind()).isEqualTo(Kind.CANCELLED);
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
        return new Retrier.Failure(new ProviderException(kind, "failed"), headers("x", "y"), repeatable);
    }

    private static HttpHeaders headers(String name, String value) {
        return HttpHeaders.of(Map.of(name, List.of(value)), (n, v) -> true);
    }
}
