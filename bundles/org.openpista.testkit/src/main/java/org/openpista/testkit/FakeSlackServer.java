package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A fake Slack on 127.0.0.1: the Web API ({@code POST <api_url>/<method>}, form or JSON, token as
 * {@code Authorization: Bearer}, answers {@code {"ok":true,…}} or {@code {"ok":false,"error":…}}),
 * Socket Mode (a WebSocket whose URL {@code apps.connections.open} issues, with {@code hello},
 * envelopes and acknowledgements) and, once told where, the Events API and interactivity as signed
 * HTTP POSTs ({@code X-Slack-Signature: v0=HMAC-SHA256(signing secret, "v0:<ts>:<body>")}).
 *
 * <p>Methods: {@code auth.test}, {@code apps.connections.open} (app token only), {@code
 * chat.postMessage}, {@code chat.update}, {@code chat.postEphemeral}, {@code
 * files.getUploadURLExternal} with the upload it points to, {@code files.completeUploadExternal}.
 * A bot token may not call {@code apps.connections.open} and an app token nothing else ({@code
 * not_allowed_token_type}); other tokens get {@code invalid_auth}. Anything else: {@code
 * unknown_method}.
 *
 * <p>Tests say what users do ({@link #userSendsDm}, {@link #userMentions}, {@link #userPresses}),
 * script failures ({@link #failNext}, {@link #dropConnection}, {@link #loseNextAck}) and read what
 * the app did ({@link #calls}, {@link #messages}, {@link #awaitBotMessages}).
 */
public final class FakeSlackServer implements AutoCloseable {

    /** The workspace. */
    public static final String TEAM_ID = "T0FAKETEAM";
    /** The app. */
    public static final String APP_ID = "A0FAKEAPP";
    /** The app's bot user. */
    public static final String BOT_USER_ID = "U0FAKEBOT";
    /** The bot's name. */
    public static final String BOT_NAME = "openpista";
    /** The longest text {@code chat.postMessage} takes. */
    public static final int MAX_TEXT = 40_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * A scripted failure of one Web API request.
     *
     * @param status the HTTP status, or 0 to drop the connection
     * @param error Slack's {@code error} for a 200 with {@code ok:false}
     * @param retryAfter for 429: the {@code Retry-After} seconds
     */
    public record Failure(int status, String error, int retryAfter) {
        /** @return HTTP 429 with {@code Retry-After} and {@code error: ratelimited} */
        public static Failure rateLimited(int seconds) {
            return new Failure(429, "ratelimited", seconds);
        }

        /** @return an HTTP error status */
        public static Failure status(int status) {
            return new Failure(status, "", 0);
        }

        /** @return the connection drops without an answer */
        public static Failure disconnect() {
            return new Failure(0, "", 0);
        }
    }

    /**
     * A Web API request the fake answered.
     *
     * @param method such as {@code chat.postMessage}
     * @param token the token it carried
     * @param params its parameters (form values as text, JSON as sent)
     * @param status the HTTP status (0: dropped)
     * @param error Slack's error, or empty when it succeeded
     */
    public record Call(String method, String token, JsonNode params, int status, String error) {
        /** @return a parameter as text, or empty */
        public String param(String name) {
            JsonNode value = params.get(name);
            return value == null || value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString();
        }

        /** @return whether Slack said ok */
        public boolean ok() {
            return status == 200 && error.isEmpty();
        }
    }

    /**
     * A message as people in the channel see it now (updates applied).
     *
     * @param ts its timestamp, Slack's message id
     * @param threadTs the thread it belongs to, or empty for a top-level message
     * @param user who wrote it ({@link #BOT_USER_ID} for the bot)
     * @param text its text
     * @param blocks its Block Kit blocks, or a missing node
     * @param files names of the files shared with it
     * @param ephemeralTo for an ephemeral message, the only user who sees it; else empty
     */
    public record Message(String ts, String threadTs, String user, String text, JsonNode blocks, List<String> files,
            String ephemeralTo) {
        /** @return whether the bot wrote it */
        public boolean fromBot() {
            return user.equals(BOT_USER_ID);
        }
    }

    /**
     * One hand-over of an event or a button press to the app.
     *
     * @param kind {@code events_api} or {@code interactive}
     * @param eventId the event's id (empty for a press)
     * @param retryAttempt 0 for the first attempt
     * @param transport {@code socket} or {@code http}
     * @param status 200 when acknowledged, else the HTTP status (0: failed)
     * @param at when
     */
    public record Delivery(String kind, String eventId, int retryAttempt, String transport, int status, Instant at) {}

    private final String botToken;
    private final String appToken;
    private final String signingSecret;
    private final LoopbackHttpServer server;
    private final SlackDeliveries deliveries;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    // guarded by this
    private final Map<String, Deque<Failure>> failures = new HashMap<>();
    private final Map<String, Map<String, Message>> channels = new LinkedHashMap<>();
    private final Map<String, byte[]> uploads = new LinkedHashMap<>();
    private final Map<String, String> uploadNames = new HashMap<>();
    private long clock = Instant.now().getEpochSecond() * 1_000_000L;
    private int events;

    /**
     * Starts the fake.
     *
     * @param botToken the bot token ({@code xoxb-…}) it accepts
     * @param appToken the app-level token ({@code xapp-…}) it accepts for Socket Mode
     * @param signingSecret the secret it signs HTTP deliveries with
     */
    public FakeSlackServer(String botToken, String appToken, String signingSecret) {
        this.botToken = botToken;
        this.appToken = appToken;
        this.signingSecret = signingSecret;
        this.deliveries = new SlackDeliveries(APP_ID, signingSecret);
        this.server = new LoopbackHttpServer("fake Slack", 0, this::dispatch);
    }

    /** @return the Web API root to configure as {@code api_url}, {@code http://127.0.0.1:PORT/api} */
    public String apiUrl() {
        return server.root() + "/api";
    }

    // ---------------------------------------------------------------- what users do

    /**
     * A user writes in their direct message channel with the app ({@code D<user>}).
     *
     * @return the message's ts
     */
    public String userSendsDm(String userId, String text) {
        return userSendsDm(userId, text, "");
    }

    /**
     * A user writes in their direct message channel with the app, in a thread.
     *
     * @param threadTs the thread, or empty for a top-level message
     * @return the message's ts
     */
    public String userSendsDm(String userId, String text, String threadTs) {
        return userWrites(userId, "D" + userId, "im", text, threadTs, false);
    }

    /**
     * A user writes in a channel mentioning the app ({@code <@U0FAKEBOT> text}); Slack sends an
     * {@code app_mention} and, as to apps subscribed to channel messages, a {@code message} event.
     *
     * @param threadTs the thread it is written in, or empty for a top-level message
     * @return the message's ts
     */
    public String userMentions(String userId, String channel, String text, String threadTs) {
        return userWrites(userId, channel, "channel", "<@" + BOT_USER_ID + "> " + text, threadTs, true);
    }

    /**
     * A user writes in a channel without mentioning the app.
     *
     * @return the message's ts
     */
    public String userWritesInChannel(String userId, String channel, String text, String threadTs) {
        return userWrites(userId, channel, "channel", text, threadTs, false);
    }

    private synchronized String userWrites(String userId, String channel, String channelType, String text, String threadTs,
            boolean mention) {
        String ts = nextTs();
        channels.computeIfAbsent(channel, c -> new LinkedHashMap<>())
                .put(ts, new Message(ts, threadTs, userId, text, NODES.missingNode(), List.of(), ""));
        if (mention) {
            ObjectNode event = messageEvent("app_mention", userId, channel, text, ts, threadTs);
            event.remove("channel_type");
            event(event);
        }
        event(messageEvent("message", userId, channel, text, ts, threadTs).put("channel_type", channelType));
        return ts;
    }

    private ObjectNode messageEvent(String type, String userId, String channel, String text, String ts, String threadTs) {
        ObjectNode event = NODES.objectNode().put("type", type).put("user", userId).put("text", text).put("ts", ts)
                .put("channel", channel).put("event_ts", ts).put("team", TEAM_ID);
        if (!threadTs.isEmpty()) {
            event.put("thread_ts", threadTs);
        }
        return event;
    }

    /** Queues an event callback around an event; returns its event id. */
    private synchronized String event(ObjectNode event) {
        String eventId = "Ev" + String.format(Locale.ROOT, "%08d", ++events);
        ObjectNode payload = NODES.objectNode().put("token", "verification-token-unused").put("team_id", TEAM_ID)
                .put("api_app_id", APP_ID);
        payload.set("event", event);
        payload.put("type", "event_callback").put("event_id", eventId).put("event_time", Instant.now().getEpochSecond());
        payload.putArray("authorizations").addObject().put("team_id", TEAM_ID).put("user_id", BOT_USER_ID).put("is_bot", true);
        deliveries.add("events_api", payload, eventId);
        return eventId;
    }

    /**
     * A user presses a button of a bot message.
     *
     * @param actionId the button's {@code action_id}
     * @throws IllegalArgumentException when the message has no such button
     */
    public synchronized void userPresses(String userId, String channel, String messageTs, String actionId) {
        Message message = channels.getOrDefault(channel, Map.of()).get(messageTs);
        if (message == null) {
            throw new IllegalArgumentException("no message " + messageTs + " in " + channel);
        }
        JsonNode button = null;
        String blockId = "";
        for (JsonNode block : message.blocks()) {
            for (JsonNode element : block.path("elements")) {
                if (element.path("action_id").asText().equals(actionId)) {
                    button = element;
                    blockId = block.path("block_id").asText("");
                }
            }
        }
        if (button == null) {
            throw new IllegalArgumentException("message " + messageTs + " has no button " + actionId + ": " + message.blocks());
        }
        ObjectNode payload = NODES.objectNode().put("type", "block_actions").put("api_app_id", APP_ID)
                .put("token", "verification-token-unused").put("trigger_id", "trigger-" + nextTs());
        payload.putObject("user").put("id", userId).put("username", userId.toLowerCase(Locale.ROOT)).put("team_id", TEAM_ID);
        payload.putObject("team").put("id", TEAM_ID).put("domain", "fake");
        payload.putObject("channel").put("id", channel).put("name", channel);
        ObjectNode container = payload.putObject("container").put("type", "message").put("message_ts", messageTs)
                .put("channel_id", channel).put("is_ephemeral", false);
        ObjectNode shown = payload.putObject("message").put("type", "message").put("user", message.user())
                .put("ts", messageTs).put("text", message.text());
        shown.set("blocks", message.blocks());
        if (!message.threadTs().isEmpty()) {
            container.put("thread_ts", message.threadTs());
            shown.put("thread_ts", message.threadTs());
        }
        payload.put("response_url", server.root() + "/actions/" + messageTs);
        ObjectNode action = payload.putArray("actions").addObject().put("action_id", actionId).put("block_id", blockId);
        action.set("text", button.path("text"));
        action.put("value", button.path("value").asText()).put("type", "button").put("action_ts", nextTs());
        deliveries.add("interactive", payload, "");
    }

    // ---------------------------------------------------------------- how events reach the app

    /** From now on events and presses are POSTed to the app's endpoint (Events API), signed, retried until 200. */
    public void postEventsTo(URI endpoint) {
        deliveries.postTo(endpoint);
    }

    /**
     * POSTs a body to the app as Slack would, signed at a given time with a given secret; a test of
     * the app's checks. Delivers nothing that is pending.
     *
     * @param secret the signing secret to sign with, or {@code null} for no signature headers
     * @return the response, or {@code null} when the request failed
     */
    public HttpResponse<String> postSigned(URI endpoint, String contentType, String body, Instant at, String secret) {
        return deliveries.postSigned(endpoint, contentType, body, at.getEpochSecond(), secret, Map.of());
    }

    /** @return the {@code url_verification} body Slack sends when the request URL is saved */
    public static String urlVerification(String challenge) {
        return "{\"token\":\"verification-token-unused\",\"challenge\":\"" + challenge + "\",\"type\":\"url_verification\"}";
    }

    /** @return the signing secret deliveries are signed with */
    public String signingSecret() {
        return signingSecret;
    }

    /** Drops the Socket Mode connection without a close frame; what was not acknowledged comes again. */
    public void dropConnection() {
        deliveries.drop();
    }

    /** Asks the app to reconnect, as Slack does every few hours ({@code disconnect}, {@code refresh_requested}). */
    public void requestRefresh() {
        deliveries.refresh();
    }

    /**
     * The next acknowledgement is lost: in Socket Mode with its connection (the app gets the envelope
     * again on its next one), over HTTP as an answer that came too late (the event is posted again).
     */
    public void loseNextAck() {
        deliveries.loseNextAck();
    }

    /** @return whether a Socket Mode connection is open */
    public boolean connected() {
        return deliveries.connected();
    }

    /** @return how many Socket Mode connections were opened */
    public int connectionsOpened() {
        return deliveries.connectionsOpened();
    }

    /** @return how many events and presses wait for an acknowledgement */
    public int unacknowledged() {
        return deliveries.pendingCount();
    }

    /** @return every delivery attempt, oldest first */
    public List<Delivery> deliveries() {
        return deliveries.log();
    }

    // ---------------------------------------------------------------- failures and records

    /** The next requests of a method fail as given, in order. */
    public synchronized FakeSlackServer failNext(String method, Failure... next) {
        failures.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(List.of(next));
        return this;
    }

    /** @return how many scripted failures of a method are left */
    public synchronized int failuresLeft(String method) {
        return failures.getOrDefault(method, new ArrayDeque<>()).size();
    }

    /** @return the requests of a method, oldest first */
    public List<Call> calls(String method) {
        return calls.stream().filter(call -> call.method().equals(method)).toList();
    }

    /** @return the messages of a channel, oldest first, as they look now */
    public synchronized List<Message> messages(String channel) {
        return List.copyOf(channels.getOrDefault(channel, Map.of()).values());
    }

    /** @return the bot's messages of a channel (ephemeral ones too), oldest first */
    public List<Message> botMessages(String channel) {
        return messages(channel).stream().filter(Message::fromBot).toList();
    }

    /** @return the bytes of an uploaded file by name, or {@code null} */
    public synchronized byte[] upload(String name) {
        for (Map.Entry<String, String> entry : uploadNames.entrySet()) {
            if (entry.getValue().equals(name)) {
                return uploads.get(entry.getKey());
            }
        }
        return null;
    }

    /**
     * Waits until a channel holds at least {@code count} bot messages.
     *
     * @throws AssertionError when they do not come in time
     */
    public List<Message> awaitBotMessages(String channel, int count, Duration timeout) {
        return await(() -> {
            List<Message> bot = botMessages(channel);
            return bot.size() >= count ? bot : null;
        }, timeout, () -> channel + " has " + botMessages(channel).size() + " bot message(s), expected " + count + ": "
                + botMessages(channel));
    }

    /**
     * Waits for a request that matches.
     *
     * @throws AssertionError when none arrives in time
     */
    public Call awaitCall(String method, Predicate<Call> matching, Duration timeout) {
        return await(() -> calls(method).stream().filter(matching).findFirst().orElse(null), timeout,
                () -> "no " + method + " matched: " + calls(method));
    }

    private static <T> T await(java.util.function.Supplier<T> probe, Duration timeout,
            java.util.function.Supplier<String> failure) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T found = probe.get();
            if (found != null) {
                return found;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(failure.get() + " (waited " + timeout + ")");
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
        deliveries.close();
        server.close();
    }

    // ---------------------------------------------------------------- the Web API

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/upload/")) {
                String fileId = path.substring("/upload/".length());
                synchronized (this) {
                    uploads.put(fileId, body);
                }
                answer(exchange, 200, "text/plain", ("OK - " + body.length).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!path.startsWith("/api/")) {
                answer(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String method = path.substring("/api/".length());
            ObjectNode params = params(exchange.getRequestHeaders().getFirst("Content-Type"), body,
                    exchange.getRequestURI().getRawQuery());
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7).strip()
                    : params.path("token").asText("");
            Failure failure = nextFailure(method);
            if (failure != null) {
                calls.add(new Call(method, token, params, failure.status(), failure.error()));
                if (failure.status() == 0) {
                    return;
                }
                if (failure.retryAfter() > 0) {
                    exchange.getResponseHeaders().set("Retry-After", Integer.toString(failure.retryAfter()));
                }
                ObjectNode error = NODES.objectNode().put("ok", false).put("error", failure.error().isEmpty()
                        ? "fatal_error" : failure.error());
                answer(exchange, failure.status(), "application/json", JSON.writeValueAsBytes(error));
                return;
            }
            ObjectNode result = handle(method, token, params);
            String error = result.path("ok").asBoolean() ? "" : result.path("error").asText();
            calls.add(new Call(method, token, params, 200, error));
            answer(exchange, 200, "application/json", JSON.writeValueAsBytes(result));
        }
    }

    private ObjectNode handle(String method, String token, ObjectNode params) {
        boolean app = token.equals(appToken);
        if (!app && !token.equals(botToken)) {
            return fail("invalid_auth");
        }
        if (app != method.equals("apps.connections.open")) {
            return fail("not_allowed_token_type");
        }
        return switch (method) {
            case "auth.test" -> NODES.objectNode().put("ok", true).put("url", "https://fake.slack.test/").put("team", "Fake Team")
                    .put("user", BOT_NAME).put("team_id", TEAM_ID).put("user_id", BOT_USER_ID).put("bot_id", "B0FAKEBOT")
                    .put("is_enterprise_install", false);
            case "apps.connections.open" -> NODES.objectNode().put("ok", true).put("url", deliveries.issueUrl());
            case "chat.postMessage", "chat.postEphemeral" -> post(params, method.equals("chat.postEphemeral"));
            case "chat.update" -> update(params);
            case "files.getUploadURLExternal" -> uploadUrl(params);
            case "files.completeUploadExternal" -> completeUpload(params);
            default -> fail("unknown_method");
        };
    }

    private synchronized ObjectNode post(ObjectNode params, boolean ephemeral) {
        String channel = params.path("channel").asText("");
        String text = params.path("text").asText("");
        JsonNode blocks = json(params.path("blocks"));
        if (channel.isEmpty()) {
            return fail("channel_not_found");
        }
        if (text.isEmpty() && blocks.isMissingNode()) {
            return fail("no_text");
        }
        if (text.length() > MAX_TEXT) {
            return fail("msg_too_long");
        }
        String threadTs = params.path("thread_ts").asText("");
        String ts = nextTs();
        String to = ephemeral ? params.path("user").asText("") : "";
        channels.computeIfAbsent(channel, c -> new LinkedHashMap<>())
                .put(ts, new Message(ts, threadTs, BOT_USER_ID, text, blocks, List.of(), to));
        if (channel.startsWith("D") && !ephemeral) {
            // Slack tells apps about their own messages in DMs too (with bot_id)
            ObjectNode own = messageEvent("message", BOT_USER_ID, channel, text, ts, threadTs).put("bot_id", "B0FAKEBOT")
                    .put("channel_type", "im");
            event(own);
        }
        ObjectNode answer = NODES.objectNode().put("ok", true).put("channel", channel);
        if (ephemeral) {
            return answer.put("message_ts", ts);
        }
        answer.put("ts", ts);
        answer.putObject("message").put("type", "message").put("user", BOT_USER_ID).put("text", text).put("ts", ts);
        return answer;
    }

    private synchronized ObjectNode update(ObjectNode params) {
        String channel = params.path("channel").asText("");
        String ts = params.path("ts").asText("");
        Message old = channels.getOrDefault(channel, Map.of()).get(ts);
        if (old == null) {
            return fail("message_not_found");
        }
        if (!old.fromBot()) {
            return fail("cant_update_message");
        }
        JsonNode blocks = json(params.path("blocks"));
        String text = params.path("text").asText(old.text());
        channels.get(channel).put(ts, new Message(ts, old.threadTs(), old.user(), text,
                params.has("blocks") ? blocks : old.blocks(), old.files(), old.ephemeralTo()));
        return NODES.objectNode().put("ok", true).put("channel", channel).put("ts", ts).put("text", text);
    }

    private synchronized ObjectNode uploadUrl(ObjectNode params) {
        String name = params.path("filename").asText("");
        if (name.isEmpty() || params.path("length").asLong(0) <= 0) {
            return fail("invalid_arguments");
        }
        String fileId = "F" + nextTs().replace(".", "");
        uploadNames.put(fileId, name);
        return NODES.objectNode().put("ok", true).put("upload_url", server.root() + "/upload/" + fileId).put("file_id", fileId);
    }

    private synchronized ObjectNode completeUpload(ObjectNode params) {
        JsonNode files = json(params.path("files"));
        String channel = params.path("channel_id").asText("");
        List<String> names = new ArrayList<>();
        ArrayNode shown = NODES.arrayNode();
        for (JsonNode file : files) {
            String id = file.path("id").asText();
            if (!uploads.containsKey(id)) {
                return fail("file_not_found");
            }
            names.add(uploadNames.get(id));
            shown.addObject().put("id", id).put("name", uploadNames.get(id)).put("title", file.path("title").asText(""));
        }
        if (names.isEmpty()) {
            return fail("invalid_arguments");
        }
        if (!channel.isEmpty()) {
            String ts = nextTs();
            channels.computeIfAbsent(channel, c -> new LinkedHashMap<>()).put(ts, new Message(ts,
                    params.path("thread_ts").asText(""), BOT_USER_ID, params.path("initial_comment").asText(""),
                    NODES.missingNode(), List.copyOf(names), ""));
        }
        ObjectNode answer = NODES.objectNode().put("ok", true);
        answer.set("files", shown);
        return answer;
    }

    private synchronized Failure nextFailure(String method) {
        Deque<Failure> next = failures.get(method);
        return next == null ? null : next.poll();
    }

    private String nextTs() {
        long value = ++clock;
        return (value / 1_000_000L) + "." + String.format(Locale.ROOT, "%06d", value % 1_000_000L);
    }

    private static ObjectNode fail(String error) {
        return NODES.objectNode().put("ok", false).put("error", error);
    }

    /** @return a parameter that holds JSON, sent as JSON or as a JSON string */
    private static JsonNode json(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return NODES.missingNode();
        }
        if (value.isTextual()) {
            try {
                JsonNode parsed = JSON.readTree(value.asText());
                return parsed == null ? NODES.missingNode() : parsed;
            } catch (IOException e) {
                return NODES.missingNode();
            }
        }
        return value;
    }

    private static ObjectNode params(String contentType, byte[] body, String query) throws IOException {
        ObjectNode params = NODES.objectNode();
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (type.startsWith("application/json") && body.length > 0) {
            JsonNode parsed = JSON.readTree(body);
            if (parsed instanceof ObjectNode object) {
                params.setAll(object);
            }
        } else {
            form(new String(body, StandardCharsets.UTF_8), params);
        }
        if (query != null) {
            form(query, params);
        }
        return params;
    }

    private static void form(String encoded, ObjectNode params) {
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
