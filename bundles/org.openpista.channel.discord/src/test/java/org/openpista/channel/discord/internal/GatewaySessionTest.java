package org.openpista.channel.discord.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.openpista.channel.discord.internal.DiscordChannelTest.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.testkit.FakeDiscordServer;

/** The gateway session against the fake Discord's gateway, which sends a heartbeat interval of 2 s. */
class GatewaySessionTest {

    private static final String USER = "1300000000000000001";

    final FakeDiscordServer discord = new FakeDiscordServer(DiscordConfigs.TOKEN);
    final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    final HttpClient http = HttpClient.newHttpClient();
    final Recorder events = new Recorder();
    GatewaySession session;

    /** What the session reported, in order: "ready", "recreated", "resumed", "TYPE:content", "fatal:code". */
    static final class Recorder implements GatewaySession.Events {
        final List<String> seen = new CopyOnWriteArrayList<>();
        volatile GatewaySession.Ready ready;

        @Override
        public void ready(GatewaySession.Ready ready, boolean recreated) {
            this.ready = ready;
            seen.add(recreated ? "recreated" : "ready");
        }

        @Override
        public void resumed() {
            seen.add("resumed");
        }

        @Override
        public void dispatch(String type, JsonNode data) {
            if (type.equals("MESSAGE_CREATE")) {
                seen.add(type + ":" + data.path("content").asText());
            }
        }

        @Override
        public void fatal(int code, String reason) {
            seen.add("fatal:" + code);
        }
    }

    @AfterEach
    void stop() {
        if (session != null) {
            session.close();
        }
        timer.shutdownNow();
        discord.close();
    }

    GatewaySession connect(String token) {
        return connect(token, GatewaySession.MAX_FRAME);
    }

    GatewaySession connect(String token, int maxFrame) {
        session = new GatewaySession(http, discord.gatewayUrl(), token, timer, events, Duration.ofMillis(20), maxFrame);
        session.start();
        return session;
    }

    GatewaySession connected() {
        GatewaySession live = connect(DiscordConfigs.TOKEN);
        await("ready", () -> events.seen.contains("ready") && live.state() == null);
        return live;
    }

    @Test
    void identifiesWithTheIntentsAndReportsTheBotAndItsApplication() {
        connected();
        assertThat(events.ready).isEqualTo(new GatewaySession.Ready(FakeDiscordServer.BOT_ID, FakeDiscordServer.BOT_NAME,
                FakeDiscordServer.APP_ID));
        assertThat(GatewaySession.INTENTS).isEqualTo(4096 | 512 | 32768);
        discord.userSendsDm(USER, "hello");
        await("the message", () -> events.seen.contains("MESSAGE_CREATE:hello"));
    }

    @Test
    void heartbeatsCarryTheLastSequenceNumber() {
        connected();
        discord.userSendsDm(USER, "one");
        discord.userSendsDm(USER, "two");
        await("two messages", () -> events.seen.contains("MESSAGE_CREATE:two"));
        int before = discord.heartbeats();
        // READY is 1, the two messages 2 and 3
        await("heartbeats with the sequence", () -> discord.heartbeats() >= before + 2 && discord.lastHeartbeatSequence() == 3);
        assertThat(discord.connected()).isTrue();
        assertThat(discord.identifies()).isEqualTo(1);
    }

    @Test
    void aDroppedConnectionIsResumedWithTheMissedDispatchesOnce() {
        GatewaySession live = connected();
        discord.userSendsDm(USER, "before");
        await("before", () -> events.seen.contains("MESSAGE_CREATE:before"));
        String sessionId = live.sessionId();

        discord.dropConnection();
        discord.userSendsDm(USER, "while away");
        await("resumed", () -> events.seen.contains("resumed") && discord.connected());

        assertThat(live.sessionId()).isEqualTo(sessionId);
        assertThat(discord.resumes()).isEqualTo(1);
        assertThat(discord.identifies()).isEqualTo(1);
        // the resume asked for what came after "before" (seq 2): "while away" once, nothing twice
        assertThat(events.seen).containsExactly("ready", "MESSAGE_CREATE:before", "MESSAGE_CREATE:while away", "resumed");
    }

    @Test
    void aMissedHeartbeatAckMeansAZombieConnectionThatIsResumed() {
        connected();
        discord.answerHeartbeats(false);
        await("a resume", () -> discord.resumes() >= 1);
        discord.answerHeartbeats(true);
        await("connected again", () -> discord.connected() && session.state() == null);
        assertThat(discord.identifies()).isEqualTo(1);
        discord.userSendsDm(USER, "after");
        await("after", () -> events.seen.contains("MESSAGE_CREATE:after"));
    }

    @Test
    void reconnectAsksForAResume() {
        connected();
        discord.requestReconnect();
        await("resumed", () -> discord.resumes() == 1 && events.seen.contains("resumed"));
        assertThat(discord.identifies()).isEqualTo(1);
    }

    @Test
    void aResumableInvalidSessionResumesAndAnotherStartsANewSession() {
        GatewaySession live = connected();
        String first = live.sessionId();
        discord.invalidateSession(true);
        await("resumed", () -> discord.resumes() == 1 && events.seen.contains("resumed"));
        assertThat(live.sessionId()).isEqualTo(first);

        discord.invalidateSession(false);
        await("a new session", () -> events.seen.contains("recreated") && live.state() == null);
        assertThat(discord.identifies()).isEqualTo(2);
        assertThat(live.sessionId()).isNotEqualTo(first);
        discord.userSendsDm(USER, "in the new session");
        await("the message", () -> events.seen.contains("MESSAGE_CREATE:in the new session"));
    }

    @Test
    void aRefusedTokenEndsTheSessionForGood() throws InterruptedException {
        GatewaySession refused = connect("MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gwrong.not-the-token");
        await("fatal", () -> events.seen.contains("fatal:4004"));
        assertThat(refused.state()).startsWith("closed (4004");
        Thread.sleep(300);
        // no second attempt
        assertThat(events.seen).containsExactly("fatal:4004");
        assertThat(discord.identifies()).isZero();
    }

    @Test
    void aMessageLargerThanTheLimitIsSkippedWithOneWarningAndTheConnectionGoesOn() {
        session = connect(DiscordConfigs.TOKEN, 64 * 1024);
        await("ready", () -> events.seen.contains("ready") && session.state() == null);
        try (LogCapture log = new LogCapture()) {
            // READY is 1, the large one 2, "after" 3
            discord.dispatch("MESSAGE_CREATE", DiscordRest.NODES.objectNode().put("content", "x".repeat(200 * 1024)));
            discord.userSendsDm(USER, "after");
            await("after", () -> events.seen.contains("MESSAGE_CREATE:after"));
            assertThat(log.text().lines().filter(line -> line.contains("more than the 65536 read; skipped"))).hasSize(1);
        }
        assertThat(events.seen).containsExactly("ready", "MESSAGE_CREATE:after");
        await("a heartbeat after it", () -> discord.lastHeartbeatSequence() == 3);
        assertThat(discord.connected()).isTrue();
        assertThat(discord.resumes()).isZero();
        assertThat(discord.identifies()).isEqualTo(1);

        // a resume replays the large one: skipped again, the session goes on
        discord.dropConnection();
        discord.userSendsDm(USER, "while away");
        await("resumed", () -> events.seen.contains("resumed"));
        assertThat(events.seen).containsExactly("ready", "MESSAGE_CREATE:after", "MESSAGE_CREATE:while away", "resumed");
    }

    @Test
    void payloadsThatAreNotWhatDiscordSendsDoNotStopTheSession() {
        connected();
        discord.dispatch("MESSAGE_CREATE", DiscordRest.NODES.nullNode());
        discord.dispatch("MESSAGE_CREATE", DiscordRest.NODES.arrayNode().add(1));
        discord.dispatch("INTERACTION_CREATE", DiscordRest.NODES.textNode("no object"));
        discord.userSendsDm(USER, "still here");
        await("the message after them", () -> events.seen.contains("MESSAGE_CREATE:still here"));
        assertThat(discord.connected()).isTrue();
        assertThat(session.state()).isNull();
    }

    @Test
    void aResumeUrlThatIsNoWebSocketUrlIsNotUsed() {
        assertThat(GatewaySession.resumeUrl(ready("wss://gateway-us-east1-b.discord.gg")))
                .isEqualTo("wss://gateway-us-east1-b.discord.gg");
        assertThat(GatewaySession.resumeUrl(ready("ws://127.0.0.1:4711"))).isEqualTo("ws://127.0.0.1:4711");
        for (String broken : new String[] {"not a url", "https://gateway.discord.gg", "wss://", "wss://host/?v=9", ""}) {
            assertThat(GatewaySession.resumeUrl(ready(broken))).as(broken).isNull();
        }
        assertThat(GatewaySession.resumeUrl(DiscordRest.NODES.objectNode())).isNull();
    }

    private static JsonNode ready(String resumeUrl) {
        return DiscordRest.NODES.objectNode().put("session_id", "s").put("resume_gateway_url", resumeUrl);
    }

    @Test
    void closingWhileTheSessionReconnectsEndsItForGoodAtOnce() throws InterruptedException {
        for (int round = 0; round < 5; round++) {
            GatewaySession live = connect(DiscordConfigs.TOKEN);
            await("ready " + round, () -> live.state() == null && discord.connected());
            discord.requestReconnect();
            discord.dropConnection();
            Thread.sleep(round * 10L); // closes at different points of the reconnect
            long start = System.nanoTime();
            live.close();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
            assertThat(live.state()).isEqualTo("closed");
            await("disconnected " + round, () -> !discord.connected());
            Thread.sleep(300); // longer than the reconnect backoff
            assertThat(discord.connected()).as("no reconnect after close").isFalse();
        }
    }
}
