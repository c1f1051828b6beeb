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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A fake Telegram Bot API server on 127.0.0.1: {@code POST|GET /bot<token>/<method>} with the real
 * method names, parameters (query string, form, JSON or multipart) and JSON answers ({@code
 * {"ok":true,"result":…}} or {@code {"ok":false,"error_code":…,"description":…}}).
 *
 * <p>Implemented methods (names case-insensitive, as in the Bot API; calls are recorded under the
 * documented spelling): {@code getMe}, {@code deleteWebhook}, {@code getUpdates} (long poll with
 * {@code offset}, {@code limit} and {@code timeout}; updates below the offset are confirmed and
 * forgotten, as by Telegram; a second poll terminates the first with 409), {@code sendMessage}
 * (4096-character limit; {@code parse_mode=HTML} is checked against the tags Telegram accepts),
 * {@code sendChatAction}, {@code sendPhoto} (multipart upload), {@code answerCallbackQuery},
 * {@code editMessageText}, {@code setWebhook} (an HTTPS {@code url}, {@code secret_token} of 1-256
 * characters {@code A-Z a-z 0-9 _ -}, {@code allowed_updates}, {@code max_connections}; an empty url
 * removes the webhook), {@code deleteWebhook} and {@code getWebhookInfo}. While a webhook is set,
 * {@code getUpdates} answers 409, as Telegram does. Anything else answers 404 "Not Found".
 *
 * <p>Tests inject what users do ({@link #userSends}, {@link #userPresses}), script failures per
 * method ({@link #failNext}: HTTP errors, 429 with {@code retry_after}, dropped connections) and
 * read what the bot did ({@link #calls}, {@link #awaitCall}, {@link #chatLog}).
 *
 * <p>Webhook mode: Telegram POSTs each update as JSON to the webhook's public HTTPS URL with the
 * header {@value #SECRET_HEADER}; here the test says where those requests land instead (the
 * address a reverse proxy would forward them to): {@link #postToWebhook} sends one update with any
 * secret, {@link #forwardWebhookTo} delivers every pending update in order with the registered
 * secret, one request at a time, retrying failed deliveries, until the webhook is deleted. An
 * update counts as delivered (and is forgotten) only when the bot answered 2xx.
 */
public final class FakeTelegramServer implements AutoCloseable {

    /** The id of the fake's bot user. */
    public static final long BOT_ID = 7_000_000_001L;
    /** The username of the fake's bot. */
    public static final String BOT_USERNAME = "openpista_test_bot";

    /** The longest message text Telegram accepts. */
    public static final int MAX_TEXT = 4096;

    /** The header of a webhook request carrying the {@code secret_token} given to {@code setWebhook}. */
    public static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Set<String> CHAT_ACTIONS = Set.of("typing", "upload_photo", "record_video", "upload_video",
            "record_voice", "upload_voice", "upload_document", "choose_sticker", "find_location",
            "record_video_note", "upload_video_note");

    /**
     * A scripted failure of one request.
     *
     * @param status the HTTP status, or 0 to drop the connection without an answer
     * @param description the error description
     * @param retryAfter for 429: seconds the client must wait; -1 for an HTML page instead of JSON; else 0
     */
    public record Failure(int status, String description, int retryAfter) {

        /** @return an HTTP error such as 500 or 502 with Telegram's error body */
        public static Failure status(int status, String description) {
            return new Failure(status, description, 0);
        }

        /** @return 429 "Too Many Requests: retry after N" with {@code parameters.retry_after} */
        public static Failure tooManyRequests(int retryAfterSeconds) {
            return new Failure(429, "Too Many Requests: retry after " + retryAfterSeconds, retryAfterSeconds);
        }

        /** @return an HTML error page instead of the Bot API's JSON, as a reverse proxy in front of it answers */
        public static Failure proxyPage(int status) {
            return new Failure(status, "<html><body><h1>" + status + " Bad Gateway</h1></body></html>", -1);
        }

        /** @return the connection is closed before any answer (a network error for the client) */
        public static Failure disconnect() {
            return new Failure(0, "connection dropped", 0);
        }
    }

    /**
     * One Bot API request the fake received.
     *
     * @param method the method name as sent
     * @param params its parameters (JSON values as sent; form values as strings)
     * @param files uploaded files by parameter name
     * @param status the HTTP status answered (0 when the connection was dropped)
     * @param at when it arrived
     */
    public record Call(String method, JsonNode params, Map<String, byte[]> files, int status, Instant at) {

        /** @return a parameter as text, or empty */
        public String param(String name) {
            JsonNode value = params.get(name);
            return value == null || value.isNull() ? "" : value.isValueNode() ? value.asText() : value.toString();
        }

        /** @return a parameter that holds JSON (sent as an object or as a JSON string) */
        public JsonNode jsonParam(String name) {
            JsonNode value = params.get(name);
            if (value == null || value.isNull()) {
                return NODES.missingNode();
            }
            if (value.isTextual()) {
                try {
                    return JSON.readTree(value.asText());
                } catch (IOException e) {
                    return NODES.missingNode();
                }
            }
            return value;
        }

        /**
         * @return the bytes uploaded for a file parameter: a part of that name, or the part an
         *     {@code attach://NAME} value points to; {@code null} when none was uploaded
         */
        public byte[] upload(String name) {
            return FakeTelegramServer.upload(name, params, files);
        }

        /** @return {@code chat_id} as a number */
        public long chatId() {
            return Long.parseLong(param("chat_id"));
        }

        /** @return whether the fake answered with success */
        public boolean ok() {
            return status == 200;
        }
    }

    /**
     * The webhook set with {@code setWebhook}.
     *
     * @param url the URL Telegram would POST to
     * @param secretToken the {@code secret_token}, or empty when none was given
     * @param allowedUpdates the update types asked for (empty: all)
     * @param maxConnections {@code max_connections} (Telegram's default 40 when not given)
     */
    public record Webhook(String url, String secretToken, List<String> allowedUpdates, int maxConnections) {}

    /**
     * One webhook request the fake made.
     *
     * @param updateId the update it carried
     * @param secretToken the secret header sent, or {@code null} when none was
     * @param status the HTTP status the bot answered, 0 when the request failed (refused, reset)
     * @param at when it was answered
     */
    public record WebhookDelivery(long updateId, String secretToken, int status, Instant at) {

        /** @return whether the bot accepted the update (2xx) */
        public boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    /**
     * A message in a chat as the user sees it now (edits applied).
     *
     * @param messageId the message id
     * @param fromBot whether the bot sent it
     * @param text its text (the caption for photos)
     * @param parseMode the parse mode it was sent with, or empty
     * @param photo whether it is a photo
     * @param keyboard its inline keyboard, or a missing node
     */
    public record ChatEntry(int messageId, boolean fromBot, String text, String parseMode, boolean photo, JsonNode keyboard) {}

    private final String token;
    private final LoopbackHttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Failure>> failures = new HashMap<>();
    private final List<WebhookDelivery> deliveries = new CopyOnWriteArrayList<>();
    private final HttpClient webhookClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    // guarded by this
    private final List<ObjectNode> updates = new ArrayList<>();
    private final Map<Long, Integer> nextMessageId = new HashMap<>();
    private final Map<Long, Map<Integer, ChatEntry>> chats = new HashMap<>();
    private final Map<String, Boolean> callbackQueries = new HashMap<>();
    /** Files users sent, by file id: what getFile describes and /file/bot&lt;token&gt;/&lt;path&gt; serves. */
    private final Map<String, byte[]> userFiles = new HashMap<>();
    private final List<String> downloads = new CopyOnWriteArrayList<>();
    private long nextUpdateId = 100_000_001L;
    private long confirmed;
    private long pollGeneration;
    private int callbackSeq;
    private int pollsStarted;
    private Webhook webhook;
    private String lastWebhookError = "";
    private long lastWebhookErrorDate;
    private Thread forwarder;
    private boolean closed;

    /** Starts the fake on an ephemeral port of 127.0.0.1 for the given bot token. */
    public FakeTelegramServer(String token) {
        this(token, 0);
    }

    /**
     * Starts the fake on 127.0.0.1.
     *
     * @param token the only bot token it accepts; others get 401 Unauthorized
     * @param port the port, or 0 for an ephemeral one
     */
    public FakeTelegramServer(String token, int port) {
        this.token = token;
        server = new LoopbackHttpServer("fake Telegram server", port, this::dispatch);
    }

    /** @return the API root to configure as {@code api_url}, for example {@code http://127.0.0.1:1234} */
    public String apiUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** @return the token the fake accepts */
    public String token() {
        return token;
    }

    // ---------------------------------------------------------------- what users do

    /**
     * A user writes to the bot in their private chat (chat id = user id).
     *
     * @return the update id
     */
    public long userSends(long userId, String text) {
        return userSendsIn(userId, "private", userId, text, null);
    }

    /**
     * A user writes in a chat of the given type ({@code private}, {@code group}, {@code supergroup}).
     *
     * @param replyToMessageId the message the user replies to, or {@code null}
     * @return the update id
     */
    public synchronized long userSendsIn(long chatId, String chatType, long userId, String text, Integer replyToMessageId) {
        int messageId = nextMessageId(chatId);
        ObjectNode message = NODES.objectNode();
        message.put("message_id", messageId);
        message.set("from", user(userId));
        message.set("chat", chat(chatId, chatType, userId));
        message.put("date", Instant.now().getEpochSecond());
        message.put("text", text);
        ArrayNode entities = entities(text);
        if (!entities.isEmpty()) {
            message.set("entities", entities);
        }
        if (replyToMessageId != null) {
            ChatEntry original = chats.getOrDefault(chatId, Map.of()).get(replyToMessageId);
            ObjectNode reply = NODES.objectNode();
            reply.put("message_id", replyToMessageId);
            reply.set("from", original != null && original.fromBot() ? botUser() : user(userId));
            reply.set("chat", chat(chatId, chatType, userId));
            reply.put("date", Instant.now().getEpochSecond());
            reply.put("text", original == null ? "" : original.text());
            message.set("reply_to_message", reply);
        }
        chats.computeIfAbsent(chatId, id -> new TreeMap<>())
                .put(messageId, new ChatEntry(messageId, false, text, "", false, NODES.missingNode()));
        ObjectNode update = NODES.objectNode();
        update.set("message", message);
        return add(update);
    }

    /**
     * A user sends a photo to the bot in their private chat; like Telegram, the update lists the
     * photo in several sizes (here two: a thumbnail entry and the full one, both of these bytes),
     * and the bot fetches it with {@code getFile} and a download from {@code /file/bot<token>/}.
     *
     * @param caption the caption, or {@code null}
     * @param declaredSize the {@code file_size} the update announces (Telegram's own figure; pass
     *     {@code bytes.length} for the truth)
     * @return the update id
     */
    public synchronized long userSendsPhoto(long userId, String caption, byte[] bytes, long declaredSize) {
        ObjectNode message = userMessage(userId, caption);
        int messageId = message.path("message_id").asInt();
        String fileId = "photo-in-" + userId + "-" + messageId;
        userFiles.put(fileId, bytes.clone());
        ArrayNode sizes = message.putArray("photo");
        sizes.addObject().put("file_id", fileId).put("file_unique_id", "t" + fileId).put("width", 90).put("height", 90)
                .put("file_size", declaredSize);
        sizes.addObject().put("file_id", fileId).put("file_unique_id", "u" + fileId).put("width", 800).put("height", 600)
                .put("file_size", declaredSize);
        ObjectNode update = NODES.objectNode();
        update.set("message", message);
        return add(update);
    }

    /**
     * A user sends a voice note (Opus in Ogg, as Telegram records them) to the bot in their private
     * chat; the bot fetches it with {@code getFile} and a download, like a photo.
     *
     * @param durationSeconds the {@code duration} the update announces
     * @return the update id
     */
    public synchronized long userSendsVoice(long userId, byte[] bytes, int durationSeconds) {
        ObjectNode message = userMessage(userId, null);
        String fileId = "voice-in-" + userId + "-" + message.path("message_id").asInt();
        userFiles.put(fileId, bytes.clone());
        message.putObject("voice").put("file_id", fileId).put("file_unique_id", "u" + fileId)
                .put("duration", durationSeconds).put("mime_type", "audio/ogg").put("file_size", bytes.length);
        ObjectNode update = NODES.objectNode();
        update.set("message", message);
        return add(update);
    }

    /**
     * A user sends a file as a document (its type and name as given) to the bot in their private chat.
     *
     * @return the update id
     */
    public synchronized long userSendsDocument(long userId, String caption, String fileName, String mimeType, byte[] bytes) {
        ObjectNode message = userMessage(userId, caption);
        String fileId = "doc-in-" + userId + "-" + message.path("message_id").asInt();
        userFiles.put(fileId, bytes.clone());
        message.putObject("document").put("file_id", fileId).put("file_unique_id", "u" + fileId)
                .put("file_name", fileName).put("mime_type", mimeType).put("file_size", bytes.length);
        ObjectNode update = NODES.objectNode();
        update.set("message", message);
        return add(update);
    }

    /** @return the file paths the bot downloaded, in order */
    public List<String> downloads() {
        return List.copyOf(downloads);
    }

    private ObjectNode userMessage(long userId, String caption) {
        int messageId = nextMessageId(userId);
        ObjectNode message = NODES.objectNode();
        message.put("message_id", messageId);
        message.set("from", user(userId));
        message.set("chat", chat(userId, "private", userId));
        message.put("date", Instant.now().getEpochSecond());
        if (caption != null) {
            message.put("caption", caption);
        }
        chats.computeIfAbsent(userId, id -> new TreeMap<>())
                .put(messageId, new ChatEntry(messageId, false, caption == null ? "" : caption, "", true, NODES.missingNode()));
        return message;
    }

    /**
     * A user presses an inline keyboard button under a bot message.
     *
     * @return the update id
     */
    public synchronized long userPresses(long chatId, long userId, int messageId, String callbackData) {
        ChatEntry entry = chats.getOrDefault(chatId, Map.of()).get(messageId);
        String id = "cbq-" + (++callbackSeq);
        callbackQueries.put(id, false);
        ObjectNode query = NODES.objectNode();
        query.put("id", id);
        query.set("from", user(userId));
        ObjectNode message = NODES.objectNode();
        message.put("message_id", messageId);
        message.set("from", botUser());
        message.set("chat", chat(chatId, chatId == userId ? "private" : "group", userId));
        message.put("date", Instant.now().getEpochSecond());
        message.put("text", entry == null ? "" : entry.text());
        query.set("message", message);
        query.put("chat_instance", "ci-" + chatId);
        query.put("data", callbackData);
        ObjectNode update = NODES.objectNode();
        update.set("callback_query", query);
        return add(update);
    }

    /**
     * Queues a raw update; its {@code update_id} is assigned here.
     *
     * @return the update id
     */
    public synchronized long injectUpdate(ObjectNode update) {
        return add(update.deepCopy());
    }

    /** @return the lowest update id the bot has not confirmed yet (through a getUpdates offset) */
    public synchronized long confirmedOffset() {
        return confirmed;
    }

    /**
     * @return how many getUpdates requests arrived, including a long poll still waiting (requests are
     *     only in {@link #calls()} once answered)
     */
    public synchronized int pollsStarted() {
        return pollsStarted;
    }

    /** @return copies of the updates Telegram still holds for the bot (not confirmed, not delivered), oldest first */
    public synchronized List<ObjectNode> pendingUpdates() {
        return updates.stream().map(ObjectNode::deepCopy).toList();
    }

    /** @return how many updates the bot has not confirmed yet */
    public synchronized int unconfirmedUpdates() {
        return updates.size();
    }

    // ---------------------------------------------------------------- webhook

    /** @return the webhook set with {@code setWebhook}, or {@code null} while there is none */
    public synchronized Webhook webhook() {
        return webhook;
    }

    /**
     * Waits until a webhook is set.
     *
     * @throws AssertionError when none is set in time
     */
    public Webhook awaitWebhook(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Webhook current = webhook();
            if (current != null) {
                return current;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no webhook was set within " + timeout + "; requests: " + summary());
            }
            sleep(20);
        }
    }

    /** @return every webhook request made so far, oldest first */
    public List<WebhookDelivery> webhookDeliveries() {
        return List.copyOf(deliveries);
    }

    /**
     * POSTs one pending update to the bot as Telegram's webhook would, with the given secret header.
     * When the bot answers 2xx the update is delivered and forgotten; otherwise it stays pending.
     *
     * @param endpoint where the request goes (where a reverse proxy in front of the bot would forward
     *     the webhook's public URL)
     * @param updateId a pending update (from {@link #userSends} and the like)
     * @param secretToken the {@value #SECRET_HEADER} header, or {@code null} to send none
     * @return the HTTP status, or 0 when the request failed (connection refused or reset)
     * @throws IllegalArgumentException when the update is not pending
     */
    public int postToWebhook(URI endpoint, long updateId, String secretToken) {
        byte[] body;
        synchronized (this) {
            ObjectNode update = updates.stream().filter(candidate -> candidate.path("update_id").asLong() == updateId)
                    .findFirst().orElseThrow(() -> new IllegalArgumentException("update " + updateId + " is not pending"));
            try {
                body = JSON.writeValueAsBytes(update);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (secretToken != null) {
            request.header(SECRET_HEADER, secretToken);
        }
        int status;
        String problem;
        try {
            HttpResponse<String> response = webhookClient.send(request.build(), HttpResponse.BodyHandlers.ofString());
            status = response.statusCode();
            problem = "Wrong response from the webhook: " + status + " " + response.body().strip();
        } catch (IOException e) {
            status = 0;
            problem = "Connection failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
            problem = "interrupted";
        }
        deliveries.add(new WebhookDelivery(updateId, secretToken, status, Instant.now()));
        synchronized (this) {
            if (status >= 200 && status < 300) {
                updates.removeIf(update -> update.path("update_id").asLong() == updateId);
            } else {
                lastWebhookError = problem;
                lastWebhookErrorDate = Instant.now().getEpochSecond();
            }
            notifyAll();
        }
        return status;
    }

    /**
     * Delivers updates as Telegram does while a webhook is set: the oldest pending update first, one
     * request at a time, with the registered secret; a failed delivery (not 2xx) is retried after a
     * pause (0.1 s, doubling up to 2 s) before anything newer is sent. Runs in the background until
     * the fake is closed; while no webhook is set it waits.
     *
     * @param endpoint where the requests go instead of the webhook's public URL (see {@link #postToWebhook})
     */
    public synchronized void forwardWebhookTo(URI endpoint) {
        if (forwarder != null) {
            throw new IllegalStateException("already forwarding webhook requests");
        }
        forwarder = new Thread(() -> forward(endpoint), "FakeTelegramServer-webhook");
        forwarder.setDaemon(true);
        forwarder.start();
    }

    private void forward(URI endpoint) {
        long pause = 100;
        while (true) {
            long updateId;
            String secret;
            synchronized (this) {
                while (!closed && (webhook == null || updates.isEmpty())) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                updateId = updates.get(0).path("update_id").asLong();
                secret = webhook.secretToken().isEmpty() ? null : webhook.secretToken();
            }
            int status = postToWebhook(endpoint, updateId, secret);
            if (status >= 200 && status < 300) {
                pause = 100;
                continue;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            pause = Math.min(2_000, pause * 2);
        }
    }

    // ---------------------------------------------------------------- failures

    /** The next requests of a method (in order) fail as given; later ones succeed again. */
    public synchronized FakeTelegramServer failNext(String method, Failure... next) {
        failures.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(List.of(next));
        return this;
    }

    /** @return how many scripted failures of a method are left */
    public synchronized int failuresLeft(String method) {
        return failures.getOrDefault(method, new ArrayDeque<>()).size();
    }

    // ---------------------------------------------------------------- what the bot did

    /** @return every request received, oldest first */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** @return the requests of one method, oldest first */
    public List<Call> calls(String method) {
        return calls.stream().filter(call -> call.method().equals(method)).toList();
    }

    /** @return the successful requests of one method to one chat, oldest first */
    public List<Call> callsTo(String method, long chatId) {
        return calls.stream()
                .filter(call -> call.method().equals(method) && call.ok() && call.param("chat_id").equals(Long.toString(chatId)))
                .toList();
    }

    /**
     * Waits for a request that matches.
     *
     * @throws AssertionError when none arrives in time
     */
    public Call awaitCall(String method, Predicate<Call> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Call call : calls) {
                if (call.method().equals(method) && matching.test(call)) {
                    return call;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + method + " request matched within " + timeout + "; " + method + " requests: "
                        + calls(method).stream().map(call -> call.status() + " " + call.params()).toList() + "; all: " + summary());
            }
            sleep(20);
        }
    }

    /**
     * Waits until a chat holds at least {@code count} bot messages.
     *
     * @return the chat's bot messages, oldest first
     * @throws AssertionError when they do not come in time
     */
    public List<ChatEntry> awaitBotMessages(long chatId, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ChatEntry> bot = chatLog(chatId).stream().filter(ChatEntry::fromBot).toList();
            if (bot.size() >= count) {
                return bot;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("chat " + chatId + " has " + bot.size() + " bot message(s), expected " + count
                        + " within " + timeout + ": " + bot + "; requests: " + summary());
            }
            sleep(20);
        }
    }

    /** @return the messages of a chat as they look now, oldest first */
    public synchronized List<ChatEntry> chatLog(long chatId) {
        return List.copyOf(chats.getOrDefault(chatId, Map.of()).values());
    }

    /** @return whether a callback query was answered with answerCallbackQuery */
    public synchronized boolean callbackAnswered(String callbackQueryId) {
        return callbackQueries.getOrDefault(callbackQueryId, false);
    }

    /** @return one line per request: method, status, chat */
    public String summary() {
        StringBuilder text = new StringBuilder();
        for (Call call : calls) {
            text.append(call.method()).append('→').append(call.status());
            if (!call.param("chat_id").isEmpty()) {
                text.append("(chat ").append(call.param("chat_id")).append(')');
            }
            text.append(' ');
        }
        return text.toString().strip();
    }

    @Override
    public void close() {
        Thread delivering;
        synchronized (this) {
            closed = true;
            pollGeneration++;
            notifyAll();
            delivering = forwarder;
        }
        if (delivering != null) {
            delivering.interrupt();
            try {
                delivering.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        server.close();
    }

    // ---------------------------------------------------------------- HTTP

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/file/bot")) {
                download(exchange, path);
                return;
            }
            // /bot<token>/<method>
            if (!path.startsWith("/bot") || path.indexOf('/', 4) < 0) {
                answer(exchange, 404, error(404, "Not Found"));
                return;
            }
            String requestToken = path.substring(4, path.indexOf('/', 4));
            // method names are case-insensitive in the Bot API (telegrambots sends "sendmessage")
            String method = canonical(path.substring(path.indexOf('/', 4) + 1));
            Map<String, byte[]> files = new LinkedHashMap<>();
            ObjectNode params;
            try {
                params = params(exchange, body, files);
            } catch (IllegalArgumentException e) {
                record(method, NODES.objectNode(), files, 400);
                answer(exchange, 400, error(400, "Bad Request: " + e.getMessage()));
                return;
            }
            if (!requestToken.equals(token)) {
                record(method, params, files, 401);
                answer(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            Failure failure = nextFailure(method);
            if (failure != null) {
                record(method, params, files, failure.status());
                if (failure.status() == 0) {
                    return; // closing the exchange without a response drops the connection
                }
                if (failure.retryAfter() < 0) {
                    byte[] page = failure.description().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("content-type", "text/html");
                    exchange.sendResponseHeaders(failure.status(), page.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(page);
                    }
                    return;
                }
                ObjectNode error = error(failure.status(), failure.description());
                if (failure.retryAfter() > 0) {
                    error.putObject("parameters").put("retry_after", failure.retryAfter());
                }
                answer(exchange, failure.status(), error);
                return;
            }
            Answer result;
            try {
                result = handle(method, params, files);
            } catch (BadRequest e) {
                result = new Answer(400, error(400, "Bad Request: " + e.getMessage()));
            }
            record(method, params, files, result.status());
            answer(exchange, result.status(), result.body());
        } catch (RuntimeException e) {
            answer(exchange, 500, error(500, "Internal Server Error: fake failure " + e));
        }
    }

    private record Answer(int status, ObjectNode body) {}

    /** {@code GET /file/bot<token>/<file_path>}: the bytes of a file a user sent, as Telegram's file server gives them. */
    private void download(HttpExchange exchange, String path) throws IOException {
        String rest = path.substring("/file/bot".length());
        int slash = rest.indexOf('/');
        byte[] bytes = null;
        if (slash > 0 && rest.substring(0, slash).equals(token)) {
            String filePath = rest.substring(slash + 1);
            synchronized (this) {
                String fileId = filePath.substring(filePath.indexOf('/') + 1);
                bytes = filePath.startsWith("files/") ? userFiles.get(fileId) : null;
            }
            if (bytes != null) {
                downloads.add(filePath);
            }
        }
        if (bytes == null) {
            answer(exchange, 404, error(404, "Not Found"));
            return;
        }
        exchange.getResponseHeaders().set("content-type", "application/octet-stream");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private synchronized Answer getFile(ObjectNode params) {
        String fileId = params.path("file_id").asText("");
        byte[] bytes = userFiles.get(fileId);
        if (bytes == null) {
            throw new BadRequest("invalid file_id");
        }
        if (bytes.length > 20L * 1024 * 1024) {
            throw new BadRequest("file is too big");
        }
        return ok(NODES.objectNode().put("file_id", fileId).put("file_unique_id", "u" + fileId)
                .put("file_size", bytes.length).put("file_path", "files/" + fileId));
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    private static final List<String> METHODS = List.of("getMe", "deleteWebhook", "getUpdates", "sendMessage",
            "sendChatAction", "sendPhoto", "answerCallbackQuery", "editMessageText", "setWebhook", "getWebhookInfo", "getFile");

    /** @return the method's documented spelling, or the name as sent when the fake does not know it */
    private static String canonical(String method) {
        for (String known : METHODS) {
            if (known.equalsIgnoreCase(method)) {
                return known;
            }
        }
        return method;
    }

    private Answer handle(String method, ObjectNode params, Map<String, byte[]> files) {
        return switch (method) {
            case "getMe" -> ok(botUser().put("can_join_groups", true).put("can_read_all_group_messages", false)
                    .put("supports_inline_queries", false));
            case "deleteWebhook" -> deleteWebhook(params);
            case "setWebhook" -> setWebhook(params);
            case "getWebhookInfo" -> getWebhookInfo();
            case "getUpdates" -> getUpdates(params);
            case "sendMessage" -> sendMessage(params);
            case "sendChatAction" -> sendChatAction(params);
            case "sendPhoto" -> sendPhoto(params, files);
            case "answerCallbackQuery" -> answerCallbackQuery(params);
            case "editMessageText" -> editMessageText(params);
            case "getFile" -> getFile(params);
            default -> new Answer(404, error(404, "Not Found"));
        };
    }

    private Answer getUpdates(ObjectNode params) {
        long offset = params.path("offset").asLong(0);
        int limit = Math.max(1, Math.min(100, params.path("limit").asInt(100)));
        long timeoutMillis = Math.max(0, params.path("timeout").asLong(0)) * 1000;
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (this) {
            if (webhook != null) {
                return new Answer(409, error(409,
                        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"));
            }
            pollsStarted++;
            long generation = ++pollGeneration;
            notifyAll(); // a waiting poll is terminated by this one
            if (offset > 0) {
                updates.removeIf(update -> update.path("update_id").asLong() < offset);
                confirmed = Math.max(confirmed, offset);
            }
            while (true) {
                if (generation != pollGeneration) {
                    return new Answer(409, error(409,
                            "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"));
                }
                List<ObjectNode> ready = updates.stream().limit(limit).toList();
                long left = deadline - System.currentTimeMillis();
                if (!ready.isEmpty() || left <= 0) {
                    ArrayNode result = NODES.arrayNode();
                    ready.forEach(update -> result.add(update.deepCopy()));
                    return ok(result);
                }
                try {
                    wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ok(NODES.arrayNode());
                }
            }
        }
    }

    private Answer sendMessage(ObjectNode params) {
        long chatId = chatId(params);
        String text = text(params, "text");
        if (text.isEmpty()) {
            throw new BadRequest("message text is empty");
        }
        String parseMode = params.path("parse_mode").asText("");
        int visible = checkFormatting(text, parseMode);
        if (visible > MAX_TEXT) {
            throw new BadRequest("message is too long");
        }
        JsonNode keyboard = keyboard(params);
        synchronized (this) {
            int messageId = nextMessageId(chatId);
            chats.computeIfAbsent(chatId, id -> new TreeMap<>())
                    .put(messageId, new ChatEntry(messageId, true, text, parseMode, false, keyboard));
            ObjectNode message = botMessage(chatId, messageId);
            message.put("text", plain(text, parseMode));
            if (!keyboard.isMissingNode()) {
                message.set("reply_markup", keyboard);
            }
            return ok(message);
        }
    }

    private Answer sendChatAction(ObjectNode params) {
        chatId(params);
        String action = params.path("action").asText("");
        if (!CHAT_ACTIONS.contains(action)) {
            throw new BadRequest("wrong parameter action in request");
        }
        return ok(NODES.booleanNode(true));
    }

    private Answer sendPhoto(ObjectNode params, Map<String, byte[]> files) {
        long chatId = chatId(params);
        byte[] photo = upload("photo", params, files);
        if (photo == null && params.path("photo").asText("").isEmpty()) {
            throw new BadRequest("there is no photo in the request");
        }
        if (photo == null && params.path("photo").asText("").startsWith("attach://")) {
            throw new BadRequest("file attach://" + params.path("photo").asText("").substring(9) + " is not found in the request");
        }
        if (photo != null && photo.length == 0) {
            throw new BadRequest("file must be non-empty");
        }
        String caption = text(params, "caption");
        String parseMode = params.path("parse_mode").asText("");
        if (!caption.isEmpty() && checkFormatting(caption, parseMode) > 1024) {
            throw new BadRequest("message caption is too long");
        }
        synchronized (this) {
            int messageId = nextMessageId(chatId);
            chats.computeIfAbsent(chatId, id -> new TreeMap<>())
                    .put(messageId, new ChatEntry(messageId, true, caption, parseMode, true, NODES.missingNode()));
            ObjectNode message = botMessage(chatId, messageId);
            ArrayNode sizes = message.putArray("photo");
            sizes.addObject().put("file_id", "photo-" + chatId + "-" + messageId).put("file_unique_id", "u" + messageId)
                    .put("width", 640).put("height", 480).put("file_size", photo == null ? 0 : photo.length);
            if (!caption.isEmpty()) {
                message.put("caption", plain(caption, parseMode));
            }
            return ok(message);
        }
    }

    private Answer answerCallbackQuery(ObjectNode params) {
        String id = params.path("callback_query_id").asText("");
        synchronized (this) {
            Boolean answered = callbackQueries.get(id);
            if (answered == null) {
                throw new BadRequest("query is too old and response timeout expired or query ID is invalid");
            }
            callbackQueries.put(id, true);
        }
        return ok(NODES.booleanNode(true));
    }

    private Answer editMessageText(ObjectNode params) {
        long chatId = chatId(params);
        int messageId = params.path("message_id").asInt(0);
        String text = text(params, "text");
        if (text.isEmpty()) {
            throw new BadRequest("message text is empty");
        }
        String parseMode = params.path("parse_mode").asText("");
        if (checkFormatting(text, parseMode) > MAX_TEXT) {
            throw new BadRequest("MESSAGE_TOO_LONG");
        }
        JsonNode keyboard = keyboard(params);
        synchronized (this) {
            Map<Integer, ChatEntry> chat = chats.get(chatId);
            ChatEntry entry = chat == null ? null : chat.get(messageId);
            if (entry == null || !entry.fromBot()) {
                throw new BadRequest("message to edit not found");
            }
            if (entry.text().equals(text) && entry.keyboard().equals(keyboard)) {
                throw new BadRequest("message is not modified: specified new message content and reply markup are "
                        + "exactly the same as a current content and reply markup of the message");
            }
            chat.put(messageId, new ChatEntry(messageId, true, text, parseMode, entry.photo(), keyboard));
            ObjectNode message = botMessage(chatId, messageId);
            message.put("text", plain(text, parseMode));
            message.put("edit_date", Instant.now().getEpochSecond());
            return ok(message);
        }
    }

    private Answer setWebhook(ObjectNode params) {
        String url = text(params, "url").strip();
        if (url.isEmpty()) {
            synchronized (this) {
                boolean had = webhook != null;
                webhook = null;
                notifyAll();
                return ok(NODES.booleanNode(true), had ? "Webhook was deleted" : "Webhook is already deleted");
            }
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new BadRequest("bad webhook: Failed to parse webhook URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new BadRequest("bad webhook: An HTTPS URL must be provided for webhook");
        }
        String secret = text(params, "secret_token");
        if (!secret.isEmpty() && !secret.matches("[A-Za-z0-9_-]{1,256}")) {
            throw new BadRequest("secret token contains unallowed characters");
        }
        int maxConnections = params.path("max_connections").asInt(40);
        if (params.has("max_connections") && (maxConnections < 1 || maxConnections > 100)) {
            throw new BadRequest("max_connections must be between 1 and 100");
        }
        List<String> allowed = new ArrayList<>();
        JsonNode types = jsonValue(params.get("allowed_updates"));
        for (JsonNode type : types) {
            allowed.add(type.asText());
        }
        synchronized (this) {
            Webhook previous = webhook;
            webhook = new Webhook(url, secret, List.copyOf(allowed), maxConnections);
            pollGeneration++; // a waiting long poll ends, as when Telegram switches to the webhook
            notifyAll();
            return ok(NODES.booleanNode(true), webhook.equals(previous) ? "Webhook is already set" : "Webhook was set");
        }
    }

    private Answer deleteWebhook(ObjectNode params) {
        synchronized (this) {
            boolean had = webhook != null;
            webhook = null;
            if (params.path("drop_pending_updates").asBoolean(false)
                    || params.path("drop_pending_updates").asText("").equals("true")) {
                updates.clear();
            }
            notifyAll();
            return ok(NODES.booleanNode(true), had ? "Webhook was deleted" : "Webhook is already deleted");
        }
    }

    private synchronized Answer getWebhookInfo() {
        ObjectNode info = NODES.objectNode();
        info.put("url", webhook == null ? "" : webhook.url());
        info.put("has_custom_certificate", false);
        info.put("pending_update_count", updates.size());
        if (webhook != null) {
            info.put("max_connections", webhook.maxConnections());
            if (!webhook.allowedUpdates().isEmpty()) {
                ArrayNode types = info.putArray("allowed_updates");
                webhook.allowedUpdates().forEach(types::add);
            }
            if (!lastWebhookError.isEmpty()) {
                info.put("last_error_date", lastWebhookErrorDate);
                info.put("last_error_message", lastWebhookError);
            }
        }
        return ok(info);
    }

    // ---------------------------------------------------------------- helpers

    private long add(ObjectNode update) {
        long id = nextUpdateId++;
        ObjectNode withId = NODES.objectNode();
        withId.put("update_id", id);
        withId.setAll(update);
        updates.add(withId);
        notifyAll();
        return id;
    }

    private int nextMessageId(long chatId) {
        int id = nextMessageId.getOrDefault(chatId, 1);
        nextMessageId.put(chatId, id + 1);
        return id;
    }

    private synchronized Failure nextFailure(String method) {
        Deque<Failure> queue = failures.get(method);
        return queue == null ? null : queue.pollFirst();
    }

    private void record(String method, JsonNode params, Map<String, byte[]> files, int status) {
        calls.add(new Call(method, params, Map.copyOf(files), status, Instant.now()));
    }

    private static ObjectNode user(long id) {
        return NODES.objectNode().put("id", id).put("is_bot", false).put("first_name", "User " + id)
                .put("username", "user" + id).put("language_code", "en");
    }

    private static ObjectNode botUser() {
        return NODES.objectNode().put("id", BOT_ID).put("is_bot", true).put("first_name", "openpista test")
                .put("username", BOT_USERNAME);
    }

    private static ObjectNode chat(long chatId, String type, long userId) {
        ObjectNode chat = NODES.objectNode().put("id", chatId).put("type", type);
        if (type.equals("private")) {
            chat.put("first_name", "User " + userId).put("username", "user" + userId);
        } else {
            chat.put("title", "Group " + chatId);
        }
        return chat;
    }

    private ObjectNode botMessage(long chatId, int messageId) {
        ObjectNode message = NODES.objectNode();
        message.put("message_id", messageId);
        message.set("from", botUser());
        message.set("chat", chat(chatId, chatId > 0 ? "private" : "group", chatId));
        message.put("date", Instant.now().getEpochSecond());
        return message;
    }

    /** Bot commands and mentions, as Telegram marks them in {@code entities}. */
    private static ArrayNode entities(String text) {
        ArrayNode entities = NODES.arrayNode();
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(?<![\\w@])([/@])[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?")
                .matcher(text);
        while (matcher.find()) {
            String type = matcher.group(1).equals("/") ? "bot_command" : "mention";
            if (type.equals("bot_command") && matcher.start() != 0) {
                continue;
            }
            entities.addObject().put("type", type).put("offset", matcher.start())
                    .put("length", matcher.end() - matcher.start());
        }
        return entities;
    }

    private static byte[] upload(String name, JsonNode params, Map<String, byte[]> files) {
        byte[] direct = files.get(name);
        if (direct != null) {
            return direct;
        }
        String value = params.path(name).asText("");
        return value.startsWith("attach://") ? files.get(value.substring("attach://".length())) : null;
    }

    private static long chatId(ObjectNode params) {
        JsonNode id = params.get("chat_id");
        if (id == null || id.asText("").isEmpty()) {
            throw new BadRequest("chat_id is empty");
        }
        try {
            return Long.parseLong(id.asText());
        } catch (NumberFormatException e) {
            throw new BadRequest("chat not found");
        }
    }

    private static String text(ObjectNode params, String name) {
        JsonNode value = params.get(name);
        return value == null || value.isNull() ? "" : value.asText();
    }

    private static JsonNode keyboard(ObjectNode params) {
        JsonNode markup = params.get("reply_markup");
        if (markup == null || markup.isNull()) {
            return NODES.missingNode();
        }
        if (markup.isTextual()) {
            try {
                markup = JSON.readTree(markup.asText());
            } catch (IOException e) {
                throw new BadRequest("can't parse reply keyboard markup JSON object");
            }
        }
        JsonNode rows = markup.path("inline_keyboard");
        if (rows.isMissingNode()) {
            return markup;
        }
        if (!rows.isArray()) {
            throw new BadRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array");
        }
        for (JsonNode row : rows) {
            for (JsonNode button : row) {
                if (button.path("text").asText("").isEmpty()) {
                    throw new BadRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
                }
                String data = button.path("callback_data").asText("");
                if (data.getBytes(StandardCharsets.UTF_8).length > 64) {
                    throw new BadRequest("BUTTON_DATA_INVALID");
                }
            }
        }
        return markup;
    }

    /**
     * Checks formatted text as Telegram would and returns the length of the visible text.
     *
     * @throws BadRequest "can't parse entities: …" for HTML Telegram refuses
     */
    private static int checkFormatting(String text, String parseMode) {
        if (parseMode.isEmpty()) {
            return text.length();
        }
        if (!parseMode.equalsIgnoreCase("HTML")) {
            // MarkdownV2 and Markdown are not used by openpista; count them as plain text
            return text.length();
        }
        return TelegramHtml.visibleLength(text, BadRequest::new);
    }

    private static String plain(String text, String parseMode) {
        return parseMode.equalsIgnoreCase("HTML") ? TelegramHtml.plain(text) : text;
    }

    private static Answer ok(JsonNode result) {
        ObjectNode body = NODES.objectNode();
        body.put("ok", true);
        body.set("result", result);
        return new Answer(200, body);
    }

    private static Answer ok(JsonNode result, String description) {
        Answer answer = ok(result);
        answer.body().put("description", description);
        return answer;
    }

    /** @return a parameter that holds JSON, sent as JSON or as a JSON string (form, multipart); missing when absent */
    private static JsonNode jsonValue(JsonNode value) {
        if (value == null || value.isNull()) {
            return NODES.missingNode();
        }
        if (value.isTextual()) {
            try {
                return JSON.readTree(value.asText());
            } catch (IOException e) {
                throw new BadRequest("can't parse JSON: " + e.getMessage());
            }
        }
        return value;
    }

    private static ObjectNode error(int code, String description) {
        return NODES.objectNode().put("ok", false).put("error_code", code).put("description", description);
    }

    private static void answer(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("content-type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Parameters from the query string and the body (JSON, form or multipart), as the Bot API accepts them. */
    private static ObjectNode params(HttpExchange exchange, byte[] body, Map<String, byte[]> files) {
        ObjectNode params = NODES.objectNode();
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null) {
            form(query, params);
        }
        String contentType = exchange.getRequestHeaders().getFirst("content-type");
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        if (body.length == 0) {
            return params;
        }
        if (type.startsWith("application/json")) {
            JsonNode json;
            try {
                json = JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalArgumentException("can't parse JSON: " + e.getMessage());
            }
            if (!json.isObject()) {
                throw new IllegalArgumentException("JSON body must be an object");
            }
            params.setAll((ObjectNode) json);
        } else if (type.startsWith("application/x-www-form-urlencoded")) {
            form(new String(body, StandardCharsets.UTF_8), params);
        } else if (type.startsWith("multipart/form-data")) {
            Multipart.parse(contentType, body, params, files);
        }
        return params;
    }

    private static void form(String encoded, ObjectNode params) {
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting");
        }
    }
}
