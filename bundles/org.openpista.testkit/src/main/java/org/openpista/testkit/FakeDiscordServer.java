package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake Discord on 127.0.0.1: the REST API ({@code <api_url>/…} with {@code Authorization: Bot
 * <token>}, JSON bodies and answers, multipart uploads with {@code payload_json} and {@code
 * files[n]}, Discord's error bodies and 429 with {@code retry_after}) and the gateway (see {@link
 * DiscordGateway}: HELLO, IDENTIFY, READY, heartbeats, dispatches with sequence numbers, RESUME).
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MESSAGES = Pattern.compile("/channels/(\\d+)/messages");
    private static final Pattern MESSAGE = Pattern.compile("/channels/(\\d+)/messages/(\\d+)");
    private static final Pattern CALLBACK = Pattern.compile("/interactions/(\\d+)/([^/]+)/callback");

    /**
     * A scripted failure of one REST request.
     *
     * @param status the HTTP status, or 0 to drop the connection
     * @param retryAfter for 429: seconds
     */
    public record Failure(int status, double retryAfter) {
        /** @return 429 with {@code retry_after} */
        public static Failure rateLimited(double seconds) {
            return new Failure(429, seconds);
        }

        /** @return an HTTP error status */
        public static Failure status(int status) {
            return new Failure(status, 0);
        }

        /** @return the connection drops without an answer */
        public static Failure disconnect() {
            return new Failure(0, 0);
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
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> callbacks = new CopyOnWriteArrayList<>();
    private final List<JsonNode> interactions = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    // guarded by this
    private final Map<String, Deque<Failure>> failures = new HashMap<>();
    private final Map<String, Map<String, ObjectNode>> channels = new LinkedHashMap<>();
    private final Map<String, String> ephemeral = new HashMap<>();
    private final Map<String, String> dmOwners = new HashMap<>();
    private final List<String> guildChannels = new ArrayList<>();
    private JsonNode commands = JSON.createArrayNode();

    /**
     * Starts the fake.
     *
     * @param token the bot token it accepts
     * @param guildChannelIds text channels of the guild {@link #GUILD_ID} the bot is in
     */
    public FakeDiscordServer(String token, String... guildChannelIds) {
        this.token = token;
        guildChannels.addAll(List.of(guildChannelIds));
        this.server = new LoopbackHttpServer("fake Discord", 0, this::dispatch);
        this.gateway = new DiscordGateway(token, 2_000, this::ready,
                () -> guildChannels.isEmpty() ? List.of() : List.of(DiscordJson.guild(GUILD_ID, "Fake Guild", guildChannels, bot())));
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
        synchronized (this) {
            dmOwners.put(dmChannel(userId), userId);
        }
        return write(userId, dmChannel(userId), null, text, List.of());
    }

    /**
     * A user writes in a guild channel, mentioning the bot ({@code <@BOT_ID> text}) or not.
     *
     * @return the message id
     */
    public String userWrites(String userId, String channelId, String text, boolean mention) {
        return write(userId, channelId, GUILD_ID, mention ? "<@" + BOT_ID + "> " + text : text,
                mention ? List.of(bot()) : List.of());
    }

    private String write(String userId, String channelId, String guildId, String text, List<ObjectNode> mentions) {
        String id = DiscordJson.snowflake(sequence.incrementAndGet());
        ObjectNode message = DiscordJson.message(id, channelId, guildId, user(userId), text, mentions, null, List.of());
        synchronized (this) {
            channels.computeIfAbsent(channelId, c -> new LinkedHashMap<>()).put(id, message);
        }
        gateway.dispatch("MESSAGE_CREATE", message.deepCopy());
        return id;
    }

    /**
     * A user runs a slash command with string options.
     *
     * @return the interaction's id
     */
    public String userRunsCommand(String userId, String channelId, String name, Map<String, String> options) {
        ObjectNode data = DiscordJson.NODES.objectNode().put("id", commandId(name)).put("name", name).put("type", 1);
        ArrayNode given = data.putArray("options");
        options.forEach((option, value) -> given.addObject().put("name", option).put("type", 3).put("value", value));
        return interact(userId, channelId, 2, data, null);
    }

    /**
     * A user presses a button of a message.
     *
     * @return the interaction's id
     */
    public String userPresses(String userId, String channelId, String messageId, String customId) {
        ObjectNode message;
        synchronized (this) {
            message = channels.getOrDefault(channelId, Map.of()).get(messageId);
        }
        if (message == null || !message.path("components").toString().contains("\"" + customId + "\"")) {
            throw new IllegalArgumentException("message " + messageId + " in " + channelId + " has no button " + customId);
        }
        ObjectNode data = DiscordJson.NODES.objectNode().put("custom_id", customId).put("component_type", 2);
        return interact(userId, channelId, 3, data, message.deepCopy());
    }

    private String interact(String userId, String channelId, int type, JsonNode data, JsonNode message) {
        String id = DiscordJson.snowflake(sequence.incrementAndGet());
        String guildId = isGuildChannel(channelId) ? GUILD_ID : null;
        ObjectNode interaction = DiscordJson.interaction(id, APP_ID, type, "token-" + id, channelId, guildId, user(userId),
                data, message);
        interactions.add(interaction);
        gateway.dispatch("INTERACTION_CREATE", interaction.deepCopy());
        return id;
    }

    // ---------------------------------------------------------------- the gateway

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

    /** @return how many heartbeats arrived */
    public int heartbeats() {
        return gateway.heartbeats();
    }

    // ---------------------------------------------------------------- failures and records

    /** The next requests of a route (such as {@code POST /channels/{id}/messages}) fail as given. */
    public synchronized FakeDiscordServer failNext(String route, Failure... next) {
        failures.computeIfAbsent(route, r -> new ArrayDeque<>()).addAll(List.of(next));
        return this;
    }

    /** @return every REST request, oldest first */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** @return the interaction callbacks received, oldest first: {@code {interaction, type, data}} */
    public List<JsonNode> callbacks() {
        return List.copyOf(callbacks);
    }

    /** @return the slash commands registered (the last PUT) */
    public synchronized JsonNode commands() {
        return commands.deepCopy();
    }

    /** @return a channel's messages, oldest first, as they look now */
    public synchronized List<Message> messages(String channelId) {
        return channels.getOrDefault(channelId, Map.of()).values().stream().map(this::view).toList();
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
                        + "; requests: " + calls.stream().map(call -> call.status() + " " + call.route()).toList());
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

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            if (!path.startsWith("/api/v10/")) {
                answer(exchange, 404, error(0, "404: Not Found"));
                return;
            }
            path = path.substring("/api/v10".length());
            String method = exchange.getRequestMethod();
            String route = method + " " + path.replaceAll("/\\d{6,}", "/{id}");
            Map<String, byte[]> files = new LinkedHashMap<>();
            JsonNode json = body(exchange.getRequestHeaders().getFirst("Content-Type"), body, files);
            boolean callback = CALLBACK.matcher(path).matches();
            if (!callback && !("Bot " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                calls.add(new Call(route, json, 401));
                answer(exchange, 401, error(0, "401: Unauthorized"));
                return;
            }
            Failure failure = nextFailure(route);
            if (failure != null) {
                calls.add(new Call(route, json, failure.status()));
                if (failure.status() == 0) {
                    return;
                }
                ObjectNode error = error(0, failure.status() == 429 ? "You are being rate limited." : "Server error");
                if (failure.status() == 429) {
                    error.put("retry_after", failure.retryAfter()).put("global", false);
                    exchange.getResponseHeaders().set("Retry-After", Long.toString((long) Math.ceil(failure.retryAfter())));
                    exchange.getResponseHeaders().set("X-RateLimit-Scope", "user");
                }
                answer(exchange, failure.status(), error);
                return;
            }
            Object[] result = handle(method, path, exchange.getRequestURI().getRawQuery(), json, files);
            int status = (int) result[0];
            calls.add(new Call(route, json, status));
            answer(exchange, status, (JsonNode) result[1]);
        }
    }

    private Object[] handle(String method, String path, String query, JsonNode json, Map<String, byte[]> files) {
        Matcher message = MESSAGE.matcher(path);
        Matcher messages = MESSAGES.matcher(path);
        Matcher callback = CALLBACK.matcher(path);
        if (method.equals("GET") && path.equals("/users/@me")) {
            return ok(bot().put("verified", true).put("mfa_enabled", false).put("flags", 0));
        } else if (method.equals("GET") && path.startsWith("/gateway")) {
            ObjectNode gatewayInfo = DiscordJson.NODES.objectNode().put("url", gateway.url()).put("shards", 1);
            gatewayInfo.putObject("session_start_limit").put("total", 1000).put("remaining", 999).put("reset_after", 0)
                    .put("max_concurrency", 1);
            return ok(gatewayInfo);
        } else if (method.equals("GET") && path.equals("/oauth2/applications/@me")) {
            ObjectNode app = DiscordJson.NODES.objectNode().put("id", APP_ID).put("name", BOT_NAME).put("description", "")
                    .put("bot_public", false).put("bot_require_code_grant", false).put("flags", 0);
            app.set("bot", bot());
            return ok(app);
        } else if (method.equals("POST") && path.equals("/users/@me/channels")) {
            String user = json.path("recipient_id").asText();
            synchronized (this) {
                dmOwners.put(dmChannel(user), user);
            }
            ObjectNode channel = DiscordJson.NODES.objectNode().put("id", dmChannel(user)).put("type", 1).putNull("last_message_id");
            channel.putArray("recipients").add(user(user));
            return ok(channel);
        } else if (method.equals("PUT") && path.equals("/applications/" + APP_ID + "/commands")) {
            ArrayNode registered = DiscordJson.NODES.arrayNode();
            for (JsonNode command : json) {
                ObjectNode copy = ((ObjectNode) command).deepCopy().put("id", commandId(command.path("name").asText()))
                        .put("application_id", APP_ID).put("version", "1").put("type", command.path("type").asInt(1));
                registered.add(copy);
            }
            synchronized (this) {
                commands = registered;
            }
            return ok(registered);
        } else if (method.equals("POST") && path.matches("/channels/\\d+/typing")) {
            return new Object[] {204, null};
        } else if (message.matches() && method.equals("PATCH")) {
            return edit(message.group(1), message.group(2), json);
        } else if (messages.matches() && method.equals("POST")) {
            return send(messages.group(1), json, files, "");
        } else if (messages.matches() && method.equals("GET")) {
            return history(messages.group(1), query);
        } else if (callback.matches() && method.equals("POST")) {
            return respond(callback.group(1), json, files);
        }
        return new Object[] {404, error(0, "404: Not Found")};
    }

    private synchronized Object[] send(String channelId, JsonNode json, Map<String, byte[]> files, String ephemeralTo) {
        String content = json.path("content").asText("");
        if (content.length() > MAX_TEXT) {
            ObjectNode error = error(50035, "Invalid Form Body");
            error.putObject("errors").putObject("content").putArray("_errors").addObject().put("code", "BASE_TYPE_MAX_LENGTH")
                    .put("message", "Must be 2000 or fewer in length.");
            return new Object[] {400, error};
        }
        if (content.isEmpty() && files.isEmpty() && json.path("components").isEmpty()) {
            return new Object[] {400, error(50006, "Cannot send an empty message")};
        }
        String id = DiscordJson.snowflake(sequence.incrementAndGet());
        List<String> names = new ArrayList<>();
        for (JsonNode attachment : json.path("attachments")) {
            names.add(attachment.path("filename").asText());
        }
        if (names.isEmpty()) {
            names.addAll(files.keySet());
        }
        ObjectNode created = DiscordJson.message(id, channelId, isGuildChannel(channelId) ? GUILD_ID : null, bot(), content,
                List.of(), json.path("components"), names);
        channels.computeIfAbsent(channelId, c -> new LinkedHashMap<>()).put(id, created);
        if (!ephemeralTo.isEmpty()) {
            ephemeral.put(id, ephemeralTo);
        } else {
            gateway.dispatch("MESSAGE_CREATE", created.deepCopy());
        }
        return ok(created);
    }

    private synchronized Object[] edit(String channelId, String messageId, JsonNode json) {
        ObjectNode old = channels.getOrDefault(channelId, Map.of()).get(messageId);
        if (old == null) {
            return new Object[] {404, error(10008, "Unknown Message")};
        }
        if (json.has("content")) {
            old.put("content", json.path("content").asText(""));
        }
        if (json.has("components")) {
            old.set("components", json.path("components"));
        }
        old.put("edited_timestamp", java.time.Instant.now().toString());
        return ok(old.deepCopy());
    }

    private synchronized Object[] history(String channelId, String query) {
        String after = "0";
        int limit = 50;
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("after=")) {
                after = pair.substring(6);
            } else if (pair.startsWith("limit=")) {
                limit = Integer.parseInt(pair.substring(6));
            }
        }
        long from = Long.parseUnsignedLong(after);
        ArrayNode found = DiscordJson.NODES.arrayNode();
        channels.getOrDefault(channelId, Map.of()).values().stream()
                .filter(message -> Long.parseUnsignedLong(message.path("id").asText()) > from)
                .sorted(Comparator.comparing((ObjectNode message) -> Long.parseUnsignedLong(message.path("id").asText())))
                .limit(limit).sorted(Comparator.comparing((ObjectNode message) -> Long.parseUnsignedLong(message.path("id").asText()))
                        .reversed())
                .forEach(message -> found.add(message.deepCopy()));
        return ok(found);
    }

    private Object[] respond(String interactionId, JsonNode json, Map<String, byte[]> files) {
        ObjectNode record = DiscordJson.NODES.objectNode().put("interaction", interactionId).put("type", json.path("type").asInt());
        record.set("data", json.path("data"));
        callbacks.add(record);
        JsonNode data = json.path("data");
        int type = json.path("type").asInt();
        String channelId = "";
        String userId = "";
        JsonNode pressed = null;
        for (JsonNode dispatched : interactions) {
            if (dispatched.path("id").asText().equals(interactionId)) {
                channelId = dispatched.path("channel_id").asText();
                userId = dispatched.path("member").path("user").path("id").asText(dispatched.path("user").path("id").asText());
                pressed = dispatched.path("message");
            }
        }
        if (type == 4 && !channelId.isEmpty()) {
            boolean isEphemeral = (data.path("flags").asInt() & 64) != 0;
            send(channelId, data, files, isEphemeral ? userId : "");
        } else if (type == 7 && pressed != null && !pressed.isMissingNode()) {
            edit(channelId, pressed.path("id").asText(), data);
        }
        return new Object[] {204, null};
    }

    private Message view(ObjectNode message) {
        List<String> names = new ArrayList<>();
        message.path("attachments").forEach(file -> names.add(file.path("filename").asText()));
        return new Message(message.path("id").asText(), message.path("channel_id").asText(),
                message.path("author").path("id").asText(), message.path("content").asText(""), message.path("components"),
                names, ephemeral.getOrDefault(message.path("id").asText(), ""));
    }

    private synchronized Failure nextFailure(String route) {
        Deque<Failure> next = failures.get(route);
        return next == null ? null : next.poll();
    }

    private synchronized boolean isGuildChannel(String channelId) {
        return guildChannels.contains(channelId);
    }

    private ObjectNode ready() {
        ObjectNode ready = DiscordJson.NODES.objectNode().put("v", 10);
        ready.set("user", bot().put("verified", true).put("mfa_enabled", false).put("flags", 0));
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

    private static ObjectNode bot() {
        return DiscordJson.user(BOT_ID, BOT_NAME, true);
    }

    private static ObjectNode user(String id) {
        return DiscordJson.user(id, "user" + id.substring(id.length() - 4), false);
    }

    private static String commandId(String name) {
        return "13" + String.format("%017d", Math.abs((long) name.hashCode()));
    }

    private static ObjectNode error(int code, String message) {
        return DiscordJson.NODES.objectNode().put("message", message).put("code", code);
    }

    private static Object[] ok(JsonNode body) {
        return new Object[] {200, body};
    }

    private static JsonNode body(String contentType, byte[] body, Map<String, byte[]> files) throws IOException {
        String type = contentType == null ? "" : contentType;
        if (type.startsWith("multipart/form-data")) {
            ObjectNode params = DiscordJson.NODES.objectNode();
            Multipart.parse(type, body, params, files);
            return params.has("payload_json") ? JSON.readTree(params.path("payload_json").asText()) : params;
        }
        if (body.length == 0) {
            return DiscordJson.NODES.objectNode();
        }
        JsonNode parsed = JSON.readTree(body);
        return parsed == null ? DiscordJson.NODES.objectNode() : parsed;
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
