package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A fake Discord on 127.0.0.1: the REST API ({@code <api_url>/…} with {@code Authorization: Bot
 * <token>}, JSON bodies and answers, multipart uploads with {@code payload_json} and {@code
 * files[n]}, Discord's error bodies and 429 with {@code retry_after}) and the gateway (see {@link
 * DiscordGateway}: HELLO, IDENTIFY, READY, heartbeats, dispatches with sequence numbers, RESUME).
 *
 * <p>Every route is rate limited as Discord limits it, per bucket (the route with its channel,
 * guild, webhook or interaction): {@value #RATE_LIMIT} requests per {@value #RATE_WINDOW_MS} ms
 * unless {@link #rateLimit} says otherwise, with Discord's {@code X-RateLimit-*} headers on every
 * answer and 429 beyond the limit (see {@link DiscordRateLimits}).
 *
 * <p>REST routes: {@code GET /users/@me}, {@code GET /gateway(/bot)}, {@code GET
 * /oauth2/applications/@me}, {@code POST /users/@me/channels}, {@code POST|GET
 * /channels/{id}/messages}, {@code PATCH /channels/{id}/messages/{id}}, {@code POST
 * /channels/{id}/typing}, {@code PUT /applications/{id}/commands}, {@code POST
 * /interactions/{id}/{token}/callback}. Messages longer than 2,000 characters get 400 (50035).
 *
 * <p>Tests say what users do ({@link #userSendsDm}, {@link #userWrites}, {@link #userRunsCommand},
 * {@link #userPresses}), script failures ({@link #failNext}, {@link #dropConnection}) and read what
 * the bot did ({@link #messages}, {@link #awaitBotMessages}, {@link #callbacks}).
 */
public final class FakeDiscordServer implements AutoCloseable {

    /** The bot user's id. */
    public static final String BOT_ID = "1100000000000000001";
    /** The bot's name. */
    public static final String BOT_NAME = "openpista-bot";
    /** The application's id. */
    public static final String APP_ID = "1100000000000000002";
    /** The guild the bot is in. */
    public static final String GUILD_ID = "1200000000000000001";
    /** The longest message Discord takes. */
    public static final int MAX_TEXT = 2000;

    /** Requests per bucket and window unless {@link #rateLimit} says otherwise (Discord allows 5 messages per 5 s). */
    public static final int RATE_LIMIT = 5;
    /** The window of {@link #RATE_LIMIT}, in ms. */
    public static final long RATE_WINDOW_MS = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A scripted failure of one REST request.
     *
     * @param status the HTTP status, or 0 to drop the connection
     * @param retryAfter for 429: seconds
     * @param global for 429: whether the limit holds every request of the bot ({@code global: true})
     */
    public record Failure(int status, double retryAfter, boolean global) {
        /** A failure of one route. */
        public Failure(int status, double retryAfter) {
            this(status, retryAfter, false);
        }

        /** @return 429 with {@code retry_after} */
        public static Failure rateLimited(double seconds) {
            return new Failure(429, seconds);
        }

        /** @return 429 of the global rate limit, with {@code retry_after} and {@code global: true} */
        public static Failure globalRateLimited(double seconds) {
            return new Failure(429, seconds, true);
        }

        /** @return an HTTP error status */
        public static Failure status(int status) {
            return new Failure(status, 0);
        }

        /** @return the connection drops without an answer */
        public static Failure disconnect() {
            return new Failure(0, 0);
        }

        /** @return no answer at all, the connection held open until the fake closes (status -1 in {@link #calls}) */
        public static Failure noAnswer() {
            return new Failure(-1, 0);
        }
    }

    /**
     * A message as the channel shows it now (edits applied).
     *
     * @param id its snowflake
     * @param channelId its channel
     * @param authorId who wrote it
     * @param content its text
     * @param components its components (button rows), possibly empty
     * @param attachments names of its files
     * @param ephemeralTo for an ephemeral interaction answer, the only user who sees it; else empty
     */
    public record Message(String id, String channelId, String authorId, String content, JsonNode components,
            List<String> attachments, String ephemeralTo) {
        /** @return whether the bot wrote it */
        public boolean fromBot() {
            return authorId.equals(BOT_ID);
        }
    }

    /** A REST request the fake answered: {@code METHOD /path}, its JSON body, the status. */
    public record Call(String route, JsonNode body, int status) {}

    private final String token;
    private final LoopbackHttpServer server;
    private final DiscordGateway gateway;
    private final DiscordRest rest;
    private final DiscordRateLimits limits = new DiscordRateLimits(RATE_LIMIT, Duration.ofMillis(RATE_WINDOW_MS));
    private final List<String> guildChannels = new ArrayList<>();

    /**
     * Starts the fake.
     *
     * @param token the bot token it accepts
     * @param guildChannelIds text channels of the guild {@link #GUILD_ID} the bot is in
     */
    public FakeDiscordServer(String token, String... guildChannelIds) {
        this.token = token;
        guildChannels.addAll(List.of(guildChannelIds));
        this.gateway = new DiscordGateway(token, 2_000, this::ready,
                () -> guildChannels.isEmpty() ? List.of() : List.of(DiscordJson.guild(GUILD_ID, "Fake Guild", guildChannels, DiscordJson.bot())));
        this.rest = new DiscordRest(token, gateway, guildChannels, limits);
        this.server = new LoopbackHttpServer("fake Discord", 0, rest::dispatch);
    }

    /** @return the REST root to configure as {@code api_url}, {@code http://127.0.0.1:PORT/api/v10} */
    public String apiUrl() {
        return server.root() + "/api/v10";
    }

    /** @return the gateway to configure as {@code gateway_url}, {@code ws://127.0.0.1:PORT} */
    public String gatewayUrl() {
        return gateway.url();
    }

    /** @return the DM channel id of a user */
    public static String dmChannel(String userId) {
        return "9" + userId.substring(1);
    }

    // ---------------------------------------------------------------- what users do

    /** A user writes to the bot in their DM. @return the message id */
    public String userSendsDm(String userId, String text) {
        return rest.write(userId, dmChannel(userId), null, text, List.of());
    }

    /**
     * A user sends the bot a file in their DM, with a text (may be empty); the message's {@code
     * attachments} carry its name, type, size and CDN {@code url}, which this server serves.
     *
     * @return the message id
     */
    public String userSendsFileDm(String userId, String text, String fileName, String contentType, byte[] bytes) {
        return rest.writeWithFile(server.root(), userId, dmChannel(userId), text, fileName, contentType, bytes);
    }

    /** @return the attachment paths fetched from the fake CDN, in order */
    public List<String> attachmentDownloads() {
        return rest.fetched();
    }

    /**
     * A user writes in a guild channel, mentioning the bot ({@code <@BOT_ID> text}) or not.
     *
     * @return the message id
     */
    public String userWrites(String userId, String channelId, String text, boolean mention) {
        return rest.write(userId, channelId, GUILD_ID, mention ? "<@" + BOT_ID + "> " + text : text,
                mention ? List.of(DiscordJson.bot()) : List.of());
    }

    /**
     * A user runs a slash command with string options.
     *
     * @return the interaction's id
     */
    public String userRunsCommand(String userId, String channelId, String name, Map<String, String> options) {
        ObjectNode data = DiscordJson.NODES.objectNode().put("id", DiscordJson.commandId(name)).put("name", name).put("type", 1);
        ArrayNode given = data.putArray("options");
        options.forEach((option, value) -> given.addObject().put("name", option).put("type", 3).put("value", value));
        return rest.interact(userId, channelId, 2, data, null);
    }

    /**
     * A user presses a button of a message.
     *
     * @return the interaction's id
     */
    public String userPresses(String userId, String channelId, String messageId, String customId) {
        ObjectNode message = rest.stored(channelId, messageId);
        if (message == null || !message.path("components").toString().contains("\"" + customId + "\"")) {
            throw new IllegalArgumentException("message " + messageId + " in " + channelId + " has no button " + customId);
        }
        ObjectNode data = DiscordJson.NODES.objectNode().put("custom_id", customId).put("component_type", 2);
        return rest.interact(userId, channelId, 3, data, message);
    }

    // ---------------------------------------------------------------- the gateway

    /**
     * Sends a dispatch (op 0) of any type with the given {@code d}, numbered in the current session
     * like every other: for what Discord may send besides messages, such as a large GUILD_CREATE or a
     * payload without a field the bot expects.
     *
     * @return whether a session took it (false before IDENTIFY)
     */
    public boolean dispatch(String type, JsonNode data) {
        return gateway.dispatch(type, data);
    }

    /** Drops the gateway connection without a close frame; the session waits for a RESUME. */
    public void dropConnection() {
        gateway.drop();
    }

    /** Asks the bot to reconnect and resume (op 7). */
    public void requestReconnect() {
        gateway.requestReconnect();
    }

    /** @return whether a gateway connection is attached to the current session */
    public boolean connected() {
        return gateway.connected();
    }

    /** @return how many sessions were started (IDENTIFY) */
    public int identifies() {
        return gateway.identifies();
    }

    /** @return how many sessions were resumed (RESUME) */
    public int resumes() {
        return gateway.resumes();
    }

    /** @return the sequence number the last heartbeat carried ({@code d}), -1 for null or none */
    public long lastHeartbeatSequence() {
        return gateway.lastHeartbeat();
    }

    /** Stops answering heartbeats with ACK (a zombie connection), or answers them again. */
    public void answerHeartbeats(boolean answer) {
        gateway.acking(answer);
    }

    /** Sends INVALID_SESSION (op 9, {@code d} = resumable); a session that is not resumable is forgotten. */
    public void invalidateSession(boolean resumable) {
        gateway.invalidateSession(resumable);
    }

    /** @return how many heartbeats arrived */
    public int heartbeats() {
        return gateway.heartbeats();
    }

    // ---------------------------------------------------------------- failures and records

    /** The next requests of a route (such as {@code POST /channels/{id}/messages}) fail as given. */
    public FakeDiscordServer failNext(String route, Failure... next) {
        rest.failNext(route, List.of(next));
        return this;
    }

    /**
     * Sets every bucket's limit: {@code limit} requests per {@code window}, counted from a bucket's
     * first request (the windows running start anew).
     */
    public FakeDiscordServer rateLimit(int limit, Duration window) {
        limits.set(limit, window);
        return this;
    }

    /** @return every REST request, oldest first */
    public List<Call> calls() {
        return rest.calls();
    }

    /** @return the interaction callbacks received, oldest first: {@code {interaction, type, data}} */
    public List<JsonNode> callbacks() {
        return rest.callbacks();
    }

    /** @return the slash commands registered (the last PUT) */
    public JsonNode commands() {
        return rest.commands();
    }

    /** @return a channel's messages, oldest first, as they look now */
    public List<Message> messages(String channelId) {
        return rest.messages(channelId);
    }

    /** @return the bot's messages of a channel, oldest first */
    public List<Message> botMessages(String channelId) {
        return messages(channelId).stream().filter(Message::fromBot).toList();
    }

    /**
     * Waits until a channel holds at least {@code count} bot messages.
     *
     * @throws AssertionError when they do not come in time
     */
    public List<Message> awaitBotMessages(String channelId, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<Message> bot = botMessages(channelId);
            if (bot.size() >= count) {
                return bot;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(channelId + " has " + bot.size() + " bot message(s), expected " + count + ": " + bot
                        + "; requests: " + rest.calls().stream().map(call -> call.status() + " " + call.route()).toList());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    @Override
    public void close() {
        gateway.close();
        server.close();
    }

    // ---------------------------------------------------------------- REST

    private ObjectNode ready() {
        ObjectNode ready = DiscordJson.NODES.objectNode().put("v", 10);
        ready.set("user", DiscordJson.bot().put("verified", true).put("mfa_enabled", false).put("flags", 0));
        ArrayNode guilds = ready.putArray("guilds");
        if (!guildChannels.isEmpty()) {
            guilds.addObject().put("id", GUILD_ID).put("unavailable", true);
        }
        ready.putArray("private_channels");
        ready.putArray("presences");
        ready.putArray("relationships");
        ready.putObject("application").put("id", APP_ID).put("flags", 0);
        ready.putArray("shard").add(0).add(1);
        return ready;
    }


}
