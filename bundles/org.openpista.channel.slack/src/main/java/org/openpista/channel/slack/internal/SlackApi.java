package org.openpista.channel.slack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openpista.api.chat.Attachment;
import org.openpista.channel.support.Backoff;
import org.openpista.channel.support.BoundedBody;
import org.openpista.channel.support.DaemonThreads;
import org.openpista.channel.support.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web API calls the channel makes: {@code POST <api_url>/<method>} with the token as {@code
 * Authorization: Bearer}, a JSON body (the chat methods) or a form (the rest), and Slack's answer
 * {@code {"ok":true,…}} or {@code {"ok":false,"error":…}}. Sending is retried a few times while
 * Slack rate-limits (HTTP 429 with {@code Retry-After}, or {@code ratelimited}), answers 5xx or
 * cannot be reached; an error Slack states ({@code ok: false}) is not, it would only repeat.
 *
 * <p>It holds the channel's one {@link HttpClient} (HTTP/1.1: one selector thread, and workers
 * that end after 30 s without work; Socket Mode's pongs keep one), which the files and Socket Mode
 * use too.
 */
final class SlackApi implements AutoCloseable {

    /** Who the token belongs to, from {@code auth.test}. */
    record Identity(String teamId, String team, String botUserId, String botName) {}

    private static final Logger LOG = LoggerFactory.getLogger(SlackApi.class);
    /** The largest Web API answer read: a message with its blocks is a few KB. */
    static final long MAX_ANSWER = 16L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** Why a call fails when a token has characters an HTTP header cannot carry (never the token itself). */
    static final String TOKEN_NOT_IN_HEADER = "the token has characters an HTTP header cannot carry (a line break?); check"
            + " [channels.slack] bot_token and app_token";

    /** One attempt's answer: the HTTP status, {@code Retry-After} in seconds (or 0) and the body as JSON. */
    private record Answer(int status, long retryAfter, JsonNode body) {
        boolean ok() {
            return status == 200 && body.path("ok").asBoolean(false);
        }

        String error() {
            return body.path("error").asText("");
        }
    }

    private final URI apiRoot;
    private final String botToken;
    private final Duration firstBackoff;
    private final Duration timeout;
    private final ThreadPoolExecutor workers;
    private final HttpClient http;

    /**
     * @param apiRoot the Web API root without a trailing slash, such as {@code https://slack.com/api}
     * @param botToken the bot token every call is made with
     * @param firstBackoff the first pause before a retry
     */
    SlackApi(String apiRoot, String botToken, Duration firstBackoff) {
        this(apiRoot, botToken, firstBackoff, TIMEOUT);
    }

    /** @param timeout how long a call waits for Slack's whole answer */
    SlackApi(String apiRoot, String botToken, Duration firstBackoff, Duration timeout) {
        this.timeout = timeout;
        this.apiRoot = URI.create(apiRoot + "/");
        this.botToken = botToken;
        this.firstBackoff = firstBackoff;
        // as the client's default executor, but with names that say whose threads these are
        this.workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
                DaemonThreads.numbered("slack-http"));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NEVER).executor(workers).build();
    }

    /** @return the HTTP client, for file downloads and the Socket Mode WebSocket */
    HttpClient http() {
        return http;
    }

    /** @return the client's worker threads, for work that may wait (handing Socket Mode envelopes over) */
    Executor workers() {
        return workers;
    }

    /**
     * Asks who the token belongs to (once: the caller retries).
     *
     * @throws SlackException when Slack refuses the token ({@link SlackException#refused()}) or cannot be asked
     */
    Identity authTest() throws SlackException, InterruptedException {
        JsonNode body = once("auth.test", botToken, JSON.createObjectNode(), false);
        return new Identity(body.path("team_id").asText(""), body.path("team").asText(""), body.path("user_id").asText(""),
                body.path("user").asText(""));
    }

    /**
     * Asks for a Socket Mode WebSocket URL with the app-level token (once: the caller retries).
     *
     * @throws SlackException when Slack refuses the token or cannot be asked
     */
    URI openSocketUrl(String appToken) throws SlackException, InterruptedException {
        String url = once("apps.connections.open", appToken, JSON.createObjectNode(), false).path("url").asText("");
        if (url.isEmpty()) {
            throw new SlackException("apps.connections.open", "no URL in the answer", true);
        }
        try {
            return URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new SlackException("apps.connections.open", "a URL that is none: " + e.getMessage(), true);
        }
    }

    /**
     * Posts a message.
     *
     * @param threadTs the thread to post in, or {@code null} for the channel itself
     * @param blocks Block Kit blocks as JSON, or {@code null}
     * @return the new message's ts
     */
    String post(String channel, String threadTs, String text, String blocks) throws SlackException, InterruptedException {
        ObjectNode params = JSON.createObjectNode().put("channel", channel).put("text", text).put("mrkdwn", true)
                .put("unfurl_links", false);
        optional(params, "thread_ts", threadTs);
        blocks(params, blocks);
        return call("chat.postMessage", params, true).path("ts").asText("");
    }

    /** Replaces a message's text and blocks. */
    void update(String channel, String ts, String text, String blocks) throws SlackException, InterruptedException {
        ObjectNode params = JSON.createObjectNode().put("channel", channel).put("ts", ts).put("text", text);
        blocks(params, blocks);
        call("chat.update", params, true);
    }

    /** Shows a message to one user of a channel only. */
    void postEphemeral(String channel, String threadTs, String user, String text) throws SlackException, InterruptedException {
        ObjectNode params = JSON.createObjectNode().put("channel", channel).put("user", user).put("text", text);
        optional(params, "thread_ts", threadTs);
        call("chat.postEphemeral", params, true);
    }

    /**
     * Uploads a file into a thread as Slack's SDK does: {@code files.getUploadURLExternal}, the bytes
     * POSTed to the URL it gives, {@code files.completeUploadExternal} into the channel and thread.
     */
    void upload(String channel, String threadTs, Attachment file) throws SlackException, InterruptedException {
        String name = file.name().isBlank() ? "image" + extension(file.mimeType()) : file.name();
        JsonNode target = call("files.getUploadURLExternal", JSON.createObjectNode().put("filename", name)
                .put("length", file.data().length), false);
        String fileId = target.path("file_id").asText("");
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(target.path("upload_url").asText(""))).timeout(timeout)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(file.data())).build();
        } catch (IllegalArgumentException e) {
            throw new SlackException("files.getUploadURLExternal", "no upload URL in the answer", true);
        }
        try {
            int status = BoundedBody.send(http, request, BoundedBody.upTo(MAX_ANSWER)).statusCode();
            if (status != 200) {
                throw new SlackException("file upload", "HTTP " + status, status < 500);
            }
        } catch (IOException e) {
            throw new SlackException("file upload", "cannot reach Slack: " + Problems.describe(e), false);
        }
        ObjectNode params = JSON.createObjectNode().put("channel_id", channel);
        params.put("files", JSON.createArrayNode().add(JSON.createObjectNode().put("id", fileId).put("title", name)).toString());
        optional(params, "thread_ts", threadTs);
        call("files.completeUploadExternal", params, false);
    }

    /** Ends the client's workers once their work is done; its selector thread ends with the client. */
    @Override
    public void close() {
        workers.shutdown();
    }

    /** A call with the bot token, retried while Slack rate-limits, fails inside or cannot be reached. */
    private JsonNode call(String method, ObjectNode params, boolean json) throws SlackException, InterruptedException {
        Backoff backoff = new Backoff(firstBackoff, Duration.ofSeconds(30));
        for (int attempt = 1;; attempt++) {
            long wait = backoff.nextMillis();
            String problem;
            try {
                Answer answer = send(method, botToken, params, json);
                if (answer.ok()) {
                    return answer.body();
                }
                if (answer.status() == 429 || answer.status() >= 500) {
                    problem = "HTTP " + answer.status();
                    wait = Math.max(wait, answer.retryAfter() * 1000);
                } else if (answer.status() != 200) {
                    throw new SlackException(method, "HTTP " + answer.status(), true);
                } else if (answer.error().equals("ratelimited") || answer.error().equals("internal_error")) {
                    problem = answer.error();
                    wait = Math.max(wait, answer.retryAfter() * 1000);
                } else {
                    throw new SlackException(method, answer.error().isEmpty() ? "an answer without ok" : answer.error(), true);
                }
            } catch (IOException e) {
                problem = "cannot reach Slack: " + Problems.describe(e);
            }
            if (attempt >= ATTEMPTS) {
                throw new SlackException(method, problem + " (after " + ATTEMPTS + " attempts)", false);
            }
            LOG.debug("Slack {} failed ({}); trying again in {} ms", method, problem, wait);
            Thread.sleep(wait);
        }
    }

    /** A call made once: any failure is the caller's to retry. */
    private JsonNode once(String method, String token, ObjectNode params, boolean json) throws SlackException,
            InterruptedException {
        Answer answer;
        try {
            answer = send(method, token, params, json);
        } catch (IOException e) {
            throw new SlackException(method, "cannot reach Slack: " + Problems.describe(e), false);
        }
        if (answer.status() != 200) {
            throw new SlackException(method, "HTTP " + answer.status(), false);
        }
        if (!answer.ok()) {
            throw new SlackException(method, answer.error().isEmpty() ? "an answer without ok" : answer.error(), true);
        }
        return answer.body();
    }

    private Answer send(String method, String token, ObjectNode params, boolean json) throws IOException,
            InterruptedException, SlackException {
        HttpRequest.Builder request = HttpRequest.newBuilder(apiRoot.resolve(method)).timeout(timeout);
        bearer(request, method, token);
        if (json) {
            request.header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(params)));
        } else {
            request.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form(params)));
        }
        HttpResponse<byte[]> response = BoundedBody.send(http, request.build(), BoundedBody.upTo(MAX_ANSWER));
        String retryAfter = response.headers().firstValue("Retry-After").orElse("").strip();
        long seconds = retryAfter.matches("[0-9]{1,4}") ? Long.parseLong(retryAfter) : 0;
        JsonNode body;
        try {
            body = response.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode(); // a proxy's page, say: the status tells
        }
        return new Answer(response.statusCode(), seconds, body == null ? JSON.createObjectNode() : body);
    }

    /**
     * Sets {@code Authorization: Bearer <token>}.
     *
     * @throws SlackException (refused) when the token has characters a header cannot carry: the JDK's
     *     own exception would show the token
     */
    static void bearer(HttpRequest.Builder request, String what, String token) throws SlackException {
        try {
            request.header("Authorization", "Bearer " + token);
        } catch (IllegalArgumentException e) {
            throw new SlackException(what, TOKEN_NOT_IN_HEADER, true);
        }
    }

    private static String form(ObjectNode params) {
        StringBuilder form = new StringBuilder();
        for (Map.Entry<String, JsonNode> field : params.properties()) {
            JsonNode value = field.getValue();
            form.append(form.isEmpty() ? "" : "&").append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(value.isValueNode() ? value.asText() : value.toString(), StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    private static void optional(ObjectNode params, String name, String value) {
        if (value != null && !value.isEmpty()) {
            params.put(name, value);
        }
    }

    private static void blocks(ObjectNode params, String blocks) throws SlackException {
        if (blocks == null) {
            return;
        }
        try {
            params.set("blocks", JSON.readTree(blocks));
        } catch (IOException e) {
            throw new SlackException("chat", "blocks that are no JSON", true);
        }
    }

    private static String extension(String mimeType) {
        return switch (mimeType) {
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            case "image/webp" -> ".webp";
            default -> ".bin";
        };
    }

}
