package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openpista.channel.slack.internal.SlackChannelTest.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.chat.ToolCall;
import org.openpista.channel.support.JettyWebhookServer;
import org.openpista.channel.support.ScriptedGateway;
import org.openpista.testkit.FakeSlackServer;
import org.openpista.testkit.FakeSlackServer.Message;

/** The Events API mode: the endpoint's servlet in a Jetty of its own, signed requests from the fake Slack. */
class SlackWebhookTest {

    private static final String OWNER = "U0OWNER";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    final FakeSlackServer slack = new FakeSlackServer(SlackConfigs.BOT_TOKEN, SlackConfigs.APP_TOKEN,
            SlackConfigs.SIGNING_SECRET);
    final ScriptedGateway gateway = new ScriptedGateway();
    final List<SlackChannel> channels = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(SlackChannel::stop);
        gateway.close();
        slack.close();
    }

    URI start(JettyWebhookServer<SlackWebhook> server) {
        SlackChannel channel = new SlackChannel(gateway, SlackConfigs.config("http", slack.apiUrl(), new String[] {OWNER},
                new String[0]), new SlackChannel.Environment(home.resolve("slack"), true, Duration.ofMillis(50), server));
        channels.add(channel);
        await("the endpoint is open: " + channel.status(), () -> channel.status().startsWith("events API"));
        assertThat(channel.readyLines()).singleElement().asString().contains(SlackWebhook.PATH);
        return server.endpoint();
    }

    @Test
    void onlyRequestsSignedWithTheSecretWithinFiveMinutesGetThrough() {
        URI endpoint = start(new JettyWebhookServer<>(SlackWebhook.PATH, 0, SlackWebhookServlet::new));
        String challenge = FakeSlackServer.urlVerification("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        Instant now = Instant.now();

        assertThat(slack.postSigned(endpoint, "application/json", challenge, now, null).statusCode()).isEqualTo(401);
        assertThat(slack.postSigned(endpoint, "application/json", challenge, now, "not-the-secret").statusCode())
                .isEqualTo(401);
        assertThat(slack.postSigned(endpoint, "application/json", challenge, now.minusSeconds(360), slack.signingSecret())
                .statusCode()).as("replayed").isEqualTo(401);
        assertThat(slack.postSigned(endpoint, "application/json", challenge, now.plusSeconds(360), slack.signingSecret())
                .statusCode()).as("from the future").isEqualTo(401);
        HttpResponse<String> verified = slack.postSigned(endpoint, "application/json", challenge, now.minusSeconds(240),
                slack.signingSecret());
        assertThat(verified.statusCode()).isEqualTo(200);
        assertThat(verified.body()).isEqualTo("{\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\"}");
        assertThat(slack.postSigned(endpoint, "application/json", "not json", now, slack.signingSecret()).statusCode())
                .isEqualTo(400);
        assertThat(gateway.received).isEmpty();
    }

    @Test
    void theReplayWindowIsFiveMinutesEitherWayAndTheSignatureCoversTheExactBody() {
        java.time.Instant now = java.time.Instant.parse("2026-01-01T12:00:00Z");
        SlackWebhook webhook = new SlackWebhook(SlackConfigs.SIGNING_SECRET, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC));
        byte[] body = "{\"type\":\"event_callback\"}".getBytes(StandardCharsets.UTF_8);
        for (long offset : new long[] {-300, 0, 300}) {
            String ts = Long.toString(now.getEpochSecond() + offset);
            assertThat(webhook.authentic(ts, sign(ts, body), body)).as("%d s", offset).isTrue();
        }
        for (long offset : new long[] {-301, 301}) {
            String ts = Long.toString(now.getEpochSecond() + offset);
            assertThat(webhook.authentic(ts, sign(ts, body), body)).as("%d s", offset).isFalse();
        }
        String ts = Long.toString(now.getEpochSecond());
        assertThat(webhook.authentic(ts, sign(ts, body), "{\"type\":\"event_callback\" }".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(webhook.authentic(ts, sign(ts, body).toUpperCase(java.util.Locale.ROOT).replace("V0=", "v0="), body)).isTrue();
        assertThat(webhook.authentic(ts, "v0=", body)).isFalse();
        assertThat(webhook.authentic("12ab", sign(ts, body), body)).isFalse();
        assertThat(webhook.authentic(null, sign(ts, body), body)).isFalse();
    }

    static String sign(String timestamp, byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SlackConfigs.SIGNING_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
            return "v0=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBodyOverTheCapIsRefusedBeforeItIsRead() throws IOException {
        URI endpoint = start(new JettyWebhookServer<>(SlackWebhook.PATH, 0, SlackWebhookServlet::new));
        try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + SlackWebhook.PATH + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (SlackWebhook.MAX_BODY + 1) + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 413");
        }
    }

    @Test
    void eventsArePostedSignedAnsweredOnceAndButtonsWorkThroughTheSameEndpoint() {
        gateway.answer((message, sink) -> {
            if (message.text().equals("run it")) {
                ApprovalDecision decision = sink.requestApproval(new ApprovalRequest("s", "slack",
                        new ToolCall("call-1", "system.run", "{\"command\":\"ls\"}"))).toCompletableFuture().join();
                return AgentReply.answer("s", "decided: " + decision.wireName());
            }
            return AgentReply.answer("s", "echo: " + message.text());
        });
        JettyWebhookServer<SlackWebhook> server = new JettyWebhookServer<>(SlackWebhook.PATH, 0, SlackWebhookServlet::new);
        slack.postEventsTo(start(server));

        String ts = slack.userSendsDm(OWNER, "hello over HTTP");
        Message answer = slack.awaitBotMessages("D" + OWNER, 1, WAIT).get(0);
        assertThat(answer.text()).isEqualTo("echo: hello over HTTP");
        assertThat(answer.threadTs()).isEqualTo(ts);

        slack.userSendsDm(OWNER, "run it");
        Message question = slack.awaitBotMessages("D" + OWNER, 2, WAIT).get(1);
        slack.userPresses(OWNER, "D" + OWNER, question.ts(), Approvals.ALLOW_THREAD);
        await("the decision", () -> slack.botMessages("D" + OWNER).stream()
                .anyMatch(m -> m.text().equals("decided: allow_for_session")));
        await("all delivered", () -> slack.unacknowledged() == 0);
        assertThat(slack.deliveries()).allMatch(delivery -> delivery.transport().equals("http"));
        assertThat(gateway.texts()).containsExactly("hello over HTTP", "run it");
    }

    @Test
    void eventsThatCameWhileTheEndpointWasDownAreAnsweredAfterARestartAndRetriesNotTwice() {
        URI endpoint = start(new JettyWebhookServer<>(SlackWebhook.PATH, 0, SlackWebhookServlet::new));
        slack.postEventsTo(endpoint);
        slack.userSendsDm(OWNER, "first");
        slack.awaitBotMessages("D" + OWNER, 1, WAIT);
        slack.loseNextAck(); // handed over, but the answer reaches Slack too late: it posts the event again
        slack.userSendsDm(OWNER, "answered late");
        slack.awaitBotMessages("D" + OWNER, 2, WAIT);
        await("the retry", () -> slack.deliveries().stream().anyMatch(delivery -> delivery.retryAttempt() > 0
                && delivery.status() == 200));
        channels.forEach(SlackChannel::stop);
        channels.clear();

        slack.userSendsDm(OWNER, "while down");
        await("a failed delivery", () -> slack.deliveries().stream().anyMatch(delivery -> delivery.status() == 0));
        start(new JettyWebhookServer<>(SlackWebhook.PATH, endpoint.getPort(), SlackWebhookServlet::new));
        await("the answer after the restart", () -> slack.botMessages("D" + OWNER).size() >= 3);
        await("all delivered", () -> slack.unacknowledged() == 0);
        assertThat(gateway.texts()).containsExactly("first", "answered late", "while down");
        assertThat(slack.botMessages("D" + OWNER)).extracting(Message::text).containsExactly("echo: first",
                "echo: answered late", "echo: while down");
    }
}
