package org.openpista.channel.telegram.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.LongPredicate;
import org.openpista.channel.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/**
 * Long polling, on a thread of its own, made reliable:
 *
 * <ul>
 *   <li>the {@code offset} of each {@code getUpdates} comes from the {@link OffsetStore}, which only
 *       advances after an update was handed over, so Telegram keeps every update that was not;
 *   <li>failed polls back off exponentially up to 30 s and never give up; a 429 waits at least the
 *       {@code retry_after} Telegram sent; a 401 or 404 (the token was revoked) stops polling;
 *   <li>an update that cannot be handled is logged and skipped, and never stops the polling.
 * </ul>
 */
final class Poller implements AutoCloseable {

    /** The kinds of update the bot asks Telegram for, polling or by webhook. */
    static final List<String> ALLOWED_UPDATES = List.of("message", "callback_query");

    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    /**
     * How long a poll may take beyond {@code poll_timeout} before it is given up and polled again (the
     * whole answer, body included: a peer that stalls after the headers cannot hold the bot).
     */
    private static final long POLL_MARGIN_SECONDS = 15;

    /** Hands over one update; throws InterruptedException when the channel stops meanwhile. */
    @FunctionalInterface
    interface Handler {
        void handle(Update update) throws InterruptedException;
    }

    private final BotTransport transport;
    private final OffsetStore offsets;
    private final Handler handler;
    private final int pollTimeoutSeconds;
    private final Duration firstBackoff;
    private final Runnable onTokenRefused;
    private final LongPredicate handledByWebhook;
    private final Thread pollThread;
    private volatile boolean stopping;
    private volatile String lastProblem;

    /**
     * @param transport the Bot API on requests of its own, so that closing aborts the long poll and
     *     never an answer being sent; closed with the poller
     * @param onTokenRefused called (on the poll thread) when Telegram answers a poll with 401 or 404: the
     *     token was revoked, and polling on would only fill the log
     * @param handledByWebhook whether an update was handed over through the webhook before (one
     *     whose request failed after the hand-over is still at Telegram when polling starts again)
     */
    Poller(BotTransport transport, int pollTimeoutSeconds, OffsetStore offsets, Handler handler, Duration firstBackoff,
            Runnable onTokenRefused, LongPredicate handledByWebhook) {
        this.transport = transport;
        this.onTokenRefused = onTokenRefused;
        this.handledByWebhook = handledByWebhook;
        this.pollTimeoutSeconds = pollTimeoutSeconds;
        this.offsets = offsets;
        this.handler = handler;
        this.firstBackoff = firstBackoff;
        this.pollThread = BotHttp.daemonThreads("telegram-poll").newThread(this::pollUntilStopped);
    }

    /**
     * Deletes any webhook (Telegram refuses {@code getUpdates} while one is set) and starts polling.
     *
     * @throws TelegramApiException when Telegram cannot be reached or refuses (the caller retries)
     */
    void start() throws TelegramApiException {
        Boolean deleted = transport.execute(new WebhookDeletion());
        if (!Boolean.TRUE.equals(deleted)) {
            throw new TelegramApiException("Unable to delete Webhook");
        }
        pollThread.start();
    }

    private void pollUntilStopped() {
        Backoff backoff = new Backoff(firstBackoff, Duration.ofSeconds(30));
        while (!stopping) {
            List<Update> updates;
            try {
                updates = transport.execute(request(), Duration.ofSeconds(pollTimeoutSeconds + POLL_MARGIN_SECONDS));
            } catch (TelegramApiException | RuntimeException e) {
                if (stopping) {
                    return;
                }
                // a bug must not end polling for good: it is reported and polled again like a network error
                long wait = failed(e instanceof TelegramApiException api ? api
                        : new TelegramApiException("Unable to execute getUpdates method", e), backoff);
                if (stopping || !pause(wait)) {
                    return;
                }
                continue;
            }
            lastProblem = null;
            backoff.reset();
            consumeAll(updates);
        }
    }

    /** Notes why a poll failed, stops on a refused token, and says how long to wait before the next. */
    private long failed(TelegramApiException error, Backoff backoff) {
        long retryAfter = 0;
        // telegrambots reports an answer it cannot read as a request error with code 0: that is no answer of Telegram's
        if (error instanceof TelegramApiRequestException request && request.getErrorCode() != null
                && request.getErrorCode() != 0) {
            int code = request.getErrorCode();
            String description = request.getApiResponse() == null ? "" : request.getApiResponse();
            lastProblem = code + (description.isEmpty() ? "" : " " + description);
            if (code == 401 || code == 404) {
                stopping = true;
                onTokenRefused.run();
                return 0;
            }
            if (code == 429) {
                Integer seconds = request.getParameters() == null ? null : request.getParameters().getRetryAfter();
                long wait = seconds == null ? 1 : seconds;
                retryAfter = Math.min(Duration.ofMinutes(5).toMillis(), Math.max(1, wait) * 1000);
                LOG.warn("Telegram asks to wait {} s before polling again (429)", wait);
            }
        } else {
            lastProblem = BotApi.problem(error);
        }
        long wait = Math.max(backoff.nextMillis(), retryAfter);
        LOG.warn("Telegram getUpdates failed ({}); polling again in {} ms", lastProblem, wait);
        return wait;
    }

    private boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** @return the next getUpdates request */
    GetUpdates request() {
        return new UpdatesRequest((int) offsets.next(), 100, pollTimeoutSeconds, ALLOWED_UPDATES);
    }

    /** Hands the updates over in order, acknowledging each once it is handed over. */
    void consumeAll(List<Update> updates) {
        for (Update update : updates) {
            if (stopping) {
                return;
            }
            if (update.getUpdateId() < offsets.next()) {
                continue; // already handed over (a poll that raced the last acknowledgement)
            }
            try {
                if (handledByWebhook.test(update.getUpdateId())) {
                    LOG.debug("Telegram update {} was handed over through the webhook already", update.getUpdateId());
                } else {
                    handler.handle(update);
                }
            } catch (InterruptedException e) {
                // stopping: not acknowledged, so the next start fetches it again
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // a bug or an update we cannot read; acknowledging it keeps one bad update from blocking all others
                LOG.error("Telegram update {} could not be handled and is skipped", update.getUpdateId(), e);
            }
            if (!acknowledge(update.getUpdateId())) {
                return;
            }
        }
    }

    private boolean acknowledge(long updateId) {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10));
        while (true) {
            try {
                offsets.acknowledge(updateId);
                return true;
            } catch (IOException e) {
                LOG.error("Cannot record Telegram update {} as handled ({}); retrying", updateId, e.getMessage());
                try {
                    Thread.sleep(backoff.nextMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                if (stopping) {
                    return false;
                }
            }
        }
    }

    /** @return why the last poll failed, or {@code null} when it succeeded */
    String lastProblem() {
        return lastProblem;
    }

    /** Stops polling: the open long poll is aborted, the update being handed over finishes first. */
    @Override
    public void close() {
        stopping = true;
        transport.close();
        if (!pollThread.isAlive() || pollThread == Thread.currentThread()) {
            return;
        }
        try {
            // let the update being handed over finish, then interrupt whatever still waits (a backoff sleep)
            pollThread.join(2000);
            if (pollThread.isAlive()) {
                pollThread.interrupt();
                pollThread.join(10_000);
                if (pollThread.isAlive()) {
                    LOG.warn("The Telegram poll thread did not stop within 12 s");
                }
            }
        } catch (InterruptedException e) {
            pollThread.interrupt();
            Thread.currentThread().interrupt();
        }
    }
}
