package org.openpista.channel.slack.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.settings.SettingsSection;
import org.openpista.channel.support.Backoff;
import org.openpista.channel.support.DaemonThreads;
import org.openpista.channel.support.InFlight;
import org.openpista.channel.support.WebhookServer;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack channel: a Slack app whose bot talks to the agent in direct messages and where it is
 * mentioned, one session per thread ({@code slack:<team>:<channel>:<thread_ts>}), answering in the
 * thread. Events arrive over Socket Mode (the default: the app opens a WebSocket, no public URL
 * needed) or, with {@code mode = "http"}, as Events API requests to {@value SlackWebhook#PATH} on
 * the web chat's HTTP server.
 *
 * <p>It runs in the daemon only, when the daemon runs it ({@link DaemonControl#runsChannel}) and
 * its tokens are set; otherwise it stays registered, says why in its status, and does nothing.
 * Connecting happens in the background: {@code auth.test} checks the bot token (a refused token
 * stops the channel with one log line), then Socket Mode connects or the endpoint opens, retrying
 * while Slack is unreachable.
 */
@SettingsSection(value = "channels.slack", pid = SlackChannel.PID,
        env = {"bot_token=SLACK_BOT_TOKEN", "app_token=SLACK_APP_TOKEN", "signing_secret=SLACK_SIGNING_SECRET"},
        formats = {"api_url=url", "allowed_users=csv", "allowed_channels=csv"})
@Component(service = ChannelAdapter.class, property = ChannelAdapter.CHANNEL + "=" + MessageHandler.CHANNEL,
        configurationPid = SlackChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = SlackChannel.Config.class)
public final class SlackChannel implements ChannelAdapter {

    /** The configuration PID ({@code [channels.slack]}). */
    static final String PID = "org.openpista.channel.slack";

    private static final Logger LOG = LoggerFactory.getLogger(SlackChannel.class);
    /** How long stopping waits for answers of turns still running. */
    static final Duration ANSWER_GRACE = Duration.ofSeconds(20);

    /** {@code [channels.slack]} */
    @ObjectClassDefinition(name = "openpista Slack channel", description = "A Slack app that talks to the agent in "
            + "direct messages and where it is mentioned, one session per thread, answering in the thread.")
    public @interface Config {

        @AttributeDefinition(name = "Enabled", description = "Run the app in the daemon (openpista start); openpista "
                + "slack start runs it either way.")
        boolean enabled() default false;

        @AttributeDefinition(name = "Mode", description = "How Slack delivers events: socket (Socket Mode, a WebSocket "
                + "the app opens, no public URL needed; needs app_token) or http (the Events API: Slack posts to "
                + SlackWebhook.PATH + " on the web chat's server, which must be reachable from Slack; needs "
                + "signing_secret, and the same URL as the interactivity request URL).",
                options = {@Option(label = "Socket Mode", value = "socket"), @Option(label = "Events API over HTTP",
                        value = "http")})
        String mode() default "socket";

        @AttributeDefinition(name = "Bot token", description = "The bot user OAuth token (xoxb-…) of the app's "
                + "installation; scopes chat:write, im:history, app_mentions:read, files:write (openpista slack setup "
                + "checks it with auth.test and saves it).", type = AttributeType.PASSWORD)
        String _bot_token() default "";

        @AttributeDefinition(name = "App-level token", description = "The app-level token (xapp-…, scope "
                + "connections:write) Socket Mode connects with.", type = AttributeType.PASSWORD)
        String _app_token() default "";

        @AttributeDefinition(name = "Signing secret", description = "The app's signing secret (Basic Information): "
                + "every Events API and interactivity request must be signed with it.", type = AttributeType.PASSWORD)
        String _signing_secret() default "";

        @AttributeDefinition(name = "Allowed users", description = "Slack user ids (U…) that may talk to the app and "
                + "answer its approval questions; anybody else is told their id and refused.")
        String[] allowed_users() default {};

        @AttributeDefinition(name = "Allowed channels", description = "Channel ids (C…) where mentions are answered; "
                + "empty: every channel the app is a member of. Direct messages are always answered (to allowed users).")
        String[] allowed_channels() default {};

        @AttributeDefinition(name = "API URL", description = "The Web API root; empty: " + SlackSettings.DEFAULT_API + ".")
        String api_url() default "";
    }

    /**
     * What differs between the framework and unit tests.
     *
     * @param stateDir where the event ledger is kept
     * @param runs whether the daemon runs the app ({@link DaemonControl#runsChannel})
     * @param firstBackoff the first pause after a failure
     * @param webhookServer where the Events API endpoint is served in {@code http} mode
     */
    record Environment(Path stateDir, boolean runs, Duration firstBackoff, WebhookServer<SlackWebhook> webhookServer) {}

    private final AgentGateway gateway;
    private final SlackSettings settings;
    private final Environment environment;
    private final String offReason;
    private final SlackWebhook webhook;
    private final WebhookServer.Serving serving;
    /** The markdown renderer: made only when the app runs. */
    private final Mrkdwn format;
    private final InFlight inFlight = new InFlight();
    private final Thread starter;

    private volatile String state = "starting";
    private volatile SlackApi api;
    private volatile SocketModeLink link;
    private volatile Approvals approvals;
    private volatile SlackApi.Identity identity;
    private volatile boolean running;
    private volatile boolean stopped;

    /** @param daemon present only in the daemon, which says whether the app runs */
    @Activate
    public SlackChannel(@Reference AgentGateway gateway, @Reference DaemonControl daemon, Config config,
            BundleContext context) {
        this(gateway, config, new Environment(stateDir(context), daemon.runsChannel(MessageHandler.CHANNEL, config.enabled()),
                Duration.ofMillis(500), WebhookServer.whiteboard(context, SlackWebhook.PATH, "openpista-slack-events",
                        "the Events API endpoint",
                        // a lambda: the servlet API is there only with the web feature, and only a served webhook loads the servlet
                        webhook -> new SlackWebhookServlet(webhook))));
    }

    SlackChannel(AgentGateway gateway, Config config, Environment environment) {
        this.gateway = gateway;
        this.settings = SlackSettings.from(config);
        this.environment = environment;
        String off = settings.offReason(environment.runs());
        SlackWebhook served = null;
        WebhookServer.Serving registration = null;
        if (off == null && settings.httpMode()) {
            served = new SlackWebhook(settings.signingSecret(), Clock.systemUTC());
            try {
                registration = environment.webhookServer().serve(served);
            } catch (IllegalStateException | LinkageError e) {
                served = null;
                off = "off (the Events API needs the web chat's HTTP server (the web feature): "
                        + (e instanceof LinkageError ? "it is not installed" : e.getMessage()) + ")";
            }
        }
        this.offReason = off;
        this.webhook = served;
        this.serving = registration;
        if (offReason != null) {
            state = offReason;
            LOG.info("Slack channel {}", offReason);
            format = null;
            starter = null;
            return;
        }
        format = new Mrkdwn();
        starter = DaemonThreads.named("slack-connect").newThread(this::connect);
        starter.start();
    }

    @Override
    public String id() {
        return MessageHandler.CHANNEL;
    }

    @Override
    public String status() {
        String problem = webhook != null && state.startsWith("events") ? environment.webhookServer().problem() : null;
        SocketModeLink current = link;
        if (current != null && running && current.connections() > 1) {
            problem = "reconnected " + (current.connections() - 1) + " time(s)";
        }
        return problem == null ? state : state + "; " + problem;
    }

    /** @return true: its ready line names the bot, which it learns by connecting */
    @Override
    public boolean hasReadyLines() {
        return true;
    }

    @Override
    public List<String> readyLines() {
        SlackApi.Identity bot = identity;
        if (!running || bot == null) {
            return List.of();
        }
        return List.of("Slack: @" + bot.botName() + " in " + bot.team() + " answers direct messages and mentions"
                + (settings.httpMode() ? " (Events API at " + SlackWebhook.PATH + ")" : " (Socket Mode)"));
    }

    /** @param target {@code <team>:<channel>:<thread_ts>} (a conversation key without {@code slack:}), or a channel id */
    @Override
    public void deliver(String target, String text) throws Exception {
        SlackApi current = api;
        if (current == null || !running) {
            throw new IllegalStateException("the Slack channel is not running: " + state);
        }
        String[] parts = (target.startsWith(MessageHandler.CHANNEL + ":") ? target.substring(6) : target).split(":");
        String channel = parts.length >= 2 ? parts[1] : parts[0];
        String threadTs = parts.length >= 3 ? parts[2] : null;
        if (channel.isBlank()) {
            throw new IllegalArgumentException("a Slack target is <team>:<channel>:<thread_ts> or a channel id, not " + target);
        }
        for (String message : format.render(text)) {
            current.post(channel, threadTs, message, null);
        }
    }

    /** Checks the bot token, then connects Socket Mode or opens the endpoint; retried while Slack cannot be reached. */
    private void connect() {
        SlackApi client = new SlackApi(settings.apiUrl(), settings.botToken(), environment.firstBackoff());
        Backoff backoff = new Backoff(environment.firstBackoff(), Duration.ofSeconds(30));
        SlackApi.Identity me = null;
        while (!stopped && me == null) {
            try {
                me = client.authTest();
            } catch (InterruptedException e) {
                stopped = true;
            } catch (SlackException e) {
                if (e.refused()) {
                    refused("the bot token", e);
                    client.close();
                    return;
                }
                waitFor(e, backoff);
            }
        }
        if (stopped) {
            client.close();
            return;
        }
        identity = me;
        Approvals questions = new Approvals(client, settings::allowsUser);
        MessageHandler handler = new MessageHandler(client, gateway, settings, me, questions, format, inFlight,
                Clock.systemUTC());
        SlackEvents events = new SlackEvents(handler, questions, new EventLedger(EventLedger.fileFor(environment.stateDir(),
                me.teamId())));
        backoff.reset();
        SocketModeLink opened = null;
        if (webhook != null) {
            webhook.open(events);
        } else {
            while (!stopped && opened == null) {
                try {
                    opened = new SocketModeLink(client, settings.appToken(), events,
                            SocketModeLink.Keeping.sdk(environment.firstBackoff()));
                } catch (InterruptedException e) {
                    stopped = true;
                } catch (SlackException e) {
                    if (e.refused()) {
                        refused("the app-level token", e);
                        client.close();
                        return;
                    }
                    waitFor(e, backoff);
                }
            }
        }
        synchronized (this) {
            if (stopped) {
                if (opened != null) {
                    opened.close();
                }
                client.close();
                return;
            }
            api = client;
            approvals = questions;
            link = opened;
            running = true;
        }
        state = (webhook != null ? "events API" : "socket mode") + " as @" + me.botName() + " in " + me.team() + " since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + (settings.apiUrl().equals(SlackSettings.DEFAULT_API) ? "" : " (api " + settings.apiUrl() + ")");
        LOG.info("Slack channel {}; {} allowed user(s)", state, settings.allowedUsers().size());
    }

    private void refused(String what, SlackException e) {
        state = "off (Slack refused " + what + ": " + e.error() + ")";
        LOG.error("Slack channel stopped: Slack refused {} ({}); check [channels.slack]", what, e.error());
    }

    private void waitFor(SlackException e, Backoff backoff) {
        state = "connecting (" + e.getMessage() + ")";
        LOG.warn("Slack is not reachable yet ({}); trying again", e.getMessage());
        try {
            Thread.sleep(backoff.nextMillis());
        } catch (InterruptedException interrupted) {
            stopped = true;
        }
    }

    @Deactivate
    void stop() {
        SocketModeLink current;
        synchronized (this) {
            stopped = true;
            current = link;
            link = null;
            running = false;
        }
        if (starter != null) {
            starter.interrupt();
        }
        if (current != null) {
            current.close(); // what was not acknowledged yet Slack delivers again
        }
        if (webhook != null) {
            webhook.close();
        }
        if (serving != null) {
            serving.close();
        }
        Approvals questions = approvals;
        if (questions != null) {
            questions.cancelAll();
        }
        try {
            if (!inFlight.awaitNone(ANSWER_GRACE)) {
                LOG.warn("Slack channel stops with {} answer(s) not sent after waiting {} s", inFlight.count(),
                        ANSWER_GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (starter != null) {
            try {
                starter.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        SlackApi client = api;
        if (client != null) {
            client.close();
        }
        // let go of the HTTP client: its selector thread runs as long as the client is reachable, and a
        // stopped component may be held a while (status, a test)
        api = null;
        approvals = null;
        if (offReason == null) {
            LOG.info("Slack channel stopped");
        }
    }

    /** @return {@code $OPENPISTA_HOME/slack} */
    static Path stateDir(BundleContext context) {
        return ConfigurationLoader.home(context).resolve("slack");
    }
}
