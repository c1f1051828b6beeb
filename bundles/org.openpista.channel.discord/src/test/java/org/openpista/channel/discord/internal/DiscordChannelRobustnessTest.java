package org.openpista.channel.discord.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openpista.channel.discord.internal.DiscordChannelTest.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.channel.support.ScriptedGateway;
import org.openpista.testkit.FakeDiscordServer;

/** The channel when Discord sends what it should not, does not answer, or the channel stops. */
class DiscordChannelRobustnessTest {

    private static final String OWNER = "1300000000000000001";
    private static final String GENERAL = "1400000000000000001";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The token's secret part, which no log line may show. */
    private static final String SECRET = DiscordConfigs.TOKEN.substring(DiscordConfigs.TOKEN.lastIndexOf('.') + 1);

    @TempDir
    Path home;

    final FakeDiscordServer discord = new FakeDiscordServer(DiscordConfigs.TOKEN, GENERAL);
    final ScriptedGateway gateway = new ScriptedGateway();
    final List<DiscordChannel> channels = new CopyOnWriteArrayList<>();
    Duration grace = DiscordChannel.ANSWER_GRACE;

    @AfterEach
    void stop() {
        channels.forEach(DiscordChannel::stop);
        gateway.close();
        discord.close();
    }

    DiscordChannel start(String apiUrl, String gatewayUrl) {
        DiscordChannel channel = new DiscordChannel(gateway, DiscordConfigs.config(DiscordConfigs.TOKEN, apiUrl, gatewayUrl,
                new String[] {OWNER}, new String[0]), new DiscordChannel.Environment(home.resolve("discord"), true,
                        Duration.ofMillis(50), grace));
        channels.add(channel);
        return channel;
    }

    DiscordChannel connected() {
        DiscordChannel channel = start(discord.apiUrl(), discord.gatewayUrl());
        await("connected: " + channel.status(), () -> channel.status().startsWith("gateway as") && discord.connected());
        return channel;
    }

    @Test
    void aMessageWithoutAuthorAndAnInteractionWithoutUserAreIgnoredWithAWarning() {
        connected();
        String dm = FakeDiscordServer.dmChannel(OWNER);
        try (LogCapture log = new LogCapture()) {
            discord.dispatch("MESSAGE_CREATE", DiscordRest.NODES.objectNode().put("id", "1500000000000000001")
                    .put("channel_id", dm).put("content", "no author"));
            ObjectNode ask = DiscordRest.NODES.objectNode().put("id", "1600000000000000001")
                    .put("application_id", FakeDiscordServer.APP_ID).put("type", 2).put("token", "interaction-token")
                    .put("channel_id", GENERAL).put("guild_id", FakeDiscordServer.GUILD_ID);
            ask.putObject("data").put("name", "ask").putArray("options").addObject().put("name", "prompt").put("type", 3)
                    .put("value", "no user");
            discord.dispatch("INTERACTION_CREATE", ask);
            discord.userSendsDm(OWNER, "after them");
            discord.awaitBotMessages(dm, 1, WAIT);

            assertThat(gateway.texts()).containsExactly("after them");
            assertThat(discord.botMessages(dm)).extracting(FakeDiscordServer.Message::content).containsExactly("echo: after them");
            assertThat(discord.callbacks()).isEmpty();
            assertThat(log.text()).contains("Discord sent a message without its id, channel or author; ignored")
                    .contains("Discord sent an interaction without its id, token, channel or user; ignored")
                    .doesNotContain(" ERROR ").doesNotContain("\tat ").doesNotContain(SECRET);
        }
    }

    @Test
    void anUnreachableDiscordIsReportedInOneClearLineWithoutTheToken() throws IOException {
        int closed;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = probe.getLocalPort();
        }
        try (LogCapture log = new LogCapture()) {
            DiscordChannel channel = start("http://127.0.0.1:" + closed + "/api/v10", discord.gatewayUrl());
            await("the warning", () -> log.text().contains("Discord is not reachable yet"));
            assertThat(channel.status()).startsWith("connecting (GET /users/@me: ").doesNotContain("ConnectException");
            channel.stop();
            assertThat(log.text()).doesNotContain(SECRET).doesNotContain("\tat ").doesNotContain("ConnectException");
        }
    }

    @Test
    void stoppingEndsAWaitForARateLimitAtOnce() throws Exception {
        DiscordChannel channel = connected();
        // a reset within the grace: no turn waits for an answer, so the wait ends as the stop begins
        discord.rateLimit(1, Duration.ofSeconds(10));
        String target = FakeDiscordServer.GUILD_ID + ":" + GENERAL;
        channel.deliver(target, "first");
        java.util.concurrent.CompletableFuture<Void> second = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                channel.deliver(target, "second");
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        Thread.sleep(300);
        assertThat(second).isNotDone();

        long start = System.nanoTime();
        channel.stop();

        assertThatThrownBy(() -> second.get(5, java.util.concurrent.TimeUnit.SECONDS)).hasMessageContaining("the Discord channel stopped before POST /channels/{major}/messages could be sent");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(discord.botMessages(GENERAL)).extracting(FakeDiscordServer.Message::content).containsExactly("first");
        assertThat(discord.calls()).extracting(FakeDiscordServer.Call::status).doesNotContain(429);
    }

    @Test
    void anAnswerWaitingForARateLimitThatOutlastsTheGraceDoesNotHoldTheStop() throws Exception {
        DiscordChannel channel = connected();
        String dm = FakeDiscordServer.dmChannel(OWNER);
        discord.rateLimit(1, Duration.ofSeconds(60));
        discord.userSendsDm(OWNER, "one");
        discord.awaitBotMessages(dm, 1, WAIT);
        discord.userSendsDm(OWNER, "two");
        await("the second turn", () -> gateway.texts().contains("two"));
        Thread.sleep(300); // its answer waits for the bucket's reset, 60 s away

        try (LogCapture log = new LogCapture()) {
            long start = System.nanoTime();
            channel.stop();

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            await("the failed answer", () -> log.text().contains("The answer could not be delivered"));
            // (the stop, not the grace, ended it: the turn's answer would have held the stop for 20 s)
            assertThat(log.text()).containsPattern("stop(s|ped) before (the rate limit of )?POST /channels/\\{major}/messages");
        }
        assertThat(discord.botMessages(dm)).extracting(FakeDiscordServer.Message::content).containsExactly("echo: one");
        assertThat(discord.calls()).extracting(FakeDiscordServer.Call::status).doesNotContain(429);
    }

    @Test
    void stoppingWhileDiscordDoesNotAnswerTakesNoLongerThanAMoment() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> acceptAndSayNothing(silent), "silent peer");
            peer.setDaemon(true);
            peer.start();
            String root = "127.0.0.1:" + silent.getLocalPort();
            DiscordChannel channel = start("http://" + root + "/api/v10", "ws://" + root);
            Thread.sleep(500); // asking who the token belongs to, and waiting
            long start = System.nanoTime();
            channel.stop();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
            assertThat(channel.status()).doesNotContain(SECRET);
        }
    }

    @Test
    void stoppingWhileAnEventWaitsForDiscordTakesNoLongerThanTheGrace() {
        grace = Duration.ofSeconds(1);
        DiscordChannel channel = connected();
        // the notice to a stranger is sent on the event thread, and Discord does not answer it
        discord.failNext("POST /channels/{id}/messages", FakeDiscordServer.Failure.noAnswer());
        discord.userSendsDm("1300000000000000666", "hello?");
        await("the unanswered notice", () -> discord.calls().stream().anyMatch(call -> call.status() == -1));

        long start = System.nanoTime();
        channel.stop();
        channels.remove(channel);
        // the grace, and at most 2 s for the gateway's close
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3_000);
    }

    @Test
    void noThreadOfTheChannelIsLeftAfterItStops() {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        DiscordChannel channel = connected();
        String dm = FakeDiscordServer.dmChannel(OWNER);
        discord.userSendsDm(OWNER, "hello");
        discord.awaitBotMessages(dm, 1, WAIT);
        discord.userRunsCommand(OWNER, GENERAL, "ask", Map.of("prompt", "and you?"));
        await("the command's answer", () -> discord.botMessages(GENERAL).size() >= 2);
        assertThat(started(before)).anyMatch(name -> name.startsWith("discord-"));

        channel.stop();
        channels.remove(channel);
        await("no thread of the channel: " + started(before), () -> {
            System.gc();
            return started(before).isEmpty();
        });
    }

    /** @return the names of the threads alive now that were not before, but the fake's */
    private static Set<String> started(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> !before.contains(thread) && thread.isAlive())
                .map(Thread::getName).filter(name -> name.startsWith("discord-") || name.startsWith("HttpClient-"))
                .collect(Collectors.toSet());
    }

    /** Takes connections and neither reads nor writes: a peer that does not answer. */
    private static void acceptAndSayNothing(ServerSocket server) {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try {
            while (true) {
                held.add(server.accept());
            }
        } catch (IOException closed) {
            for (Socket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
    }
}
