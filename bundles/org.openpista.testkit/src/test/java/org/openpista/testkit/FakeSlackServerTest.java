package org.openpista.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake Slack spoken to with the JDK's HTTP and WebSocket clients, as an app would. */
class FakeSlackServerTest {

    static final String BOT = "xoxb-test-bot-token";
    static final String APP = "xapp-test-app-token";
    static final ObjectMapper JSON = new ObjectMapper();

    final FakeSlackServer slack = new FakeSlackServer(BOT, APP, "secret");
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        slack.close();
    }

    JsonNode call(String method, String token, String form) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(slack.apiUrl() + "/" + method))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    @Test
    void tokensAreCheckedPerKind() throws Exception {
        assertThat(call("auth.test", BOT, "").path("user_id").asText()).isEqualTo(FakeSlackServer.BOT_USER_ID);
        assertThat(call("auth.test", "xoxb-wrong", "").path("error").asText()).isEqualTo("invalid_auth");
        assertThat(call("auth.test", APP, "").path("error").asText()).isEqualTo("not_allowed_token_type");
        assertThat(call("apps.connections.open", BOT, "").path("error").asText()).isEqualTo("not_allowed_token_type");
        assertThat(call("chat.postMessage", BOT, "channel=C1&text=" + "x".repeat(40_001)).path("error").asText())
                .isEqualTo("msg_too_long");
        assertThat(call("nope.nope", BOT, "").path("error").asText()).isEqualTo("unknown_method");
    }

    @Test
    void socketModeSaysHelloSendsEnvelopesAndRedeliversWhatWasNotAcknowledged() throws Exception {
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        WebSocket socket = connect(received);
        assertThat(received.poll(10, TimeUnit.SECONDS).path("type").asText()).isEqualTo("hello");

        slack.userSendsDm("U1", "hi");
        JsonNode envelope = received.poll(10, TimeUnit.SECONDS);
        assertThat(envelope.path("type").asText()).isEqualTo("events_api");
        assertThat(envelope.path("payload").path("event").path("text").asText()).isEqualTo("hi");
        assertThat(envelope.path("retry_attempt").asInt()).isZero();
        socket.abort(); // no acknowledgement

        WebSocket again = connect(received);
        assertThat(received.poll(10, TimeUnit.SECONDS).path("type").asText()).isEqualTo("hello");
        JsonNode repeated = received.poll(10, TimeUnit.SECONDS);
        assertThat(repeated.path("payload").path("event_id").asText()).isEqualTo(envelope.path("payload").path("event_id").asText());
        assertThat(repeated.path("retry_attempt").asInt()).isEqualTo(1);
        again.sendText("{\"envelope_id\":\"" + repeated.path("envelope_id").asText() + "\"}", true).join();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (slack.unacknowledged() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(slack.unacknowledged()).isZero();
        again.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }

    @Test
    void aTicketWorksOnce() throws Exception {
        String url = call("apps.connections.open", APP, "").path("url").asText();
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        http.newWebSocketBuilder().buildAsync(URI.create(url), listener(received)).join();
        assertThat(received.poll(10, TimeUnit.SECONDS).path("type").asText()).isEqualTo("hello");
        BlockingQueue<JsonNode> second = new LinkedBlockingQueue<>();
        WebSocket refused = http.newWebSocketBuilder().buildAsync(URI.create(url), listener(second)).join();
        assertThat(second.poll(2, TimeUnit.SECONDS)).isNull();
        refused.abort();
    }

    WebSocket connect(BlockingQueue<JsonNode> received) throws Exception {
        String url = call("apps.connections.open", APP, "").path("url").asText();
        assertThat(url).startsWith("ws://127.0.0.1:");
        return http.newWebSocketBuilder().buildAsync(URI.create(url), listener(received)).join();
    }

    static WebSocket.Listener listener(BlockingQueue<JsonNode> received) {
        return new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try {
                        received.add(JSON.readTree(text.toString()));
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                    text.setLength(0);
                }
                webSocket.request(1);
                return null;
            }
        };
    }
}
