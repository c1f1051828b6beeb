package org.openpista.provider.openai.internal;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ProviderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a request again after rate limits (429) and server errors (5xx): at most {@code maxRetries}
 * more times, waiting {@code base × 2^n} between attempts, or what the server's {@code
 * retry-after-ms} / {@code retry-after} asks for, never longer than {@code cap}. The wait ends early
 * when the turn is cancelled. langchain4j's own retry is switched off: it neither reads {@code
 * retry-after} nor stops waiting on cancellation.
 */
final class Retrier {

    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** One attempt of a request. */
    @FunctionalInterface
    interface Attempt<T> {
        /** @return the result, or throws the attempt's failure */
        T run() throws Failure;
    }

    /** Waits between attempts. Tests replace it to record the waits instead of sleeping. */
    @FunctionalInterface
    interface Pause {
        /**
         * @return normally after the wait
         * @throws InterruptedException when the thread is interrupted
         */
        void pause(Duration wait, Cancellation cancellation) throws InterruptedException;
    }

    /**
     * A failed attempt: the error for the user, the response headers (for {@code retry-after}) and
     * whether trying again is allowed at all (not once streamed text reached the listener).
     */
    static final class Failure extends Exception {

        private static final long serialVersionUID = 1L;

        private final transient HttpHeaders headers;
        private final boolean repeatable;

        Failure(ProviderException error, HttpHeaders headers, boolean repeatable) {
            super(error.getMessage(), error);
            this.headers = headers;
            this.repeatable = repeatable;
        }

        ProviderException error() {
            return (ProviderException) getCause();
        }

        boolean retryable() {
            return repeatable && error().isRetryable();
        }
    }

    /** Waits for real, ending early on cancellation. */
    static final Pause SLEEP = (wait, cancellation) -> {
        CountDownLatch cancelled = new CountDownLatch(1);
        Cancellation.Registration registration = cancellation.onCancel(cancelled::countDown);
        try {
            cancelled.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            registration.close();
        }
    };

    private final int maxRetries;
    private final Duration base;
    private final Duration cap;
    private final Pause pause;

    /**
     * @param maxRetries how many times a failed attempt may be repeated
     * @param base the first wait
     * @param cap the longest wait, also for {@code retry-after}
     * @param pause how to wait
     */
    Retrier(int maxRetries, Duration base, Duration cap, Pause pause) {
        this.maxRetries = Math.max(0, maxRetries);
        this.base = base;
        this.cap = cap;
        this.pause = pause;
    }

    /**
     * @param attempt the attempt to run, again on retryable failures
     * @param cancellation the turn's cancellation; checked before every attempt
     * @param failures makes the cancellation failure
     * @param what names the request in log lines
     * @return the first successful result
     * @throws ProviderException the last failure, or {@code CANCELLED}
     */
    <T> T run(Attempt<T> attempt, Cancellation cancellation, Failures failures, String what) throws ProviderException {
        for (int retry = 0; ; retry++) {
            if (cancellation.isCancelled()) {
                throw failures.cancelled(false);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw failures.cancelled(true);
            }
            try {
                return attempt.run();
            } catch (Failure failure) {
                ProviderException error = failure.error();
                if (!failure.retryable()) {
                    throw error;
                }
                if (retry >= maxRetries) {
                    throw maxRetries == 0 ? error : new ProviderException(error.kind(), error.httpStatus(),
                            error.getMessage() + " (gave up after " + maxRetries + (maxRetries == 1 ? " retry)" : " retries)"),
                            error.getCause());
                }
                Duration wait = delay(retry, failure.headers);
                LOG.info("{}: {}; retry {} of {} in {} ms", what, error.getMessage(), retry + 1, maxRetries, wait.toMillis());
                try {
                    pause.pause(wait, cancellation);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failures.cancelled(true);
                }
            }
        }
    }

    /**
     * @param retry 0 for the wait before the first retry
     * @param headers the failed response's headers, or {@code null}
     * @return how long to wait: what the server asked for, else exponential backoff; at most the cap
     */
    Duration delay(int retry, HttpHeaders headers) {
        Duration wait = retryAfter(headers).orElseGet(() -> base.multipliedBy(1L << Math.min(retry, 20)));
        if (wait.isNegative()) {
            return Duration.ZERO;
        }
        return wait.compareTo(cap) > 0 ? cap : wait;
    }

    /** @return the wait a response asks for in {@code retry-after-ms} or {@code retry-after} (seconds or HTTP date) */
    static Optional<Duration> retryAfter(HttpHeaders headers) {
        if (headers == null) {
            return Optional.empty();
        }
        Optional<String> millis = headers.firstValue("retry-after-ms");
        if (millis.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis((long) Double.parseDouble(millis.get().strip())));
            } catch (NumberFormatException ignored) {
                // fall back to retry-after
            }
        }
        Optional<String> after = headers.firstValue("retry-after");
        if (after.isEmpty()) {
            return Optional.empty();
        }
        String value = after.get().strip();
        try {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                return Optional.of(Duration.between(Instant.now(), when));
            } catch (DateTimeParseException notADate) {
                return Optional.empty();
            }
        }
    }
}
