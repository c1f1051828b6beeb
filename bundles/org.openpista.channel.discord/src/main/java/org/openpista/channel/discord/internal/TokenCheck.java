package org.openpista.channel.discord.internal;

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

/**
 * The answer of {@code GET /users/@me}, which {@code discord setup} asks before it saves a token and
 * {@code discord status --check} on request. A client of its own, not the channel's: one call, in the
 * process of a command, with its own one-line answers.
 *
 * @param ok whether the token was accepted
 * @param username the bot's name when accepted
 * @param id the bot's user id when accepted
 * @param problem one line saying what went wrong otherwise; it never holds the token
 */
record TokenCheck(boolean ok, String username, String id, String problem) {

    /** What the Developer Portal hands out: three dot-separated base64url parts. */
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{18,40}\\.[A-Za-z0-9_-]{4,10}\\.[A-Za-z0-9_-]{10,100}");

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The largest answer read: a user object is well under 1 KB. */
    private static final long MAX_ANSWER = 64 * 1024;

    /**
     * Asks Discord who the token belongs to.
     *
     * @param api the REST root, such as {@value DiscordSettings#DEFAULT_API}
     */
    static TokenCheck usersMe(String api, String token) throws InterruptedException {
        return usersMe(api, token, Duration.ofSeconds(20));
    }

    /** @param within how long the answer, its body included, may take */
    static TokenCheck usersMe(String api, String token, Duration within) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(api + "/users/@me")).timeout(within)
                    .header("Authorization", "Bot " + token).header("User-Agent", "DiscordBot (openpista, 1)").GET().build();
        } catch (IllegalArgumentException e) {
            return new TokenCheck(false, "", "", "api_url is not a URL: " + api);
        }
        HttpResponse<byte[]> response;
        try {
            response = BoundedBody.send(client, request, BoundedBody.upTo(MAX_ANSWER), within);
        } catch (IOException e) {
            return new TokenCheck(false, "", "", "cannot reach " + api + ": " + DiscordRest.describe(e));
        }
        JsonNode body;
        try {
            byte[] bytes = response.body();
            body = JSON.readTree(bytes.length == 0 ? "{}" : new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        if (response.statusCode() == 200 && body.hasNonNull("id")) {
            return new TokenCheck(true, body.path("username").asText(""), body.path("id").asText(), "");
        }
        String message = body.path("message").asText("");
        return new TokenCheck(false, "", "", "Discord refused the token: HTTP " + response.statusCode()
                + (message.isEmpty() ? "" : " " + message));
    }
}
