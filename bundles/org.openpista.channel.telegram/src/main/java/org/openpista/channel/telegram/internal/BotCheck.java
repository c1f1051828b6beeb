package org.openpista.channel.telegram.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.openpista.channel.support.BoundedBody;
import org.openpista.channel.support.Problems;

/**
 * The answer of {@code getMe}, which {@code telegram setup} asks before it saves a token and
 * {@code telegram status --check} on request. A plain JDK request rather than the channel's
 * telegrambots client: one call, in the process of a command, with its own one-line answers.
 *
 * @param ok whether the token was accepted
 * @param username the bot's username when accepted
 * @param problem one line saying what went wrong otherwise; it never holds the token
 */
record BotCheck(boolean ok, String username, String problem) {

    /** What @BotFather hands out: the bot's numeric id, a colon, the secret part. */
    static final Pattern TOKEN = Pattern.compile("[0-9]{1,20}:[A-Za-z0-9_-]{1,100}");

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Asks the Bot API who the token belongs to.
     *
     * @param api the Bot API root, such as {@value TelegramSettings#DEFAULT_API}
     * @param token the bot token
     */
    static BotCheck getMe(String api, String token) throws InterruptedException {
        return getMe(api, token, Duration.ofSeconds(20));
    }

    /** @param timeout how long the whole answer may take (a peer that stalls in the body is given up on) */
    static BotCheck getMe(String api, String token, Duration timeout) throws InterruptedException {
        String root = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<byte[]> response;
        try {
            HttpCalls calls = new HttpCalls(client);
            try {
                response = calls.send(HttpRequest.newBuilder(URI.create(root + "/bot" + token + "/getMe")).timeout(timeout)
                        .GET().build(), BoundedBody.upTo(BotTransport.MAX_ANSWER));
            } finally {
                calls.close();
            }
        } catch (IOException e) {
            return new BotCheck(false, "", "cannot reach " + root + ": " + Problems.describe(e));
        } catch (IllegalArgumentException e) {
            return new BotCheck(false, "", "api_url is not a URL: " + root);
        }
        JsonNode body = parse(new String(response.body(), StandardCharsets.UTF_8));
        if (response.statusCode() == 200 && body.path("ok").asBoolean(false)) {
            return new BotCheck(true, body.path("result").path("username").asText(""), "");
        }
        String description = body.path("description").asText("");
        return new BotCheck(false, "", "Telegram refused the token: HTTP " + response.statusCode()
                + (description.isEmpty() ? "" : " " + description));
    }

    /**
     * @return how status shows a token: the bot's id, never the secret part
     */
    static String masked(String token) {
        int colon = token.indexOf(':');
        String id = colon > 0 ? token.substring(0, colon) : "";
        return (id.isEmpty() ? "" : "bot id " + id + ", ") + "secret part hidden";
    }

    private static JsonNode parse(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
