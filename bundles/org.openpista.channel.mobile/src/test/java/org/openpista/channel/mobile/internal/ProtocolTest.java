package org.openpista.channel.mobile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openpista.api.channel.AgentReply;

/** The original's protocol over real QUIC: authentication first, then one stream per request. */
class ProtocolTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aDeviceAuthenticatesAndGetsItsSession() throws Exception {
        MobileClient client = server.client("phone-1");
        assertThat(client.authOk().path("type").asText()).isEqualTo("auth_ok");
        assertThat(client.authOk().path("session_id").asText()).isEqualTo("mobile:phone-1");
        assertThat(client.authOk().path("features")).extracting(JsonNode::asText).contains("stream", "approvals");
    }

    @Test
    void anOriginalClientGetsExactlyOneResponsePerRequest() throws Exception {
        MobileClient client = server.client("phone-1");
        List<JsonNode> frames = TestServer.request(client, TestServer.message("hello"));
        assertThat(frames).hasSize(1);
        assertThat(frames.get(0).path("type").asText()).isEqualTo("response");
        assertThat(frames.get(0).path("content").asText()).isEqualTo("echo: hello");
        assertThat(frames.get(0).path("is_error").asBoolean()).isFalse();
        assertThat(server.gateway.turns.get(0).sessionId).isEqualTo("mobile:phone-1");
        assertThat(server.gateway.turns.get(0).message.channel()).isEqualTo("mobile");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS) // without the credit the next stream waits forever
    void oneConnectionCarriesManyMoreRequestsThanTheStreamsOpenAtOnce() throws Exception {
        MobileClient client = server.client("phone-1");
        // each finished stream must give the phone credit for a new one (the benchmark's phones hung after 32)
        for (int i = 0; i < 3 * QuicServer.MAX_STREAMS; i++) {
            List<JsonNode> frames = TestServer.request(client, TestServer.message("request " + i));
            assertThat(frames).extracting(frame -> frame.path("content").asText()).containsExactly("echo: request " + i);
        }
        assertThat(server.gateway.turns).hasSize(3 * QuicServer.MAX_STREAMS);
    }

    @Test
    void aFailedTurnIsAnErrorResponse() throws Exception {
        server.gateway.script = turn -> AgentReply.failure(turn.sessionId, "the model is down");
        List<JsonNode> frames = TestServer.request(server.client("phone-1"), TestServer.message("hello"));
        assertThat(frames).singleElement().satisfies(frame -> {
            assertThat(frame.path("type").asText()).isEqualTo("response");
            assertThat(frame.path("is_error").asBoolean()).isTrue();
            assertThat(frame.path("content").asText()).isEqualTo("the model is down");
        });
    }

    @Test
    void aWrongTokenIsRefusedAndTheConnectionEnds() throws Exception {
        assertThatThrownBy(() -> MobileClient.connect(server.uri("wrong-token"), "phone-1", Duration.ofSeconds(30)))
                .isInstanceOf(MobileClient.Refused.class).hasMessage("Invalid API token");
    }

    @Test
    void anEmptyDeviceIdIsRefused() throws Exception {
        assertThatThrownBy(() -> MobileClient.connect(server.uri(), "", Duration.ofSeconds(30)))
                .isInstanceOf(MobileClient.Refused.class).hasMessage("device_id must not be empty");
    }

    @Test
    void aFirstFrameThatIsNotAuthIsRefused() throws Exception {
        var quic = MobileClient.handshake(server.uri(), Duration.ofSeconds(30));
        try {
            var stream = quic.createStream(true);
            try (var out = stream.getOutputStream()) {
                FrameIO.write(out, TestServer.message("let me in"));
            }
            JsonNode answer = FrameIO.read(stream.getInputStream(), FrameIO.LIMIT);
            assertThat(answer.path("type").asText()).isEqualTo("auth_error");
            assertThat(answer.path("message").asText()).isEqualTo("Expected auth message first");
        } finally {
            quic.close();
        }
        assertThat(server.gateway.turns).isEmpty();
    }

    @Test
    void unknownTypesAndAuthOnARequestStreamGetErrors() throws Exception {
        MobileClient client = server.client("phone-1");
        JsonNode unknown = TestServer.request(client, Frames.frame("teleport")).get(0);
        assertThat(unknown.path("type").asText()).isEqualTo("error");
        assertThat(unknown.path("code").asText()).isEqualTo("unknown_type");
        JsonNode auth = TestServer.request(client, Frames.frame("auth").put("token", TestServer.TOKEN)
                .put("device_id", "x")).get(0);
        assertThat(auth.path("type").asText()).isEqualTo("error");
        assertThat(auth.path("message").asText()).isEqualTo("Expected message, got auth frame");
        JsonNode noText = TestServer.request(client, Frames.frame("message")).get(0);
        assertThat(noText.path("message").asText()).contains("\"text\"");
        assertThat(TestServer.request(client, Frames.frame("ping")).get(0).path("type").asText()).isEqualTo("pong");
    }

    @Test
    void twoDevicesTalkAtOnceEachInItsSession() throws Exception {
        MobileClient one = server.client("phone-1");
        MobileClient two = server.client("tablet-2");
        java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
        server.gateway.script = turn -> {
            both.countDown();
            both.await();
            return AgentReply.answer(turn.sessionId, "for " + turn.sessionId);
        };
        var first = java.util.concurrent.CompletableFuture.supplyAsync(() -> requestQuietly(one, "a"));
        var second = java.util.concurrent.CompletableFuture.supplyAsync(() -> requestQuietly(two, "b"));
        assertThat(first.get().path("content").asText()).isEqualTo("for mobile:phone-1");
        assertThat(second.get().path("content").asText()).isEqualTo("for mobile:tablet-2");
        assertThat(server.server.devices()).isEqualTo(2);
    }

    static JsonNode requestQuietly(MobileClient client, String text) {
        try {
            return TestServer.request(client, TestServer.message(text)).get(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
