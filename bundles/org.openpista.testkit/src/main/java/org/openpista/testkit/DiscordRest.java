package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
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
import org.openpista.testkit.FakeDiscordServer.Call;
import org.openpista.testkit.FakeDiscordServer.Failure;
import org.openpista.testkit.FakeDiscordServer.Message;

/**
 * The fake Discord's REST API and the messages, commands and interactions it keeps: the routes
 * {@link FakeDiscordServer} lists, with Discord's authentication, JSON and error bodies.
 */
final class DiscordRest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MESSAGES = Pattern.compile("/channels/(\\d+)/messages");
    private static final Pattern MESSAGE = Pattern.compile("/channels/(\\d+)/messages/(\\d+)");
    private static final Pattern CALLBACK = Pattern.compile("/interactions/(\\d+)/([^/]+)/callback");
    private static final String APP_ID = FakeDiscordServer.APP_ID;
    private static final String GUILD_ID = FakeDiscordServer.GUILD_ID;
    private static final int MAX_TEXT = FakeDiscordServer.MAX_TEXT;
    private static final String BOT_NAME = FakeDiscordServer.BOT_NAME;

    private final String token;
    private final DiscordGateway gateway;
    private final List<String> guildChannels;
    private final DiscordRateLimits limits;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> callbacks = new CopyOnWriteArrayList<>();
    private final List<JsonNode> interactions = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    // guarded by this
    private final Map<String, Deque<Failure>> failures = new HashMap<>();
    private final Map<String, Map<String, ObjectNode>> channels = new LinkedHashMap<>();
    private final Map<String, String> ephemeral = new HashMap<>();
    private JsonNode commands = JSON.createArrayNode();
    /** Files users attached, by the path of their CDN address, and the paths fetched. */
    private final Map<String, byte[]> cdn = new HashMap<>();
    private final List<String> fetched = new CopyOnWriteArrayList<>();

    DiscordRest(String token, DiscordGateway gateway, List<String> guildChannels, DiscordRateLimits limits) {
        this.token = token;
        this.limits = limits;
        this.gateway = gateway;
        this.guildChannels = List.copyOf(guildChannels);
    }

    synchronized void failNext(String route, List<Failure> next) {
        failures.computeIfAbsent(route, r -> new ArrayDeque<>()).addAll(next);
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    List<JsonNode> callbacks() {
        return List.copyOf(callbacks);
    }

    synchronized JsonNode commands() {
        return commands.deepCopy();
    }

    synchronized List<Message> messages(String channelId) {
        return channels.getOrDefault(channelId, Map.of()).values().stream().map(this::view).toList();
    }

    synchronized ObjectNode stored(String channelId, String messageId) {
        ObjectNode message = channels.getOrDefault(channelId, Map.of()).get(messageId);
        return message == null ? null : message.deepCopy();
    }

    String write(String userId, String channelId, String guildId, String text, List<ObjectNode> mentions) {
        String id = DiscordJson.snowflake(sequence.incrementAndGet());
        ObjectNode message = DiscordJson.message(id, channelId, guildId, DiscordJson.user(userId), text, mentions, null, List.of());
        synchronized (this) {
            channels.computeIfAbsent(channelId, c -> new LinkedHashMap<>()).put(id, message);
        }
        gateway.dispatch("MESSAGE_CREATE", message.deepCopy());
        return id;
    }

    /**
     * A user's message with one attachment, served from {@code /attachments/…} of this server as
     * Discord's CDN serves it (no token needed).
     */
    String writeWithFile(String root, String userId, String channelId, String text, String fileName, String contentType,
            byte[] bytes) {
        String id = DiscordJson.snowflake(sequence.incrementAndGet());
        ObjectNode message = DiscordJson.message(id, channelId, null, DiscordJson.user(userId), text, List.of(), null, List.of());
        String path = "/attachments/" + channelId + "/" + id + "/" + fileName;
        message.withArray("attachments").addObject().put("id", id + "0").put("filename", fileName)
                .put("content_type", contentType).put("size", bytes.length).put("url", root + path + "?ex=1")
                .put("proxy_url", root + path);
        synchronized (this) {
            cdn.put(path, bytes.clone());
            channels.computeIfAbsent(channelId, c -> new LinkedHashMap<>()).put(id, message);
        }
        gateway.dispatch("MESSAGE_CREATE", message.deepCopy());
        return id;
    }

    List<String> fetched() {
        return List.copyOf(fetched);
    }

    String interact(String userId, String channelId, int type, JsonNode data, JsonNode message) {
        String id = DiscordJson.snowflake(sequence.incrementAndGet());
        String guildId = isGuildChannel(channelId) ? GUILD_ID : null;
        ObjectNode interaction = DiscordJson.interaction(id, APP_ID, type, "token-" + id, channelId, guildId, DiscordJson.user(userId),
                data, message);
        interactions.add(interaction);
        gateway.dispatch("INTERACTION_CREATE", interaction.deepCopy());
        return id;
    }

    void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/attachments/")) {
                byte[] file;
                synchronized (this) {
                    file = cdn.get(path);
                }
                if (file == null) {
                    answer(exchange, 404, error(0, "404: Not Found"));
                    return;
                }
                fetched.add(path);
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, file.length == 0 ? -1 : file.length);
                exchange.getResponseBody().write(file);
                return;
            }
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
                if (failure.status() < 0) {
                    try {
                        Thread.sleep(Long.MAX_VALUE); // until close() interrupts it
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return;
                }
                if (failure.status() == 429) {
                    rateLimited(exchange, failure.retryAfter(), failure.global());
                } else {
                    answer(exchange, failure.status(), error(0, "Server error"));
                }
                return;
            }
            double wait = limits.take(method, path, exchange.getResponseHeaders());
            if (wait > 0) {
                calls.add(new Call(route, json, 429));
                rateLimited(exchange, wait, false);
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
            return ok(DiscordJson.bot().put("verified", true).put("mfa_enabled", false).put("flags", 0));
        } else if (method.equals("GET") && path.startsWith("/gateway")) {
            ObjectNode gatewayInfo = DiscordJson.NODES.objectNode().put("url", gateway.url()).put("shards", 1);
            gatewayInfo.putObject("session_start_limit").put("total", 1000).put("remaining", 999).put("reset_after", 0)
                    .put("max_concurrency", 1);
            return ok(gatewayInfo);
        } else if (method.equals("GET") && path.equals("/oauth2/applications/@me")) {
            ObjectNode app = DiscordJson.NODES.objectNode().put("id", APP_ID).put("name", BOT_NAME).put("description", "")
                    .put("bot_public", false).put("bot_require_code_grant", false).put("flags", 0);
            app.set("bot", DiscordJson.bot());
            return ok(app);
        } else if (method.equals("POST") && path.equals("/users/@me/channels")) {
            String user = json.path("recipient_id").asText();
            ObjectNode channel = DiscordJson.NODES.objectNode().put("id", FakeDiscordServer.dmChannel(user)).put("type", 1).putNull("last_message_id");
            channel.putArray("recipients").add(DiscordJson.user(user));
            return ok(channel);
        } else if (method.equals("PUT") && path.equals("/applications/" + APP_ID + "/commands")) {
            ArrayNode registered = DiscordJson.NODES.arrayNode();
            for (JsonNode command : json) {
                ObjectNode copy = ((ObjectNode) command).deepCopy().put("id", DiscordJson.commandId(command.path("name").asText()))
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
        ObjectNode created = DiscordJson.message(id, channelId, isGuildChannel(channelId) ? GUILD_ID : null, DiscordJson.bot(), content,
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

    boolean isGuildChannel(String channelId) {
        return guildChannels.contains(channelId);
    }

    /** Answers 429 as Discord does: {@code retry_after} (seconds, with fractions), Retry-After (whole seconds), the scope. */
    private static void rateLimited(HttpExchange exchange, double seconds, boolean global) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", Long.toString((long) Math.ceil(seconds)));
        exchange.getResponseHeaders().set("X-RateLimit-Scope", global ? "global" : "user");
        if (global) {
            exchange.getResponseHeaders().set("X-RateLimit-Global", "true");
        }
        answer(exchange, 429, error(0, "You are being rate limited.").put("retry_after", seconds).put("global", global));
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
