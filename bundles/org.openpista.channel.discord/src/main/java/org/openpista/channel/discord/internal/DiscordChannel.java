package org.openpista.channel.discord.internal;

import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.settings.SettingsSection;
import org.openpista.channel.support.Backoff;
import org.openpista.channel.support.DaemonThreads;
import org.openpista.channel.support.InFlight;
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
 * The Discord channel: a bot that talks to the agent in direct messages and where it is mentioned,
 * one session per channel or thread, with the slash commands {@code /ask}, {@code /new} and {@code
 * /model} and approval buttons. It talks to Discord with the JDK's HTTP client, one for both: REST
 * calls under {@code api_url} ({@link DiscordRest}, which waits out rate limits) and the gateway's
 * WebSocket at {@code gateway_url} ({@link GatewaySession}, which resumes dropped sessions at the
 * {@code resume_gateway_url} of READY). Its threads: the HTTP client's selector, one timer
 * (heartbeats, "typing…", reconnects), and HTTP, event and catch-up threads only while they have
 * work.
 *
 * <p>It runs in the daemon only, when the daemon runs it ({@link DaemonControl#runsChannel}) and a
 * token is set; otherwise it stays registered, says why in its status, and does nothing. Logging in
 * happens in the background: a refused token stops the channel with one log line, an unreachable
 * Discord is retried.
 */
@SettingsSection(value = "channels.discord", pid = DiscordChannel.PID, env = "token=DISCORD_BOT_TOKEN",
        formats = {"api_url=url", "allowed_users=csv", "allowed_guilds=csv"})
@Component(service = ChannelAdapter.class, property = ChannelAdapter.CHANNEL + "=" + MessageHandler.CHANNEL,
        configurationPid = DiscordChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = DiscordChannel.Config.class)
public final class DiscordChannel implements ChannelAdapter {

    /** The configuration PID ({@code [channels.discord]}). */
    static final String PID = "org.openpista.channel.discord";

    private static final Logger LOG = LoggerFactory.getLogger(DiscordChannel.class);
    /** How long stopping waits for answers of turns still running and events being handled. */
    static final Duration ANSWER_GRACE = Duration.ofSeconds(20);

    /** {@code [channels.discord]} */
    @ObjectClassDefinition(name = "openpista Discord channel", description = "A Discord bot that talks to the agent in "
            + "direct messages and where it is mentioned, one session per channel or thread.")
    public @interface Config {

        @AttributeDefinition(name = "Enabled", description = "Run the bot in the daemon (openpista start); openpista "
                + "discord start runs it either way.")
        boolean enabled() default false;

        @AttributeDefinition(name = "Bot token", description = "The bot's token (Developer Portal, Bot; the bot needs the "
                + "Message Content intent). openpista discord setup checks and saves it.", type = AttributeType.PASSWORD)
        String _token() default "";

        @AttributeDefinition(name = "Allowed users", description = "Discord user ids (snowflakes) that may talk to the bot "
                + "and answer its approval questions; anybody else is told their id and refused.")
        String[] allowed_users() default {};

        @AttributeDefinition(name = "Allowed servers", description = "Server (guild) ids where mentions and commands are "
                + "answered; empty: every server the bot is in. Direct messages are always answered (to allowed users).")
        String[] allowed_guilds() default {};

        @AttributeDefinition(name = "API URL", description = "The REST API root with its version; empty: "
                + DiscordSettings.DEFAULT_API + ".")
        String api_url() default "";

        @AttributeDefinition(name = "Gateway URL", description = "The gateway's WebSocket URL; empty: "
                + DiscordSettings.DEFAULT_GATEWAY + ".")
        String gateway_url() default "";
    }

    /**
     * What differs between the framework and unit tests.
     *
     * @param stateDir where the message ledger is kept
     * @param runs whether the daemon runs the bot ({@link DaemonControl#runsChannel})
     * @param firstBackoff the first pause after a failure
     * @param answerGrace how long stopping waits for answers and events still being handled
     */
    record Environment(Path stateDir, boolean runs, Duration firstBackoff, Duration answerGrace) {}

    private final AgentGateway gateway;
    private final DiscordSettings settings;
    private final Environment environment;
    private final String offReason;
    private final InFlight inFlight = new InFlight();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("discord-timer"));
    private final ExecutorService events = onDemand("discord-events");
    private final ExecutorService background = onDemand("discord-catch-up");
    /** The HTTP client's: its threads end 10 s after their last frame (the JDK's default pool keeps them 60 s). */
    private final ThreadPoolExecutor http = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), DaemonThreads.named("discord-http"));
    private final Thread starter;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SessionRouter router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ModelSelector models;

    private volatile String state = "starting";
    private volatile HttpClient client;
    private volatile DiscordRest rest;
    private volatile GatewaySession session;
    private volatile String botName;
    private volatile Approvals approvals;
    private volatile boolean running;
    private volatile boolean stopped;

    /** @param daemon present only in the daemon, which says whether the bot runs */
    @Activate
    public DiscordChannel(@Reference AgentGateway gateway, @Reference DaemonControl daemon, Config config,
            BundleContext context) {
        this(gateway, config, new Environment(stateDir(context), daemon.runsChannel(MessageHandler.CHANNEL, config.enabled()),
                Duration.ofMillis(500), ANSWER_GRACE));
    }

    DiscordChannel(AgentGateway gateway, Config config, Environment environment) {
        this.gateway = gateway;
        this.settings = DiscordSettings.from(config);
        this.environment = environment;
        this.offReason = settings.offReason(environment.runs());
        if (offReason != null) {
            state = offReason;
            LOG.info("Discord channel {}", offReason);
            starter = null;
            return;
        }
        starter = DaemonThreads.named("discord-connect").newThread(this::connect);
        starter.start();
    }

    @Override
    public String id() {
        return MessageHandler.CHANNEL;
    }

    @Override
    public String status() {
        GatewaySession current = session;
        String gatewayState = current == null ? null : current.state();
        if (running && gatewayState != null) {
            return state + "; gateway " + gatewayState;
        }
        return state;
    }

    /** @return true: its ready line names the bot, which it learns by connecting */
    @Override
    public boolean hasReadyLines() {
        return true;
    }

    @Override
    public List<String> readyLines() {
        if (!running) {
            return List.of();
        }
        return List.of("Discord: @" + botName + " answers direct messages, mentions and /ask");
    }

    /** @param target {@code dm:<user>} or {@code <guild>:<channel>} (a conversation key without {@code discord:}) */
    @Override
    public void deliver(String target, String text) throws Exception {
        DiscordRest current = rest;
        if (current == null || !running) {
            throw new IllegalStateException("the Discord channel is not running: " + state);
        }
        String[] parts = (target.startsWith(MessageHandler.CHANNEL + ":") ? target.substring(8) : target).split(":");
        String channel = parts.length == 2 && parts[0].equals("dm") ? current.openDm(parts[1]) : parts[parts.length - 1];
        if (!channel.matches("[0-9]{5,25}")) {
            throw new IllegalArgumentException("no Discord channel " + target);
        }
        for (String chunk : Chunks.split(text)) {
            current.send(channel, chunk);
        }
    }

    /**
     * Asks who the token belongs to (retried while Discord cannot be reached), then connects the
     * gateway, which goes on in the background.
     */
    private void connect() {
        Backoff backoff = new Backoff(environment.firstBackoff(), Duration.ofSeconds(30));
        Approvals questions = new Approvals(settings::allowsUser);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(http).build();
        DiscordRest calls = new DiscordRest(client, settings.apiUrl(), settings.token());
        this.client = client;
        while (!stopped) {
            try {
                calls.me();
                break;
            } catch (DiscordRest.DiscordException e) {
                if (e.status() == 401) {
                    refused(4004);
                    return;
                }
                retry(backoff, e.getMessage());
            } catch (UncheckedIOException | IllegalStateException e) {
                if (stopped) {
                    return;
                }
                retry(backoff, e.getMessage());
            }
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
        // the bot's id is the token's first part; the ledger is per bot
        MessageLedger ledger = new MessageLedger(MessageLedger.fileFor(environment.stateDir(), botId(settings.token())));
        MessageHandler handler = new MessageHandler(gateway, calls, settings, questions, ledger, inFlight, timer,
                Clock.systemUTC());
        SlashCommands commands = new SlashCommands(new SlashCommands.Services(gateway, () -> router, () -> models), calls,
                settings, questions, inFlight, timer);
        DiscordListener listener = new DiscordListener(new DiscordListener.Parts(handler, commands, questions, ledger), calls,
                events, background, this::ready, this::refused);
        GatewaySession started = new GatewaySession(client, settings.gatewayUrl(), settings.token(), timer, listener,
                environment.firstBackoff().multipliedBy(2));
        synchronized (this) {
            if (stopped) {
                return;
            }
            rest = calls;
            session = started;
            approvals = questions;
            state = "connecting to the gateway";
            started.start();
        }
    }

    private void retry(Backoff backoff, String problem) {
        state = "connecting (" + problem + ")";
        LOG.warn("Discord is not reachable yet ({}); trying again", problem);
        try {
            Thread.sleep(backoff.nextMillis());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Discord refused the token (401, gateway 4004) or closed the gateway for good (4010-4014). */
    private void refused(int code) {
        running = false;
        if (code == 4004) {
            state = "off (Discord refused the token)";
            LOG.error("Discord channel stopped: Discord refused the bot token; check [channels.discord] token");
        } else {
            state = "off (Discord closed the gateway: " + code + (code == 4014
                    ? ", the bot lacks the Message Content intent (Developer Portal, Bot)" : "") + ")";
            LOG.error("Discord channel stopped: Discord closed the gateway with code {}{}", code, code == 4014
                    ? "; turn on the Message Content intent in the Developer Portal (Bot)" : "");
        }
    }

    private void ready(GatewaySession.Ready ready) {
        botName = ready.userName();
        running = true;
        state = "gateway as @" + ready.userName() + " since " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + (settings.apiUrl().equals(DiscordSettings.DEFAULT_API) ? "" : " (api " + settings.apiUrl() + ")");
        LOG.info("Discord channel {}; {} allowed user(s)", state, settings.allowedUsers().size());
    }

    @Deactivate
    void stop() {
        GatewaySession current;
        synchronized (this) {
            stopped = true;
            current = session;
            running = false;
        }
        if (starter != null) {
            starter.interrupt();
        }
        DiscordRest calls = rest;
        if (calls != null) {
            // an answer waiting for a rate limit that outlasts the grace is not sent
            calls.stopping(environment.answerGrace());
        }
        Approvals questions = approvals;
        if (questions != null) {
            questions.cancelAll();
        }
        background.shutdownNow();
        // answers and events share the grace: Discord not answering holds the stop no longer
        long deadline = System.nanoTime() + environment.answerGrace().toNanos();
        try {
            if (!inFlight.awaitNone(environment.answerGrace())) {
                LOG.warn("Discord channel stops with {} answer(s) not sent after waiting {} s", inFlight.count(),
                        environment.answerGrace().toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (calls != null) {
            // past the grace a rate limit holds nothing: requests waiting for one fail now
            calls.close();
        }
        if (current != null) {
            current.close();
        }
        events.shutdown();
        try {
            events.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.shutdownNow();
        timer.shutdownNow();
        // Java 21's client closes (its selector thread ends); Java 17's ends when it is collected
        if (client instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Closing the Discord HTTP client: {}", e.getMessage());
            }
        }
        http.shutdown();
        if (starter != null) {
            try {
                starter.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Java 17's client ends its selector thread once it is collected: nothing here holds it any more
        client = null;
        rest = null;
        session = null;
        approvals = null;
        if (offReason == null) {
            LOG.info("Discord channel stopped");
        }
    }

    /** @return the bot's id from the token's first part (base64 of the id), or "bot" */
    static String botId(String token) {
        int dot = token.indexOf('.');
        try {
            String id = dot > 0 ? new String(java.util.Base64.getDecoder().decode(token.substring(0, dot)),
                    java.nio.charset.StandardCharsets.UTF_8) : "";
            return id.matches("[0-9]{5,25}") ? id : "bot";
        } catch (IllegalArgumentException e) {
            return "bot";
        }
    }

    /** @return an executor whose one thread runs only while it has work */
    private static ExecutorService onDemand(String name) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                DaemonThreads.named(name));
        executor.allowCoreThreadTimeOut(true);
        return executor;
    }

    /** @return {@code $OPENPISTA_HOME/discord} */
    static Path stateDir(BundleContext context) {
        return ConfigurationLoader.home(context).resolve("discord");
    }
}
