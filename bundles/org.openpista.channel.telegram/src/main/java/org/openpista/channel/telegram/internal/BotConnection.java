package org.openpista.channel.telegram.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openpista.channel.support.Backoff;
import org.openpista.channel.support.DaemonThreads;
import org.openpista.channel.support.InFlight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * The bot's connection to Telegram, made on a background thread: {@code getMe} checks the token (a
 * refused token stops it with one log line), then long polling starts (which deletes a webhook) or
 * the webhook is set, retrying with backoff while Telegram is unreachable. {@link #state()} says
 * where it stands, in the words the channel's status shows.
 */
final class BotConnection {

    // the channel's logger: these lines are the channel's story in the log
    private static final Logger LOG = LoggerFactory.getLogger(TelegramChannel.class);

    /**
     * Where Telegram posts updates in webhook mode.
     *
     * @param served the webhook, already served by the web chat's server
     * @param url the public URL given to {@code setWebhook}
     * @param secret the secret Telegram sends with each delivery
     */
    record WebhookTarget(TelegramWebhook served, String url, String secret) {}

    private final TelegramSettings settings;
    private final Set<Long> allowedUsers;
    private final WebhookTarget webhook;
    private final Path stateDir;
    private final Duration firstBackoff;
    private final UpdateHandler.Services services;
    private final Pairings pairings;
    private final BotHttp http;
    private final TelegramFormat format;
    private final InFlight inFlight;
    private final Thread starter = DaemonThreads.named("telegram-connect").newThread(this::connect);

    private volatile String state = "starting";
    private volatile BotApi api;
    private volatile Poller poller;
    private volatile Approvals approvals;
    private volatile boolean running;
    private volatile boolean stopped;

    /**
     * @param webhook where Telegram posts updates, or {@code null} for long polling
     * @param stateDir where offsets and the webhook ledger are kept
     * @param firstBackoff the first pause after a failure
     * @param http the HTTP client and timer the bot uses (closed by the channel)
     * @param inFlight the turns whose answers are not sent yet
     */
    BotConnection(TelegramSettings settings, WebhookTarget webhook, Path stateDir, Duration firstBackoff,
            UpdateHandler.Services services, Pairings pairings, BotHttp http, TelegramFormat format, InFlight inFlight) {
        this.settings = settings;
        this.allowedUsers = settings.allowed();
        this.webhook = webhook;
        this.stateDir = stateDir;
        this.firstBackoff = firstBackoff;
        this.services = services;
        this.pairings = pairings;
        this.http = http;
        this.format = format;
        this.inFlight = inFlight;
    }

    void start() {
        starter.start();
    }

    /** @return "starting", "connecting (why not yet)", "polling as @bot since …", "webhook as @bot at …" or "off (why)" */
    String state() {
        return state;
    }

    /** @return why the last poll failed, or {@code null} when it did not (or the bot does not poll) */
    String lastPollProblem() {
        Poller current = poller;
        return current == null ? null : current.lastProblem();
    }

    /** @return the Bot API of the connected bot */
    BotApi runningApi() {
        BotApi current = api;
        if (current == null || !running) {
            throw new IllegalStateException("the Telegram channel is not running: " + state);
        }
        return current;
    }

    /** Checks the token, then polls; retried with backoff while Telegram cannot be reached. */
    private void connect() {
        BotTransport transport = new BotTransport(http.calls(), settings.url(), settings.token());
        BotApi botApi = new BotApi(transport, firstBackoff);
        Backoff backoff = new Backoff(firstBackoff, Duration.ofSeconds(30));
        User me = null;
        while (!stopped && me == null) {
            try {
                me = botApi.getMe();
            } catch (BotApiException e) {
                if (e.errorCode() == 401 || e.errorCode() == 404) {
                    state = "off (Telegram refused the token: " + e.getMessage() + ")";
                    LOG.error("Telegram channel stopped: the bot token was refused ({}); check [channels.telegram] token",
                            e.getMessage());
                    return;
                }
                state = "connecting (" + e.getMessage() + ")";
                LOG.warn("Telegram is not reachable yet ({}); trying again", e.getMessage());
                if (!pause(backoff)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
        if (stopped) {
            return;
        }
        Approvals questions = new Approvals(botApi, allowedUsers::contains);
        UpdateHandler handler = new UpdateHandler(botApi, services, pairings, allowedUsers, me, questions, format,
                http.timer(), inFlight, Clock.systemUTC());
        OffsetStore offsets = new OffsetStore(OffsetStore.fileFor(stateDir, me.getId()));
        WebhookLedger ledger = new WebhookLedger(WebhookLedger.fileFor(stateDir, me.getId()));
        Poller.Handler handOver = update -> {
            try {
                handler.handle(update);
            } catch (BotApiException e) {
                LOG.warn("Telegram update {}: {}", update.getUpdateId(), e.getMessage());
            }
        };
        backoff.reset();
        if (webhook != null) {
            receiveByWebhook(botApi, me, questions, new TelegramWebhook.Receiver(handOver, ledger, offsets), backoff);
            return;
        }
        Poller started = new Poller(transport.onOwnCalls(), settings.pollTimeout(), offsets, handOver, firstBackoff,
                this::tokenRefused, ledger::contains);
        while (!stopped) {
            try {
                started.start();
                break;
            } catch (TelegramApiException e) {
                state = "connecting (" + BotApi.describe("deleteWebhook", e) + ")";
                LOG.warn("Telegram polling cannot start yet ({}); trying again", BotApi.describe("deleteWebhook", e));
                if (!pause(backoff)) {
                    started.close();
                    return;
                }
            }
        }
        synchronized (this) {
            if (stopped) {
                started.close();
                return;
            }
            api = botApi;
            approvals = questions;
            poller = started;
            running = true;
        }
        state = "polling as @" + me.getUserName() + sinceAndApi();
        LOG.info("Telegram channel {}; {} allowed user(s), {} paired", state, allowedUsers.size(), pairings.approved().size());
    }

    /** Webhook mode: hands over what the webhook receives, then has Telegram send updates there. */
    private void receiveByWebhook(BotApi botApi, User me, Approvals questions, TelegramWebhook.Receiver receiver,
            Backoff backoff) {
        // open before setWebhook: Telegram may deliver the first update before setWebhook has returned
        webhook.served().open(receiver);
        while (!stopped) {
            try {
                botApi.setWebhook(webhook.url(), webhook.secret(), Poller.ALLOWED_UPDATES);
                break;
            } catch (BotApiException e) {
                if (e.errorCode() >= 400 && e.errorCode() < 500 && e.errorCode() != 429) {
                    webhook.served().close();
                    state = "off (Telegram refused the webhook: " + e.getMessage() + ")";
                    LOG.error("Telegram channel stopped: Telegram refused the webhook {} ({}); check [channels.telegram] "
                            + "webhook_url", webhook.url(), e.getMessage());
                    return;
                }
                state = "connecting (" + e.getMessage() + ")";
                LOG.warn("Telegram webhook cannot be set yet ({}); trying again", e.getMessage());
                if (!pause(backoff)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
        synchronized (this) {
            if (stopped) {
                return;
            }
            api = botApi;
            approvals = questions;
            running = true;
        }
        state = "webhook as @" + me.getUserName() + " at " + webhook.url() + sinceAndApi();
        LOG.info("Telegram channel {}; Telegram posts to it, served at {} of the web chat's server; {} allowed user(s), {} paired",
                state, TelegramWebhook.PATH, allowedUsers.size(), pairings.approved().size());
    }

    /** The token was revoked while polling: stop for good, saying why (from the poll thread, so close elsewhere). */
    private void tokenRefused() {
        Poller current;
        synchronized (this) {
            current = poller;
            poller = null;
            running = false;
        }
        String problem = current == null ? "" : String.valueOf(current.lastProblem());
        state = "off (Telegram refused the token while polling: " + problem + ")";
        LOG.error("Telegram channel stopped: the bot token was refused while polling ({}); check [channels.telegram] token",
                problem);
        if (current != null) {
            DaemonThreads.named("telegram-stop").newThread(current::close).start();
        }
    }

    /** @return " since <now>", and the Bot API server when it is not Telegram's own */
    private String sinceAndApi() {
        TelegramUrl url = settings.url();
        return " since " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + (url.getHost().equals(TelegramUrl.DEFAULT_URL.getHost()) ? ""
                        : " (api " + url.getSchema() + "://" + url.getHost() + ":" + url.getPort() + ")");
    }

    private boolean pause(Backoff backoff) {
        try {
            Thread.sleep(backoff.nextMillis());
            return !stopped;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Stops connecting and receiving: no more polls, and the webhook answers 503 so Telegram delivers again later. */
    void stop() {
        Poller current;
        synchronized (this) {
            stopped = true;
            current = poller;
            poller = null;
            running = false;
        }
        starter.interrupt();
        if (current != null) {
            current.close();
        }
        if (webhook != null) {
            // no new hand-overs, the one under way finishes
            webhook.served().close();
        }
    }

    /** Cancels the approval questions still open. */
    void cancelQuestions() {
        Approvals questions = approvals;
        if (questions != null) {
            questions.cancelAll();
        }
    }

    /** Waits a little for the connecting thread to end. */
    void awaitStopped() {
        try {
            starter.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
