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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
import java.util.function.Supplier;
import org.openpista.testkit.FakeSlackServer.Call;
import org.openpista.testkit.FakeSlackServer.Failure;
import org.openpista.testkit.FakeSlackServer.Message;

/**
 * The fake Slack's Web API: the methods {@link FakeSlackServer} lists, with Slack's token kinds,
 * parameters (form or JSON) and answers, and the channels' messages they act on.
 */
final class SlackWebApi {

    /** Told when the bot posts into a direct message, which Slack reports to the app as an event too. */
    @FunctionalInterface
    interface OwnMessage {
        void posted(String channel, String text, String ts, String threadTs);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String BOT_USER_ID = FakeSlackServer.BOT_USER_ID;
    private static final String BOT_NAME = FakeSlackServer.BOT_NAME;
    private static final String TEAM_ID = FakeSlackServer.TEAM_ID;
    private static final int MAX_TEXT = FakeSlackServer.MAX_TEXT;

    private final String botToken;
    private final String appToken;
    private final Supplier<String> root;
    private final SlackDeliveries deliveries;
    private final OwnMessage ownMessage;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    // guarded by this
    private final Map<String, Deque<Failure>> failures = new HashMap<>();
    private final Map<String, Map<String, Message>> channels = new LinkedHashMap<>();
    private final Map<String, byte[]> uploads = new LinkedHashMap<>();
    private final Map<String, String> uploadNames = new HashMap<>();
    /** Files users shared, by the path of their url_private, and the paths downloaded with the bot token. */
    private final Map<String, byte[]> shared = new HashMap<>();
    private final List<String> downloads = new CopyOnWriteArrayList<>();
    private long clock = Instant.now().getEpochSecond() * 1_000_000L;

    SlackWebApi(String botToken, String appToken, Supplier<String> root, SlackDeliveries deliveries, OwnMessage ownMessage) {
        this.botToken = botToken;
        this.appToken = appToken;
        this.root = root;
        this.deliveries = deliveries;
        this.ownMessage = ownMessage;
    }

    synchronized void failNext(String method, List<Failure> next) {
        failures.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(next);
    }

    synchronized int failuresLeft(String method) {
        return failures.getOrDefault(method, new ArrayDeque<>()).size();
    }

    List<Call> calls(String method) {
        return calls.stream().filter(call -> call.method().equals(method)).toList();
    }

    synchronized List<Message> messages(String channel) {
        return List.copyOf(channels.getOrDefault(channel, Map.of()).values());
    }

    synchronized Message message(String channel, String ts) {
        return channels.getOrDefault(channel, Map.of()).get(ts);
    }

    /** Adds a user's message; @return its ts */
    synchronized String add(String channel, String threadTs, String user, String text) {
        String ts = nextTs();
        channels.computeIfAbsent(channel, c -> new LinkedHashMap<>())
                .put(ts, new Message(ts, threadTs, user, text, NODES.missingNode(), List.of(), ""));
        return ts;
    }

    synchronized byte[] upload(String name) {
        for (Map.Entry<String, String> entry : uploadNames.entrySet()) {
            if (entry.getValue().equals(name)) {
                return uploads.get(entry.getKey());
            }
        }
        return null;
    }


    /** @return the {@code url_private} path of a file a user shares, served to the bot token */
    synchronized String share(String fileId, String name, byte[] bytes) {
        String path = "/files-pri/" + TEAM_ID + "-" + fileId + "/" + name;
        shared.put(path, bytes.clone());
        return path;
    }

    List<String> downloads() {
        return List.copyOf(downloads);
    }

    void dispatch(HttpExchange exchange) throws IOException {
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
            if (path.startsWith("/files-pri/")) {
                byte[] file;
                synchronized (this) {
                    file = shared.get(path);
                }
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (file == null) {
                    answer(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                } else if (!("Bearer " + botToken).equals(authorization)) {
                    // as Slack does: without the token the address leads to the sign-in page
                    answer(exchange, 200, "text/html; charset=utf-8",
                            "<!DOCTYPE html><html><body>Sign in to Slack</body></html>".getBytes(StandardCharsets.UTF_8));
                } else {
                    downloads.add(path);
                    answer(exchange, 200, "application/octet-stream", file);
                }
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
            ownMessage.posted(channel, text, ts, threadTs);
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
        return NODES.objectNode().put("ok", true).put("upload_url", root.get() + "/upload/" + fileId).put("file_id", fileId);
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

    synchronized String nextTs() {
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
