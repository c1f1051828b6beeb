package org.openpista.channel.discord.internal;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.exceptions.InvalidTokenException;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.utils.Compression;
import net.dv8tion.jda.api.utils.SessionControllerAdapter;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.settings.SettingsSection;
import org.openpista.channel.support.Backoff;
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
 * /model} and approval buttons. It connects to the gateway through JDA, pointed at {@code api_url}
 * (its {@link RestConfig} base URL) and {@code gateway_url} (a {@link SessionControllerAdapter}
 * whose {@code getGateway()} returns it; JDA follows the {@code resume_gateway_url} of READY to
 * resume). JDA resumes dropped sessions and waits out rate limits by itself.
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
    /** How long stopping waits for answers of turns still running. */
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
     */
    record Environment(Path stateDir, boolean runs, Duration firstBackoff) {}

    private final AgentGateway gateway;
    private final DiscordSettings settings;
    private final Environment environment;
    private final String offReason;
    private final InFlight inFlight = new InFlight();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("discord-typing"));
    private final ExecutorService background = Executors.newSingleThreadExecutor(daemon("discord-catch-up"));
    private final Thread starter;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile SessionRouter router;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile ModelSelector models;

    private volatile String state = "starting";
    private volatile JDA jda;
    private volatile Approvals approvals;
    private volatile boolean running;
    private volatile boolean stopped;

    /** @param daemon present only in the daemon, which says whether the bot runs */
    @Activate
    public DiscordChannel(@Reference AgentGateway gateway, @Reference DaemonControl daemon, Config config,
            BundleContext context) {
        this(gateway, config, new Environment(stateDir(context), daemon.runsChannel(MessageHandler.CHANNEL, config.enabled()),
                Duration.ofMillis(500)));
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
        starter = new Thread(this::connect, "discord-connect");
        starter.setDaemon(true);
        starter.start();
    }

    @Override
    public String id() {
        return MessageHandler.CHANNEL;
    }

    @Override
    public String status() {
        JDA current = jda;
        if (running && current != null && current.getStatus() != JDA.Status.CONNECTED) {
            return state + "; gateway " + current.getStatus().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
        }
        return state;
    }

    @Override
    public List<String> readyLines() {
        JDA current = jda;
        if (!running || current == null) {
            return List.of();
        }
        return List.of("Discord: @" + current.getSelfUser().getName() + " answers direct messages, mentions and /ask");
    }

    /** @param target {@code dm:<user>} or {@code <guild>:<channel>} (a conversation key without {@code discord:}) */
    @Override
    public void deliver(String target, String text) throws Exception {
        JDA current = jda;
        if (current == null || !running) {
            throw new IllegalStateException("the Discord channel is not running: " + state);
        }
        String[] parts = (target.startsWith(MessageHandler.CHANNEL + ":") ? target.substring(8) : target).split(":");
        MessageChannel channel = parts.length == 2 && parts[0].equals("dm")
                ? current.openPrivateChannelById(parts[1]).complete()
                : current.getChannelById(MessageChannel.class, parts[parts.length - 1]);
        if (channel == null) {
            throw new IllegalArgumentException("no Discord channel " + target);
        }
        for (String chunk : Chunks.split(text)) {
            channel.sendMessage(chunk).complete();
        }
    }

    /** Logs in, retried while Discord cannot be reached; the gateway connects in the background. */
    private void connect() {
        Backoff backoff = new Backoff(environment.firstBackoff(), Duration.ofSeconds(30));
        Approvals questions = new Approvals(settings::allowsUser);
        while (!stopped) {
            // the bot's id is the token's first part; the ledger is per bot
            MessageLedger ledger = new MessageLedger(MessageLedger.fileFor(environment.stateDir(), botId(settings.token())));
            MessageHandler handler = new MessageHandler(gateway, settings, questions, ledger, inFlight, timer, Clock.systemUTC());
            SlashCommands commands = new SlashCommands(new SlashCommands.Services(gateway, () -> router, () -> models),
                    settings, questions, inFlight, timer);
            DiscordListener listener = new DiscordListener(handler, commands, questions, ledger, background, this::ready);
            try {
                JDA built = JDABuilder.createLight(settings.token(), EnumSet.of(GatewayIntent.DIRECT_MESSAGES,
                        GatewayIntent.GUILD_MESSAGES, GatewayIntent.MESSAGE_CONTENT))
                        .setRestConfig(new RestConfig().setBaseUrl(settings.apiUrl() + "/"))
                        .setSessionController(new GatewayController(settings.gatewayUrl()))
                        .setCompression(Compression.NONE)
                        .setEnableShutdownHook(false)
                        .setAutoReconnect(true)
                        .setMaxReconnectDelay(32)
                        .addEventListeners(listener)
                        .build();
                synchronized (this) {
                    if (stopped) {
                        built.shutdownNow();
                        return;
                    }
                    jda = built;
                    approvals = questions;
                }
                state = "connecting to the gateway";
                return;
            } catch (InvalidTokenException e) {
                state = "off (Discord refused the token)";
                LOG.error("Discord channel stopped: Discord refused the bot token; check [channels.discord] token");
                return;
            } catch (RuntimeException e) {
                String problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                state = "connecting (" + problem + ")";
                LOG.warn("Discord is not reachable yet ({}); trying again", problem);
                try {
                    Thread.sleep(backoff.nextMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private void ready(JDA connected) {
        running = true;
        state = "gateway as @" + connected.getSelfUser().getName() + " since " + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + (settings.apiUrl().equals(DiscordSettings.DEFAULT_API) ? "" : " (api " + settings.apiUrl() + ")");
        LOG.info("Discord channel {}; {} allowed user(s)", state, settings.allowedUsers().size());
    }

    @Deactivate
    void stop() {
        JDA current;
        synchronized (this) {
            stopped = true;
            current = jda;
            running = false;
        }
        if (starter != null) {
            starter.interrupt();
        }
        Approvals questions = approvals;
        if (questions != null) {
            questions.cancelAll();
        }
        background.shutdownNow();
        try {
            if (!inFlight.awaitNone(ANSWER_GRACE)) {
                LOG.warn("Discord channel stops with {} answer(s) not sent after waiting {} s", inFlight.count(),
                        ANSWER_GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (current != null) {
            current.shutdown();
            try {
                if (!current.awaitShutdown(Duration.ofSeconds(5))) {
                    current.shutdownNow();
                }
            } catch (InterruptedException e) {
                current.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
        if (starter != null) {
            try {
                starter.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** @return {@code $OPENPISTA_HOME/discord} */
    static Path stateDir(BundleContext context) {
        return ConfigurationLoader.home(context).resolve("discord");
    }

    /** JDA's session controller with the configured gateway URL instead of Discord's. */
    static final class GatewayController extends SessionControllerAdapter {
        private final String url;

        GatewayController(String url) {
            this.url = url;
        }

        @Override
        public String getGateway() {
            return url;
        }
    }
}
