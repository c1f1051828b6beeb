package org.openpista.channel.telegram.internal;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
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
 * <p>It runs when {@code [channels.telegram] enabled = true} (or the daemon of {@code openpista
 * telegram start} names it in {@value #CHANNELS_PROPERTY}) and a token is set ({@code token}, {@code TELEGRAM_BOT_TOKEN} or
 * {@code telegram start --token}); otherwise it stays registered, says why in its status, and does
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
    /**
     * Key of the launcher map: the channels the daemon runs, comma-separated (the daemon's decision,
     * {@link DaemonControl#runsChannel}); without the key, the file's {@code enabled} decides.
     */
    static final String CHANNELS_PROPERTY = "openpista.channels";
    /** Framework (or system) property set by {@code openpista telegram start --token T}: the token to use. */
    static final String TOKEN_PROPERTY = "openpista.telegram.token";

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
     * @param launcher the launcher's properties ({@value #CHANNELS_PROPERTY}, {@value #TOKEN_PROPERTY})
     * @param firstBackoff the first pause after a failure
     * @param webhookServer where the webhook is served in webhook mode
     */
    record Environment(Path stateDir, ConfigFileEditor configEditor, Map<String, String> launcher, Duration firstBackoff,
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
    private final ScheduledExecutorService timer;
    private final ExecutorService httpThreads;
    private final OkHttpClient http;
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
                launcherProperties(context, daemon.runsChannel(UpdateHandler.CHANNEL, config.enabled())), Duration.ofMillis(500),
                new WhiteboardWebhookServer(context)));
    }

    /** Long polling only; for tests. */
    TelegramChannel(AgentGateway gateway, Pairings pairings, Config config, Path stateDir, Map<String, String> launcher,
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
        }, launcher, firstBackoff, WebhookServer.NONE));
    }

    TelegramChannel(AgentGateway gateway, Pairings pairings, Config config, Environment environment) {
        Map<String, String> launcher = environment.launcher();
        this.gateway = gateway;
        this.pairings = pairings;
        this.stateDir = environment.stateDir();
        this.firstBackoff = environment.firstBackoff();
        this.webhookServer = environment.webhookServer();
        this.allowedUsers = Arrays.stream(config.allowed_users()).boxed().collect(Collectors.toUnmodifiableSet());
        this.pollTimeout = Math.max(1, Math.min(50, config.poll_timeout_secs()));
        String launcherToken = launcher.getOrDefault(TOKEN_PROPERTY, "");
        this.token = !launcherToken.isBlank() ? launcherToken.strip() : config._token().strip();
        boolean enabled = launcher.containsKey(CHANNELS_PROPERTY)
                ? Arrays.stream(launcher.get(CHANNELS_PROPERTY).split(",")).map(String::strip).anyMatch(UpdateHandler.CHANNEL::equals)
                : config.enabled();
        TelegramUrl parsed = null;
        String problem = null;
        try {
            parsed = telegramUrl(config.api_url());
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        this.url = parsed;
        String hook = config.webhook_url() == null ? "" : config.webhook_url().strip();
        String secret = config._webhook_secret() == null ? "" : config._webhook_secret().strip();
        if (problem == null && !hook.isEmpty()) {
            problem = webhookProblem(hook, secret);
        }
        String off;
        if (!enabled) {
            off = "off ([channels.telegram] enabled = false)";
        } else if (token.isEmpty()) {
            off = "off (no token: set [channels.telegram] token, TELEGRAM_BOT_TOKEN or telegram start --token)";
        } else if (problem != null) {
            off = "off (" + problem + ")";
        } else {
            off = null;
        }
        TelegramWebhook served = null;
        WebhookServer.Serving registration = null;
        if (off == null && !hook.isEmpty()) {
            if (secret.isEmpty()) {
                secret = generateSecret(environment.configEditor());
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
        this.timer = Executors.newScheduledThreadPool(2, daemonThreads("telegram-typing"));
        this.httpThreads = Executors.newCachedThreadPool(daemonThreads("telegram-http"));
        this.http = new OkHttpClient.Builder()
                .dispatcher(new Dispatcher(httpThreads))
                .addInterceptor(new ErrorBodies())
                .connectionPool(new ConnectionPool(4, 60, TimeUnit.SECONDS))
                .connectTimeout(Duration.ofSeconds(15))
                .readTimeout(Duration.ofSeconds(60))
                .writeTimeout(Duration.ofSeconds(60))
                .build();
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
        OkHttpTelegramClient client = new OkHttpTelegramClient(http, token, url);
        BotApi botApi = new BotApi(client, firstBackoff);
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
                format, timer, inFlight, Clock.systemUTC());
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
        Poller started = new Poller(http, token, url, pollTimeout, offsets, handOver, firstBackoff, this::tokenRefused,
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
        timer.shutdownNow();
        http.dispatcher().cancelAll();
        httpThreads.shutdownNow();
        http.connectionPool().evictAll();
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

    /** @return the Bot API root of {@code api_url}; Telegram's own server when empty */
    static TelegramUrl telegramUrl(String apiUrl) {
        if (apiUrl == null || apiUrl.isBlank()) {
            return TelegramUrl.DEFAULT_URL;
        }
        URI uri;
        try {
            uri = URI.create(apiUrl.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("api_url is not a URL: " + apiUrl);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("api_url must be http(s)://host[:port], not " + apiUrl);
        }
        if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
            // telegrambots builds <scheme>://<host>:<port>/bot<token>/<method> and has no room for a path
            throw new IllegalArgumentException("api_url must be the Bot API root without a path, not " + apiUrl);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return new TelegramUrl(scheme, uri.getHost(), port, false);
    }

    /** @return why the webhook settings cannot work, or {@code null} when they can */
    static String webhookProblem(String webhookUrl, String secret) {
        URI uri;
        try {
            uri = URI.create(webhookUrl);
        } catch (IllegalArgumentException e) {
            return "webhook_url is not a URL: " + webhookUrl;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
            return "webhook_url must be an https:// URL, not " + webhookUrl;
        }
        if (!secret.isEmpty() && !secret.matches("[A-Za-z0-9_-]{1,256}")) {
            return "webhook_secret may only hold 1 to 256 characters out of A-Z, a-z, 0-9, _ and -";
        }
        return null;
    }

    /** Generates a webhook secret and saves it to config.toml; a failed save keeps it for this run only. */
    private static String generateSecret(ConfigFileEditor configEditor) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        try {
            Path file = configEditor.setSecret("channels.telegram", "webhook_secret", secret);
            LOG.info("Generated a Telegram webhook secret and saved it to {} ([channels.telegram] webhook_secret)", file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Generated a Telegram webhook secret but cannot save it to config.toml: {}; it is valid until "
                    + "openpista stops", e.getMessage());
        }
        return secret;
    }

    /** @return {@code $OPENPISTA_HOME/telegram}, or the bundle's data area when no home is set */
    static Path stateDir(BundleContext context) {
        String home = context.getProperty(ConfigurationLoader.HOME_PROPERTY);
        if (home != null && !home.isBlank()) {
            return Path.of(home, "telegram");
        }
        return context.getDataFile("telegram").toPath();
    }

    private static Map<String, String> launcherProperties(BundleContext context, boolean runs) {
        String token = context.getProperty(TOKEN_PROPERTY);
        return Map.of(CHANNELS_PROPERTY, runs ? UpdateHandler.CHANNEL : "", TOKEN_PROPERTY, token == null ? "" : token);
    }

    /**
     * Threads that see this bundle's classes as context class loader: Jackson (its own bundle)
     * resolves the class names telegrambots writes into {@code @JsonTypeInfo} through it, and OkHttp
     * reads answers on these threads.
     */
    static java.util.concurrent.ThreadFactory daemonThreads(String name) {
        ClassLoader bundle = TelegramChannel.class.getClassLoader();
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            thread.setContextClassLoader(bundle);
            return thread;
        };
    }
}
