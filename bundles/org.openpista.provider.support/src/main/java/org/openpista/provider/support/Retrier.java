package org.openpista.provider.support;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ProviderException;
import org.osgi.annotation.versioning.ConsumerType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a request again after rate limits (429) and server errors (5xx, 529): at most {@code
 * maxRetries} more times, waiting {@code base × 2^n} between attempts, or what the server's {@code
 * retry-after-ms} / {@code retry-after} asks for, never longer than {@code cap}. A failure that
 * cannot succeed on another try, or one after which a retry would repeat text the listener already
 * has, ends the run at once. The wait ends early when the turn is cancelled. Thread-safe.
 */
public final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** Waits for real, returning early when the turn is cancelled. */
    public static final Pause SLEEP = (wait, cancellation) -> {
        CountDownLatch cancelled = new CountDownLatch(1);
        Cancellation.Registration registration = cancellation.onCancel(cancelled::countDown);
        try {
            cancelled.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } finally {
            registration.close();
        }
    };

    /**
     * One attempt of a request.
     *
     * @param <T> the result
     */
    @ConsumerType
    @FunctionalInterface
    public interface Attempt<T> {
        /**
         * @return the result
         * @throws ProviderException a failure that ends the run as it is
         * @throws Failure a failure that may deserve another attempt
         */
        T run() throws ProviderException, Failure;
    }

    /** Waits between attempts; tests record the waits instead of sleeping. */
    @ConsumerType
    @FunctionalInterface
    public interface Pause {
        /**
         * Returns after the wait, or earlier once the turn is cancelled.
         *
         * @throws InterruptedException when the thread is interrupted
         */
        void pause(Duration wait, Cancellation cancellation) throws InterruptedException;
    }

    /** How a provider words the failures the retrier makes itself. */
    @ConsumerType
    public interface Wording {
        /**
         * @param interrupted whether the thread was interrupted rather than the turn cancelled
         * @return the {@code CANCELLED} failure
         */
        ProviderException cancelled(boolean interrupted);

        /**
         * @param last the failure of the last attempt
         * @param retries how many retries were made (at least 1)
         * @return the failure reported after the last retry failed too
         */
        ProviderException gaveUp(ProviderException last, int retries);
    }

    /**
     * A failed attempt: the error for the user, the response headers (for {@code retry-after}) and
     * whether trying again is allowed at all (not once streamed text reached the listener). It is
     * retried when it is repeatable and its error {@linkplain ProviderException#isRetryable() is
     * retryable}; otherwise the error ends the run.
     */
    public static final class Failure extends Exception {

        private static final long serialVersionUID = 1L;

        private final transient HttpHeaders headers;
        private final boolean repeatable;

        /**
         * @param error the failure for the user
         * @param headers the response headers, or {@code null} when there were none
         * @param repeatable whether sending the request again is allowed
         */
        public Failure(ProviderException error, HttpHeaders headers, boolean repeatable) {
            super(error.getMessage(), error, false, false);
            this.headers = headers;
            this.repeatable = repeatable;
        }

        /** @return the failure for the user */
        public ProviderException error() {
            return (ProviderException) getCause();
        }

        /** @return the response headers, or {@code null} */
        public HttpHeaders headers() {
            return headers;
        }

        /** @return whether another attempt may succeed */
        public boolean retryable() {
            return repeatable && error().isRetryable();
        }
    }

    private final int maxRetries;
    private final Duration base;
    private final Duration cap;
    private final Pause pause;

    /**
     * @param maxRetries how many times a failed attempt may be repeated (negative counts as 0)
     * @param base the wait before the first retry, doubled for each further one
     * @param cap the longest wait, also when the server asks for more
     * @param pause how to wait, usually {@link #SLEEP}
     */
    public Retrier(int maxRetries, Duration base, Duration cap, Pause pause) {
        this.maxRetries = Math.max(0, maxRetries);
        this.base = base;
        this.cap = cap;
        this.pause = pause;
    }

    /**
     * @param attempt the attempt to run, again after retryable failures
     * @param cancellation the turn's cancellation, checked before every attempt
     * @param wording makes the failures of cancellation and of giving up
     * @param what names the request in log lines
     * @return the first successful result
     * @throws ProviderException the last failure, or {@code CANCELLED}
     */
    public <T> T run(Attempt<T> attempt, Cancellation cancellation, Wording wording, String what) throws ProviderException {
        for (int retry = 0; ; retry++) {
            if (cancellation.isCancelled()) {
                throw wording.cancelled(false);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw wording.cancelled(true);
            }
            try {
                return attempt.run();
            } catch (Failure failure) {
                ProviderException error = failure.error();
                if (!failure.retryable()) {
                    throw error;
                }
                if (retry >= maxRetries) {
                    throw retry == 0 ? error : wording.gaveUp(error, retry);
                }
                Duration wait = delay(retry, failure.headers());
                LOG.info("{}: {}; retry {} of {} in {} ms", what, error.getMessage(), retry + 1, maxRetries, wait.toMillis());
                try {
                    pause.pause(wait, cancellation);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw wording.cancelled(true);
                }
            }
        }
    }

    /**
     * @param retry 0 for the wait before the first retry
     * @param headers the failed response's headers, or {@code null}
     * @return how long to wait: what the server asked for, else exponential backoff; at most the cap
     */
    public Duration delay(int retry, HttpHeaders headers) {
        Duration wait = retryAfter(headers).orElseGet(() -> base.multipliedBy(1L << Math.min(retry, 20)));
        return wait.compareTo(cap) > 0 ? cap : wait;
    }

    /**
     * @param headers a response's headers, or {@code null}
     * @return the wait the response asks for in {@code retry-after-ms} (milliseconds) or {@code
     *     retry-after} (seconds, or an HTTP date, a past one meaning no wait); empty when it asks
     *     for none in a form these headers may take
     */
    public static Optional<Duration> retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        Optional<Duration> millis = headers.firstValue("retry-after-ms").flatMap(value -> amount(value, 1));
        if (millis.isPresent()) {
            return millis;
        }
        String value = headers.firstValue("retry-after").orElse("").strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Optional<Duration> seconds = amount(value, 1000);
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration wanted = Duration.between(ZonedDateTime.now(when.getZone()), when);
            return Optional.of(wanted.isNegative() ? Duration.ZERO : wanted);
        } catch (DateTimeParseException neither) {
            return Optional.empty();
        }
    }

    /** @return a non-negative finite number times {@code millis} milliseconds, rounded up; empty for anything else */
    private static Optional<Duration> amount(String value, long millis) {
        try {
            double number = Double.parseDouble(value.strip());
            if (number >= 0 && !Double.isInfinite(number)) {
                return Optional.of(Duration.ofMillis((long) Math.ceil(number * millis)));
            }
        } catch (NumberFormatException notANumber) {
            // not a number: an HTTP date, or nothing a server should send
        }
        return Optional.empty();
    }
}
