package org.openpista.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake Discord spoken to with the JDK's HTTP and WebSocket clients, as a bot library would. */
class FakeDiscordServerTest {

    static final String TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gabcde.test-token";

    final FakeDiscordServer discord = new FakeDiscordServer(TOKEN, "1400000000000000001");
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        discord.close();
    }

    @Test
    void restNeedsTheBotTokenAndRefusesLongMessages() throws Exception {
        HttpResponse<String> me = http.send(HttpRequest.newBuilder(URI.create(discord.apiUrl() + "/users/@me"))
                .header("Authorization", "Bot " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains(FakeDiscordServer.BOT_ID);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(discord.apiUrl() + "/users/@me")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpResponse<String> tooLong = http.send(HttpRequest.newBuilder(URI.create(discord.apiUrl() + "/channels/1400000000000000001/messages"))
                .header("Authorization", "Bot " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"" + "x".repeat(2001) + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(tooLong.body()).contains("50035");
    }

    @Test
    void everyRouteIsRateLimitedPerChannelWithDiscordsHeaders() throws Exception {
        discord.rateLimit(2, java.time.Duration.ofSeconds(30));
        HttpResponse<String> first = post("/channels/1400000000000000001/messages");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-RateLimit-Limit")).hasValue("2");
        assertThat(first.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
        assertThat(Double.parseDouble(first.headers().firstValue("X-RateLimit-Reset-After").orElseThrow())).isBetween(25.0,
                30.0);
        assertThat(first.headers().firstValue("X-RateLimit-Reset")).isPresent();
        String bucket = first.headers().firstValue("X-RateLimit-Bucket").orElseThrow();
        assertThat(post("/channels/1400000000000000001/messages").headers().firstValue("X-RateLimit-Remaining")).hasValue("0");

        HttpResponse<String> limited = post("/channels/1400000000000000001/messages");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).containsPattern("\"retry_after\":(2\\d|30)\\.\\d+").contains("\"global\":false");
        assertThat(limited.headers().firstValue("X-RateLimit-Scope")).hasValue("user");
        // another channel: the same route's bucket hash, a limit of its own
        HttpResponse<String> other = post("/channels/1400000000000000002/messages");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.headers().firstValue("X-RateLimit-Bucket")).hasValue(bucket);
        assertThat(other.headers().firstValue("X-RateLimit-Remaining")).hasValue("1");
        assertThat(discord.calls()).extracting(FakeDiscordServer.Call::status).containsExactly(200, 200, 429, 200);
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(discord.apiUrl() + path)).header("Authorization", "Bot " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"hi\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theGatewayIdentifiesDispatchesAndResumesWithWhatWasMissed() throws Exception {
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        URI gateway = URI.create(discord.gatewayUrl() + "/?v=10&encoding=json");
        WebSocket socket = http.newWebSocketBuilder().buildAsync(gateway, FakeSlackServerTest.listener(received)).join();
        assertThat(received.poll(10, TimeUnit.SECONDS).path("op").asInt()).isEqualTo(10);
        socket.sendText("{\"op\":2,\"d\":{\"token\":\"" + TOKEN + "\",\"intents\":37377,\"properties\":{}}}", true).join();
        JsonNode ready = received.poll(10, TimeUnit.SECONDS);
        assertThat(ready.path("t").asText()).isEqualTo("READY");
        assertThat(received.poll(10, TimeUnit.SECONDS).path("t").asText()).isEqualTo("GUILD_CREATE");
        socket.sendText("{\"op\":1,\"d\":2}", true).join();
        assertThat(received.poll(10, TimeUnit.SECONDS).path("op").asInt()).isEqualTo(11);
        String session = ready.path("d").path("session_id").asText();

        discord.dropConnection();
        discord.userSendsDm("1300000000000000001", "while away");
        WebSocket resumed = http.newWebSocketBuilder().buildAsync(gateway, FakeSlackServerTest.listener(received)).join();
        assertThat(received.poll(10, TimeUnit.SECONDS).path("op").asInt()).isEqualTo(10);
        resumed.sendText("{\"op\":6,\"d\":{\"token\":\"" + TOKEN + "\",\"session_id\":\"" + session + "\",\"seq\":2}}", true)
                .join();
        JsonNode missed = received.poll(10, TimeUnit.SECONDS);
        assertThat(missed.path("t").asText()).isEqualTo("MESSAGE_CREATE");
        assertThat(missed.path("s").asInt()).isEqualTo(3);
        assertThat(missed.path("d").path("content").asText()).isEqualTo("while away");
        assertThat(received.poll(10, TimeUnit.SECONDS).path("t").asText()).isEqualTo("RESUMED");
        assertThat(discord.resumes()).isEqualTo(1);

        resumed.sendText("{\"op\":6,\"d\":{\"token\":\"" + TOKEN + "\",\"session_id\":\"unknown\",\"seq\":0}}", true).join();
        JsonNode invalid = received.poll(10, TimeUnit.SECONDS);
        assertThat(invalid.path("op").asInt()).isEqualTo(9);
        assertThat(invalid.path("d").asBoolean(true)).isFalse();
    }
}
