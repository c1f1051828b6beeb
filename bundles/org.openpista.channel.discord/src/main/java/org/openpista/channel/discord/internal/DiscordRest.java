package org.openpista.channel.discord.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.openpista.channel.support.BoundedBody;
import org.openpista.channel.support.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discord's REST API (v10, under {@code api_url}) through the JDK's {@link HttpClient}, the one the
 * gateway's WebSocket shares: the calls the channel makes, with JSON bodies (multipart for files).
 * A request waits while its route's rate limit bucket has nothing left ({@link RateLimits}); a 429
 * is waited out all the same ({@code retry_after}; a global one holds every request) and the
 * request sent again; other failures throw a {@link DiscordException} that says what Discord
 * answered. {@link #close} ends the waits.
 */
final class DiscordRest {

    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final Logger LOG = LoggerFactory.getLogger(DiscordRest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** The largest answer read (a page of 100 messages is well under 1 MB). */
    static final long MAX_ANSWER = 8L * 1024 * 1024;
    private static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_RATE_LIMITED = 5;
    private static final String USER_AGENT = "DiscordBot (https://github.com/openpista, 1)";

    /** A file to upload. */
    record Upload(String name, byte[] data) {}

    private final HttpClient http;
    private final String api;
    private final String token;
    private final Duration timeout;
    private final long maxAnswer;
    private final RateLimits limits = new RateLimits();

    /** @param api the REST root with its version, such as {@value DiscordSettings#DEFAULT_API} */
    DiscordRest(HttpClient http, String api, String token) {
        this(http, api, token, TIMEOUT, MAX_ANSWER);
    }

    /**
     * @param timeout how long a call may take, its answer's body included
     * @param maxAnswer the largest answer read, in bytes
     */
    DiscordRest(HttpClient http, String api, String token, Duration timeout, long maxAnswer) {
        this.http = http;
        this.api = api;
        this.token = token;
        this.timeout = timeout;
        this.maxAnswer = maxAnswer;
    }

    HttpClient http() {
        return http;
    }

    /** @return {@code GET /users/@me}: the bot user */
    JsonNode me() {
        return call("GET", "/users/@me", null);
    }

    /** @return the id of the DM channel with a user ({@code POST /users/@me/channels}) */
    String openDm(String userId) {
        return call("POST", "/users/@me/channels", NODES.objectNode().put("recipient_id", userId)).path("id").asText();
    }

    /** @return the message sent */
    JsonNode send(String channelId, String content) {
        return send(channelId, NODES.objectNode().put("content", content));
    }

    /** @param message a message object ({@code content}, {@code components}, …) */
    JsonNode send(String channelId, ObjectNode message) {
        return call("POST", "/channels/" + channelId + "/messages", message);
    }

    /** Sends files as a message of their own (multipart, {@code files[n]}). */
    JsonNode sendFiles(String channelId, List<Upload> files) {
        ObjectNode payload = NODES.objectNode();
        ArrayNode attachments = payload.putArray("attachments");
        for (int i = 0; i < files.size(); i++) {
            attachments.addObject().put("id", i).put("filename", files.get(i).name());
        }
        String boundary = "openpista" + UUID.randomUUID().toString().replace("-", "");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        part(body, boundary, "payload_json", null, "application/json", payload.toString().getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < files.size(); i++) {
            part(body, boundary, "files[" + i + "]", files.get(i).name(), "application/octet-stream", files.get(i).data());
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return exchange("POST", "/channels/" + channelId + "/messages", "multipart/form-data; boundary=" + boundary,
                body.toByteArray());
    }

    /** {@code PATCH /channels/{id}/messages/{id}} with the fields given */
    JsonNode edit(String channelId, String messageId, ObjectNode changes) {
        return call("PATCH", "/channels/" + channelId + "/messages/" + messageId, changes);
    }

    /** @return up to {@code limit} messages after the given id, newest first, as Discord returns them */
    List<JsonNode> history(String channelId, String after, int limit) {
        List<JsonNode> page = new ArrayList<>();
        call("GET", "/channels/" + channelId + "/messages?after=" + after + "&limit=" + limit, null).forEach(page::add);
        return page;
    }

    /**
     * Shows "typing…" in a channel, without waiting for the answer: it runs on the timer that beats
     * the gateway's heart, and a refused one is not worth a retry.
     */
    void typing(String channelId) {
        String path = "/channels/" + channelId + "/typing";
        RateLimits.Permit permit = limits.tryAcquire(RateLimits.Route.of("POST", path));
        if (permit == null) {
            LOG.debug("No typing in Discord channel {}: rate limited", channelId);
            return;
        }
        try {
            http.sendAsync(HttpRequest.newBuilder(URI.create(api + path)).timeout(timeout)
                    .header("Authorization", "Bot " + token).header("User-Agent", USER_AGENT)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding())
                    .whenComplete((response, error) -> {
                        if (response == null) {
                            limits.release(permit);
                        } else {
                            limits.answered(permit, response.headers(), -1, false);
                        }
                    });
        } catch (IllegalArgumentException e) {
            limits.release(permit);
            LOG.debug("No typing in Discord channel {}: {}", channelId, e.getMessage());
        }
    }

    /** @return how long a global rate limit still holds every request (zero: none); for tests */
    Duration globalHold() {
        return limits.globalHold();
    }

    /** The channel stops within {@code grace}: requests waiting for a rate limit that ends later fail now. */
    void stopping(Duration grace) {
        limits.stopping(grace);
    }

    /** Ends the waits for rate limits: requests waiting, and any made later, fail at once. */
    void close() {
        limits.close();
    }

    /** Replaces the application's global slash commands (bulk overwrite). */
    JsonNode registerCommands(String applicationId, ArrayNode commands) {
        return call("PUT", "/applications/" + applicationId + "/commands", commands);
    }

    /** Answers an interaction ({@code type} 4: a message, 7: an update of the button's message). */
    void respond(DiscordInteraction interaction, int type, ObjectNode data) {
        ObjectNode body = NODES.objectNode().put("type", type);
        body.set("data", data);
        call("POST", "/interactions/" + interaction.id() + "/" + interaction.token() + "/callback", body);
    }

    /** A follow-up message of an answered interaction. */
    JsonNode followUp(DiscordInteraction interaction, ObjectNode message) {
        return call("POST", "/webhooks/" + interaction.applicationId() + "/" + interaction.token(), message);
    }

    /**
     * Downloads a file from Discord's CDN (no token), up to {@code max} bytes.
     *
     * @throws BoundedBody.TooLarge when it is larger
     * @throws IOException when it cannot be fetched
     */
    byte[] download(String url, long max) throws IOException, InterruptedException {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(DOWNLOAD_TIMEOUT).header("User-Agent", USER_AGENT)
                    .GET().build();
        } catch (IllegalArgumentException e) {
            throw new IOException("not a URL: " + url, e);
        }
        HttpResponse<byte[]> response = fetch(request, max, DOWNLOAD_TIMEOUT);
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return response.body();
    }

    /** Sends a request and reads its answer, up to {@code max} bytes, all within {@code within}. */
    private HttpResponse<byte[]> fetch(HttpRequest request, long max, Duration within)
            throws IOException, InterruptedException {
        return BoundedBody.send(http, request, BoundedBody.upTo(max), within);
    }

    /** @return the answer's JSON (an empty object for 204) */
    JsonNode call(String method, String path, JsonNode body) {
        return body == null ? exchange(method, path, null, null)
                : exchange(method, path, "application/json", body.toString().getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode exchange(String method, String path, String contentType, byte[] body) {
        String route = method + " " + route(path);
        URI uri;
        try {
            uri = URI.create(api + path);
        } catch (IllegalArgumentException e) {
            // its message would repeat the path, interaction tokens and all
            throw new IllegalArgumentException(route + ": not a valid address");
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bot " + token).header("User-Agent", USER_AGENT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpRequest built = request.build();
        RateLimits.Route bucket = RateLimits.Route.of(method, path);
        for (int attempt = 1;; attempt++) {
            RateLimits.Permit permit = limits.acquire(bucket);
            HttpResponse<byte[]> response;
            try {
                response = fetch(built, maxAnswer, timeout);
            } catch (IOException e) {
                limits.release(permit);
                throw new UncheckedIOException(route + ": " + describe(e), e);
            } catch (InterruptedException e) {
                limits.release(permit);
                Thread.currentThread().interrupt();
                throw new IllegalStateException(route + " interrupted", e);
            } catch (RuntimeException e) {
                limits.release(permit);
                throw e;
            }
            JsonNode answer = parse(new String(response.body(), StandardCharsets.UTF_8));
            int status = response.statusCode();
            long millis = status == 429 ? retryAfterMillis(answer, response) : -1;
            boolean global = status == 429 && (answer.path("global").asBoolean(false)
                    || "global".equals(response.headers().firstValue("X-RateLimit-Scope").orElse("")));
            limits.answered(permit, response.headers(), millis, global);
            if (status == 429 && attempt < MAX_RATE_LIMITED) {
                LOG.debug("Discord rate limits {} ({}): waiting {} ms", route, global ? "global" : "route", millis);
                continue;
            }
            if (status / 100 != 2) {
                throw new DiscordException(route, status, answer.path("code").asInt(0), answer.path("message").asText(""));
            }
            return answer;
        }
    }

    /** @return the first message in the chain of causes (the JDK's ConnectException has none), else the class */
    static String describe(Throwable error) {
        return Problems.firstMessage(error)
                .orElse(error instanceof java.net.ConnectException ? "cannot connect" : error.getClass().getSimpleName());
    }

    /** @return the path without its query and with interaction tokens (secrets for 15 minutes) left out, for messages */
    static String route(String path) {
        return path.replaceAll("\\?.*", "").replaceAll("^(/(interactions|webhooks)/[^/]+/)[^/]+", "$1{token}");
    }

    /** @return {@code retry_after} of the body (seconds, with fractions), else the Retry-After header, in ms */
    static long retryAfterMillis(JsonNode answer, HttpResponse<?> response) {
        double seconds = answer.path("retry_after").asDouble(-1);
        if (seconds < 0) {
            Optional<String> header = response.headers().firstValue("Retry-After");
            try {
                seconds = header.map(Double::parseDouble).orElse(1.0);
            } catch (NumberFormatException e) {
                seconds = 1;
            }
        }
        return Math.max(0, Math.min((long) Math.ceil(seconds * 1000), 60_000));
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return NODES.objectNode();
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            // an error page of a proxy, say: on one line
            String text = body.replaceAll("\\s+", " ").strip();
            return NODES.objectNode().put("message", text.length() > 200 ? text.substring(0, 200) + "…" : text);
        }
    }

    private static void part(ByteArrayOutputStream out, String boundary, String name, String fileName, String type,
            byte[] data) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (fileName == null ? "" : "; filename=\"" + fileName.replaceAll("[\"\\r\\n]", "_") + "\"")
                + "\r\nContent-Type: " + type + "\r\n\r\n";
        out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(data);
        out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }

    /** What Discord answered to a request that failed. */
    static final class DiscordException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        DiscordException(String route, int status, int code, String message) {
            super(route + " failed: HTTP " + status + (code == 0 ? "" : " (" + code + ")")
                    + (message.isEmpty() ? "" : " " + message));
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
