package org.openpista.channel.telegram.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.settings.SettingsSection;
import org.openpista.channel.support.InFlight;
import org.openpista.channel.support.WebhookServer;
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
 * <p>This class decides whether and how the bot runs; {@link BotConnection} connects it and
 * {@link UpdateHandler} answers what arrives. Webhook mode serves {@value TelegramWebhook#PATH}
 * through the HTTP whiteboard as soon as the channel starts (answering 503 until the bot is
 * connected) and calls {@code setWebhook} with the URL, the secret ({@code webhook_secret}, generated and saved to config.toml when empty) and the
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
            WebhookServer<TelegramWebhook> webhookServer) {}

    private final WebhookServer<TelegramWebhook> webhookServer;
    private final WebhookServer.Serving serving;
    private final boolean webhookMode;
    private final String offReason;
    /** The HTTP client and threads, and the markdown renderer: made only when the bot runs. */
    private final BotHttp http;
    private final TelegramFormat format;
    private final InFlight inFlight = new InFlight();
    private final BotConnection connection;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SessionRouter router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ModelSelector models;

    /**
     * @param daemon present only in the daemon, which says whether the bot runs (a single-channel
     *     daemon runs it even when the file does not enable it)
     */
    @Activate
    public TelegramChannel(@Reference AgentGateway gateway, @Reference Pairings pairings,
            @Reference ConfigFileEditor configEditor, @Reference DaemonControl daemon, Config config, BundleContext context) {
        this(gateway, pairings, config, new Environment(stateDir(context), configEditor,
                daemon.runsChannel(UpdateHandler.CHANNEL, config.enabled()), Duration.ofMillis(500),
                WebhookServer.whiteboard(context, TelegramWebhook.PATH, "openpista-telegram-webhook", "the webhook",
                        // a lambda: the servlet API is there only with the web feature, and only a served webhook loads the servlet
                        webhook -> new TelegramWebhookServlet(webhook))));
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
        }, runs, firstBackoff, WebhookServer.none()));
    }

    TelegramChannel(AgentGateway gateway, Pairings pairings, Config config, Environment environment) {
        TelegramSettings settings = TelegramSettings.from(config);
        this.webhookServer = environment.webhookServer();
        String hook = settings.webhookUrl();
        String secret = settings.webhookSecret();
        String off = settings.offReason(environment.runs());
        BotConnection.WebhookTarget webhook = null;
        WebhookServer.Serving registration = null;
        if (off == null && !hook.isEmpty()) {
            if (secret.isEmpty()) {
                secret = TelegramWebhook.generateSecret(environment.configEditor());
            }
            TelegramWebhook served = new TelegramWebhook(secret);
            try {
                registration = webhookServer.serve(served);
                webhook = new BotConnection.WebhookTarget(served, hook, secret);
            } catch (IllegalStateException | LinkageError e) {
                off = "off (webhook mode needs the web chat's HTTP server (the web feature): "
                        + (e instanceof LinkageError ? "it is not installed" : e.getMessage()) + ")";
            }
        }
        this.offReason = off;
        this.webhookMode = webhook != null;
        this.serving = registration;
        if (offReason != null) {
            LOG.info("Telegram channel {}", offReason);
            http = null;
            format = null;
            connection = null;
            return;
        }
        http = new BotHttp();
        format = new TelegramFormat();
        connection = new BotConnection(settings, webhook, environment.stateDir(), environment.firstBackoff(),
                new UpdateHandler.Services(gateway, () -> router, () -> models), pairings, http, format, inFlight);
        connection.start();
    }

    @Override
    public String id() {
        return UpdateHandler.CHANNEL;
    }

    @Override
    public String status() {
        if (connection == null) {
            return offReason;
        }
        String state = connection.state();
        if (webhookMode) {
            String problem = state.startsWith("webhook") ? webhookServer.problem() : null;
            return problem == null ? state : state + "; " + problem;
        }
        String problem = connection.lastPollProblem();
        return problem == null || !state.startsWith("polling") ? state : state + "; last poll failed: " + problem;
    }

    @Override
    public void deliver(String target, String text) throws Exception {
        if (connection == null) {
            throw new IllegalStateException("the Telegram channel is not running: " + offReason);
        }
        BotApi api = connection.runningApi();
        long chatId = chatId(target);
        for (TelegramFormat.Chunk chunk : format.render(text)) {
            api.sendMessage(chatId, chunk.html(), true, null);
        }
    }

    /** @return the chat id of a delivery target, {@code telegram:<chat id>} or just the number */
    static long chatId(String target) {
        String prefix = UpdateHandler.CHANNEL + ":";
        try {
            return Long.parseLong(target.startsWith(prefix) ? target.substring(prefix.length()) : target);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a Telegram target is a numeric chat id, not " + target);
        }
    }

    @Deactivate
    void stop() {
        if (connection != null) {
            connection.stop();
        }
        if (serving != null) {
            serving.close();
        }
        if (connection != null) {
            connection.cancelQuestions();
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
        if (http != null) {
            http.close();
        }
        if (connection != null) {
            connection.awaitStopped();
            LOG.info("Telegram channel stopped");
        }
    }

    /** @return {@code $OPENPISTA_HOME/telegram} */
    static Path stateDir(BundleContext context) {
        return ConfigurationLoader.home(context).resolve("telegram");
    }
}
