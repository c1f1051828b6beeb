package org.openpista.channel.telegram.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;
import okhttp3.Dispatcher;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import org.openpista.channel.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.longpolling.TelegramBotsLongPollingApplication;
import org.telegram.telegrambots.longpolling.interfaces.BackOff;
import org.telegram.telegrambots.longpolling.interfaces.LongPollingUpdateConsumer;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.updates.GetUpdates;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Long polling through telegrambots' {@link TelegramBotsLongPollingApplication}, made reliable:
 *
 * <ul>
 *   <li>the {@code offset} of each {@code getUpdates} comes from the {@link OffsetStore}, which only
 *       advances after an update was handed over, so Telegram keeps every update that was not
 *       (telegrambots' own counter advances before its consumer runs);
 *   <li>failed polls back off exponentially up to 30 s and never give up (telegrambots' default
 *       backoff stops after 15 minutes, and its poller then dies); a 429 waits at least the {@code
 *       retry_after} Telegram sent, read by an interceptor because telegrambots drops the body;
 *   <li>the consumer never throws: an exception would cancel telegrambots' polling task for good.
 * </ul>
 */
final class Poller implements AutoCloseable {

    /** The kinds of update the bot asks Telegram for, polling or by webhook. */
    static final List<String> ALLOWED_UPDATES = List.of("message", "callback_query");

    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Hands over one update; throws InterruptedException when the channel stops meanwhile. */
    @FunctionalInterface
    interface Handler {
        void handle(Update update) throws InterruptedException;
    }

    private final TelegramBotsLongPollingApplication application;
    private final ScheduledExecutorService pollThread;
    private final OkHttpClient http;
    private final OffsetStore offsets;
    private final Handler handler;
    private final String token;
    private final TelegramUrl url;
    private final int pollTimeoutSeconds;
    private final AtomicLong retryAfterMillis = new AtomicLong();
    private final Runnable onTokenRefused;
    private final LongPredicate handledByWebhook;
    private volatile boolean stopping;
    private volatile String lastProblem;

    /**
     * @param onTokenRefused called (on the poll thread) when Telegram answers a poll with 401 or 404: the
     *     token was revoked, and polling on would only fill the log
     * @param handledByWebhook whether an update was handed over through the webhook before (one
     *     whose request failed after the hand-over is still at Telegram when polling starts again)
     */
    Poller(OkHttpClient base, String token, TelegramUrl url, int pollTimeoutSeconds, OffsetStore offsets, Handler handler,
            Duration firstBackoff, Runnable onTokenRefused, LongPredicate handledByWebhook) {
        this.token = token;
        this.onTokenRefused = onTokenRefused;
        this.handledByWebhook = handledByWebhook;
        this.url = url;
        this.pollTimeoutSeconds = pollTimeoutSeconds;
        this.offsets = offsets;
        this.handler = handler;
        this.http = base.newBuilder()
                // a dispatcher of its own, so that stopping aborts the long poll and never an answer being sent
                .dispatcher(new Dispatcher())
                .readTimeout(Duration.ofSeconds(pollTimeoutSeconds + 15L))
                .addInterceptor(this::noteRetryAfter)
                .build();
        this.pollThread = Executors.newSingleThreadScheduledExecutor(BotHttp.daemonThreads("telegram-poll"));
        Backoff backoff = new Backoff(firstBackoff, Duration.ofSeconds(30));
        BackOff pollBackOff = new BackOff() {
            @Override
            public void reset() {
                backoff.reset();
            }

            @Override
            public long nextBackOffMillis() {
                return Math.max(backoff.nextMillis(), retryAfterMillis.getAndSet(0));
            }
        };
        this.application = new TelegramBotsLongPollingApplication(ObjectMapper::new, () -> http, () -> pollThread, () -> pollBackOff);
    }

    /**
     * Deletes any webhook and starts polling.
     *
     * @throws TelegramApiException when Telegram cannot be reached or refuses (the caller retries)
     */
    void start() throws TelegramApiException {
        try {
            register();
        } catch (TelegramApiException e) {
            // telegrambots keeps a bot whose start failed registered, and refuses to register it again
            try {
                application.unregisterBot(token);
            } catch (TelegramApiException notRegistered) {
                e.addSuppressed(notRegistered);
            }
            throw e;
        }
    }

    private void register() throws TelegramApiException {
        application.registerBot(token, () -> url, ignoredCounter -> request(), new LongPollingUpdateConsumer() {
            @Override
            public void consume(List<Update> updates) {
                consumeAll(updates);
            }

            @Override
            public void close() {
                // nothing to release: the poller owns its threads
            }
        });
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

    private Response noteRetryAfter(Interceptor.Chain chain) throws IOException {
        Response response;
        try {
            response = chain.proceed(chain.request());
        } catch (IOException e) {
            if (!stopping) {
                lastProblem = "network error: " + e.getMessage();
            }
            throw e;
        }
        if (response.isSuccessful()) {
            lastProblem = null;
            return response;
        }
        String description = "";
        try {
            description = JSON.readTree(response.peekBody(16_384).string()).path("description").asText("");
        } catch (IOException | RuntimeException e) {
            // not the Bot API's JSON: the status says enough
        }
        lastProblem = response.code() + (description.isEmpty() ? "" : " " + description);
        if ((response.code() == 401 || response.code() == 404) && !stopping) {
            stopping = true;
            onTokenRefused.run();
        }
        if (response.code() == 429) {
            try {
                JsonNode body = JSON.readTree(response.peekBody(16_384).string());
                long seconds = body.path("parameters").path("retry_after").asLong(1);
                retryAfterMillis.set(Math.min(Duration.ofMinutes(5).toMillis(), Math.max(1, seconds) * 1000));
                LOG.warn("Telegram asks to wait {} s before polling again (429)", seconds);
            } catch (IOException | RuntimeException e) {
                retryAfterMillis.set(1000);
            }
        }
        return response;
    }

    /** Stops polling: the open long poll is aborted, the update being handed over finishes first. */
    @Override
    public void close() {
        stopping = true;
        http.dispatcher().cancelAll();
        try {
            application.close();
        } catch (Exception e) {
            LOG.debug("Closing the Telegram long polling application", e);
        }
        // let the update being handed over finish, then interrupt whatever still waits (a backoff sleep)
        pollThread.shutdown();
        try {
            if (!pollThread.awaitTermination(2, TimeUnit.SECONDS)) {
                pollThread.shutdownNow();
                if (!pollThread.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("The Telegram poll thread did not stop within 12 s");
                }
            }
        } catch (InterruptedException e) {
            pollThread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
