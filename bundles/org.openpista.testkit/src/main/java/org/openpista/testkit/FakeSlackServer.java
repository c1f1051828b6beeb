package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * script failures ({@link #failNext}, {@link #dropConnection}, {@link #stallConnection}, {@link #loseNextAck}) and read what
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
    private final SlackWebApi webApi;
    // guarded by this
    private int events;
    private int files;

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
        this.webApi = new SlackWebApi(botToken, appToken, this::root, deliveries, (channel, text, ts, threadTs) -> event(
                messageEvent("message", BOT_USER_ID, channel, text, ts, threadTs).put("bot_id", "B0FAKEBOT")
                        .put("channel_type", "im")));
        this.server = new LoopbackHttpServer("fake Slack", 0, webApi::dispatch);
    }

    /** @return the Web API root to configure as {@code api_url}, {@code http://127.0.0.1:PORT/api} */
    public String apiUrl() {
        return server.root() + "/api";
    }

    private String root() {
        return server.root();
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
     * A user shares a file in their direct message channel with the app, with a message: Slack
     * sends a {@code message} event of subtype {@code file_share} whose {@code files} carry the
     * name, type, size and {@code url_private}, which serves the bytes to the bot token only (and
     * the sign-in page to anyone else).
     *
     * @return the message's ts
     */
    public synchronized String userSharesFile(String userId, String text, String name, String mimeType, byte[] bytes) {
        String channel = "D" + userId;
        String ts = webApi.add(channel, "", userId, text);
        String fileId = "F" + String.format(Locale.ROOT, "%08d", ++files);
        String url = root() + webApi.share(fileId, name, bytes);
        ObjectNode event = messageEvent("message", userId, channel, text, ts, "").put("channel_type", "im")
                .put("subtype", "file_share");
        event.putArray("files").addObject().put("id", fileId).put("name", name).put("title", name).put("mimetype", mimeType)
                .put("filetype", name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "binary")
                .put("size", bytes.length).put("url_private", url).put("url_private_download", url + "?download=1");
        event(event);
        return ts;
    }

    /** @return the paths of shared files the bot downloaded with its token, in order */
    public List<String> fileDownloads() {
        return webApi.downloads();
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
        String ts = webApi.add(channel, threadTs, userId, text);
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
        Message message = webApi.message(channel, messageTs);
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
                .put("token", "verification-token-unused").put("trigger_id", "trigger-" + webApi.nextTs());
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
        action.put("value", button.path("value").asText()).put("type", "button").put("action_ts", webApi.nextTs());
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

    /**
     * The Socket Mode connection goes silent while TCP stays up (a NAT that forgot it): nothing
     * arrives either way, pings are not answered; what was not acknowledged comes again later.
     */
    public void stallConnection() {
        deliveries.stall();
    }

    /** Asks the app to reconnect, as Slack does every few hours ({@code disconnect}, {@code refresh_requested}). */
    public void requestRefresh() {
        deliveries.refresh();
    }

    /**
     * Sends a text message as it is over the Socket Mode connection: for what Slack should not send
     * (an envelope too large, JSON without the fields an envelope has).
     */
    public void sendOverSocket(String text) {
        deliveries.sendAsIs(text);
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
    public FakeSlackServer failNext(String method, Failure... next) {
        webApi.failNext(method, List.of(next));
        return this;
    }

    /** @return how many scripted failures of a method are left */
    public int failuresLeft(String method) {
        return webApi.failuresLeft(method);
    }

    /** @return the requests of a method, oldest first */
    public List<Call> calls(String method) {
        return webApi.calls(method);
    }

    /** @return the messages of a channel, oldest first, as they look now */
    public List<Message> messages(String channel) {
        return webApi.messages(channel);
    }

    /** @return the bot's messages of a channel (ephemeral ones too), oldest first */
    public List<Message> botMessages(String channel) {
        return messages(channel).stream().filter(Message::fromBot).toList();
    }

    /** @return the bytes of an uploaded file by name, or {@code null} */
    public byte[] upload(String name) {
        return webApi.upload(name);
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
}
