package org.openpista.channel.telegram.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * The Telegram channel: a bot that talks to the agent, one session per chat ({@code
 * telegram:<chat id>}), receiving updates by long polling or, with {@code webhook_url}, through a
 * webhook on the web chat's HTTP server.
 *
 * <p>It runs in the daemon only, when the daemon runs it ({@link DaemonControl#runsChannel}: {@code
 * enabled = true} for {@code openpista start}, always for {@code openpista telegram start}) and a
 * token is set ({@code token}, {@code TELEGRAM_BOT_TOKEN}, or {@code telegram start --token} for
 * one run); otherwise it stays registered, says why in its status, and does
 * nothing. Connecting happens in the background: {@code getMe} checks the token (a refused token
 * stops the channel with one log line), then polling starts (which deletes a webhook) or the
 * webhook is set, retrying while Telegram is unreachable.
 *
 * <p>Webhook mode serves {@value TelegramWebhook#PATH} through the HTTP whiteboard as soon as the
 * channel starts (answering 503 until the bot is connected) and calls {@code setWebhook} with the
 * URL, the secret ({@code webhook_secret}, generated and saved to config.toml when empty) and the
 * update kinds the bot handles. Stopping leaves the webhook set: Telegram keeps what it cannot
 * deliver and delivers it again once the daemon is back.
 */
@SettingsSection(value = "channels.telegram", pid = TelegramChannel.PID, env = "token=TELEGRAM_BOT_TOKEN",
        formats = {"api_url=url", "webhook_url=url", "webhook_secret=word"})
@Component(service = ChannelAdapter.class, property = ChannelAdapter.CHANNEL + "=" + UpdateHandler.CHANNEL,
        configurationPid = TelegramChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = TelegramChannel.Config.class)
public final class TelegramChannel implements ChannelAdapter {

    /** The configuration PID ({@code [channels.telegram]}). */
    static final String PID = "org.openpista.channel.telegram";

    private static final Logger LOG = LoggerFactory.getLogger(TelegramChannel.class);
    /** How long stopping waits for answers of turns still running. */
    static final Duration ANSWER_GRACE = Duration.ofSeconds(20);

    /** {@code [channels.telegram]} */
    @ObjectClassDefinition(name = "openpista Telegram channel",
            description = "A Telegram bot (long polling) that talks to the agent, one session per chat.")
    public @interface Config {

        @AttributeDefinition(name = "Enabled", description = "Run the bot in the daemon (openpista start); openpista "
                + "telegram start runs it either way.")
        boolean enabled() default false;

        @AttributeDefinition(name = "Bot token", description = "The token from @BotFather (openpista telegram setup checks "
                + "and saves it).", type = AttributeType.PASSWORD)
        String _token() default "";

        @AttributeDefinition(name = "API URL",
                description = "The Bot API root, scheme://host[:port]; empty: Telegram's own server.")
        String api_url() default "";

        @AttributeDefinition(name = "Allowed users",
                description = "Numeric Telegram user ids that may talk to the bot; anybody else gets a pairing code "
                        + "for you to approve.")
        long[] allowed_users() default {};

        @AttributeDefinition(name = "Long poll timeout", description = "Seconds one getUpdates waits for news.", min = "1",
                max = "50")
        int poll_timeout_secs() default 50;

        @AttributeDefinition(name = "Webhook URL", description = "The public HTTPS URL Telegram posts updates to; it must "
                + "reach " + TelegramWebhook.PATH + " on the web chat's server (through a reverse proxy, for instance). "
                + "Empty: long polling.")
        String webhook_url() default "";

        @AttributeDefinition(name = "Webhook secret", description = "Telegram sends it with every webhook request "
                + "(A-Z, a-z, 0-9, _ and -); empty: generated and saved to config.toml.", min = "1", max = "256",
                type = AttributeType.PASSWORD)
        String _webhook_secret() default "";
    }

    /**
     * What differs between the framework and unit tests.
     *
     * @param stateDir where offsets, the webhook ledger and pairings are kept
     * @param configEditor saves a generated webhook secret to config.toml
     * @param runs whether the daemon runs the bot ({@link DaemonControl#runsChannel}): a
     *     single-channel daemon runs it even when the file does not enable it
     * @param firstBackoff the first pause after a failure
     * @param webhookServer where the webhook is served in webhook mode
     */
    record Environment(Path stateDir, ConfigFileEditor configEditor, boolean runs, Duration firstBackoff,
            WebhookServer webhookServer) {}

    private final AgentGateway gateway;
    private final Pairings pairings;
    private final Path stateDir;
    private final Duration firstBackoff;
    private final Set<Long> allowedUsers;
    private final int pollTimeout;
    private final String token;
    private final TelegramUrl url;
    private final String offReason;
    private final String webhookUrl;
    private final String webhookSecret;
    private final TelegramWebhook webhook;
    private final WebhookServer webhookServer;
    private final WebhookServer.Serving serving;
    private final BotHttp http = new BotHttp();
    private final TelegramFormat format = new TelegramFormat();
    private final InFlight inFlight = new InFlight();
    private final Thread starter;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SessionRouter router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ModelSelector models;

    private volatile String state = "starting";
    private volatile BotApi api;
    private volatile Poller poller;
    private volatile Approvals approvals;
    private volatile boolean running;
    private volatile boolean stopped;

    /**
     * @param daemon present only in the daemon, which says whether the bot runs (a single-channel
     *     daemon runs it even when the file does not enable it)
     */
    @Activate
    public TelegramChannel(@Reference AgentGateway gateway, @Reference Pairings pairings,
            @Reference ConfigFileEditor configEditor, @Reference DaemonControl daemon, Config config, BundleContext context) {
        this(gateway, pairings, config, new Environment(stateDir(context), configEditor,
                daemon.runsChannel(UpdateHandler.CHANNEL, config.enabled()), Duration.ofMillis(500),
                new WhiteboardWebhookServer(context)));
    }

    /** Long polling only; for tests. */
    TelegramChannel(AgentGateway gateway, Pairings pairings, Config config, Path stateDir, boolean runs,
            Duration firstBackoff) {
        this(gateway, pairings, config, new Environment(stateDir, new ConfigFileEditor() {
            @Override
            public Path setSecret(String section, String key, String value) throws IOException {
                throw new IOException("long polling saves nothing");
            }

            @Override
            public Path set(String section, Map<String, ?> values) throws IOException {
                throw new IOException("long polling saves nothing");
            }
        }, runs, firstBackoff, WebhookServer.NONE));
    }

    TelegramChannel(AgentGateway gateway, Pairings pairings, Config config, Environment environment) {
        TelegramSettings settings = TelegramSettings.from(config);
        this.gateway = gateway;
        this.pairings = pairings;
        this.stateDir = environment.stateDir();
        this.firstBackoff = environment.firstBackoff();
        this.webhookServer = environment.webhookServer();
        this.allowedUsers = settings.allowed();
        this.pollTimeout = settings.pollTimeout();
        this.token = settings.token();
        this.url = settings.url();
        String hook = settings.webhookUrl();
        String secret = settings.webhookSecret();
        String off = settings.offReason(environment.runs());
        TelegramWebhook served = null;
        WebhookServer.Serving registration = null;
        if (off == null && !hook.isEmpty()) {
            if (secret.isEmpty()) {
                secret = TelegramWebhook.generateSecret(environment.configEditor());
            }
            served = new TelegramWebhook(secret);
            try {
                registration = webhookServer.serve(served);
            } catch (IllegalStateException | LinkageError e) {
                served = null;
                off = "off (webhook mode needs the web chat's HTTP server (the web feature): "
                        + (e instanceof LinkageError ? "it is not installed" : e.getMessage()) + ")";
            }
        }
        this.offReason = off;
        this.webhookUrl = served == null ? null : hook;
        this.webhookSecret = served == null ? null : secret;
        this.webhook = served;
        this.serving = registration;
        if (offReason != null) {
            state = offReason;
            LOG.info("Telegram channel {}", offReason);
            starter = null;
            return;
        }
        starter = new Thread(this::connect, "telegram-connect");
        starter.setDaemon(true);
        starter.start();
    }

    @Override
    public String id() {
        return UpdateHandler.CHANNEL;
    }

    @Override
    public String status() {
        if (webhook != null) {
            String problem = state.startsWith("webhook") ? webhookServer.problem() : null;
            return problem == null ? state : state + "; " + problem;
        }
        Poller current = poller;
        String problem = current == null ? null : current.lastProblem();
        return problem == null || !state.startsWith("polling") ? state : state + "; last poll failed: " + problem;
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
            Thread closer = new Thread(current::close, "telegram-stop");
            closer.setDaemon(true);
            closer.start();
        }
    }

    @Override
    public void deliver(String target, String text) throws Exception {
        BotApi current = api;
        if (current == null || !running) {
            throw new IllegalStateException("the Telegram channel is not running: " + state);
        }
        long chatId;
        try {
            chatId = Long.parseLong(target.startsWith(UpdateHandler.CHANNEL + ":") ? target.substring(UpdateHandler.CHANNEL.length() + 1) : target);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a Telegram target is a numeric chat id, not " + target);
        }
        for (TelegramFormat.Chunk chunk : format.render(text)) {
            current.sendMessage(chatId, chunk.html(), true, null);
        }
    }

    /** Checks the token, then polls; retried with backoff while Telegram cannot be reached. */
    private void connect() {
        OkHttpTelegramClient client = new OkHttpTelegramClient(http.client(), token, url);
        BotApi botApi = new BotApi(client, firstBackoff, new BotApi.FileServer(http.client(), url, token));
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
        UpdateHandler handler = new UpdateHandler(botApi,
                new UpdateHandler.Services(gateway, () -> router, () -> models), pairings, allowedUsers, me, questions,
                format, http.timer(), inFlight, Clock.systemUTC());
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
        Poller started = new Poller(http.client(), token, url, pollTimeout, offsets, handOver, firstBackoff, this::tokenRefused,
                ledger::contains);
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
        webhook.open(receiver);
        while (!stopped) {
            try {
                botApi.setWebhook(webhookUrl, webhookSecret, Poller.ALLOWED_UPDATES);
                break;
            } catch (BotApiException e) {
                if (e.errorCode() >= 400 && e.errorCode() < 500 && e.errorCode() != 429) {
                    webhook.close();
                    state = "off (Telegram refused the webhook: " + e.getMessage() + ")";
                    LOG.error("Telegram channel stopped: Telegram refused the webhook {} ({}); check [channels.telegram] "
                            + "webhook_url", webhookUrl, e.getMessage());
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
        state = "webhook as @" + me.getUserName() + " at " + webhookUrl + sinceAndApi();
        LOG.info("Telegram channel {}; Telegram posts to it, served at {} of the web chat's server; {} allowed user(s), {} paired",
                state, TelegramWebhook.PATH, allowedUsers.size(), pairings.approved().size());
    }

    /** @return " since <now>", and the Bot API server when it is not Telegram's own */
    private String sinceAndApi() {
        return " since " + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
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

    @Deactivate
    void stop() {
        Poller current;
        synchronized (this) {
            stopped = true;
            current = poller;
            poller = null;
            running = false;
        }
        if (starter != null) {
            starter.interrupt();
        }
        if (current != null) {
            current.close();
        }
        if (webhook != null) {
            // no new hand-overs (Telegram gets 503 and delivers again later), the one under way finishes
            webhook.close();
        }
        if (serving != null) {
            serving.close();
        }
        Approvals questions = approvals;
        if (questions != null) {
            questions.cancelAll();
        }
        // the daemon stops channels before the agent core; turns still running get their answers out
        try {
            if (!inFlight.awaitNone(ANSWER_GRACE)) {
                LOG.warn("Telegram channel stops with {} answer(s) not sent after waiting {} s", inFlight.count(),
                        ANSWER_GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
        if (starter != null) {
            try {
                starter.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (offReason == null) {
            LOG.info("Telegram channel stopped");
        }
    }

    /** @return {@code $OPENPISTA_HOME/telegram} */
    static Path stateDir(BundleContext context) {
        return ConfigurationLoader.home(context).resolve("telegram");
    }
}
