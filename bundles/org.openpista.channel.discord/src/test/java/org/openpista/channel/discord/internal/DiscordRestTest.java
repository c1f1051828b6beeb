package org.openpista.channel.discord.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.testkit.FakeDiscordServer;
import org.openpista.testkit.FakeDiscordServer.Call;
import org.openpista.testkit.FakeDiscordServer.Failure;

/** The REST client against the fake Discord's API. */
class DiscordRestTest {

    private static final String USER = "1300000000000000001";
    private static final String SEND = "POST /channels/{id}/messages";

    final FakeDiscordServer discord = new FakeDiscordServer(DiscordConfigs.TOKEN);
    final DiscordRest rest = new DiscordRest(HttpClient.newHttpClient(), discord.apiUrl(), DiscordConfigs.TOKEN);

    @AfterEach
    void stop() {
        discord.close();
    }

    @Test
    void aRateLimitedRequestIsSentAgainAfterRetryAfter() {
        String dm = rest.openDm(USER);
        discord.failNext(SEND, Failure.rateLimited(0.4));
        long start = System.nanoTime();

        String id = rest.send(dm, "after the limit").path("id").asText();

        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(400);
        assertThat(discord.calls().stream().filter(call -> call.route().equals(SEND)).map(Call::status).toList())
                .containsExactly(429, 200);
        assertThat(discord.messages(dm)).singleElement().satisfies(message -> {
            assertThat(message.id()).isEqualTo(id);
            assertThat(message.content()).isEqualTo("after the limit");
        });
    }

    @Test
    void aGlobalRateLimitHoldsEveryRequestUntilItEnds() throws Exception {
        String dm = rest.openDm(USER);
        discord.failNext(SEND, Failure.globalRateLimited(1.5));
        java.util.concurrent.CompletableFuture<JsonNode> limited = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> rest.send(dm, "held"));
        // the client has read the 429 once its hold is set (the fake records the call before it answers)
        DiscordChannelTest.await("the global hold", () -> rest.globalHold().toMillis() > 0);

        long start = System.nanoTime();
        Duration held = rest.globalHold();
        rest.me(); // another route: it waits too
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(held.minusMillis(20));
        assertThat(held).isPositive();
        assertThat(limited.get(10, java.util.concurrent.TimeUnit.SECONDS).path("content").asText()).isEqualTo("held");
    }

    @Test
    void failuresSayWhatDiscordAnswered() {
        String dm = rest.openDm(USER);
        assertThatThrownBy(() -> rest.send(dm, "x".repeat(2001))).isInstanceOf(DiscordRest.DiscordException.class)
                .hasMessage(SEND.replace("{id}", dm) + " failed: HTTP 400 (50035) Invalid Form Body");
        discord.failNext(SEND, Failure.rateLimited(0.01), Failure.rateLimited(0.01), Failure.rateLimited(0.01),
                Failure.rateLimited(0.01), Failure.rateLimited(0.01));
        assertThatThrownBy(() -> rest.send(dm, "never")).hasMessageContaining("HTTP 429 You are being rate limited.");
        DiscordRest wrong = new DiscordRest(HttpClient.newHttpClient(), discord.apiUrl(), "wrong");
        assertThatThrownBy(wrong::me).isInstanceOf(DiscordRest.DiscordException.class)
                .satisfies(e -> assertThat(((DiscordRest.DiscordException) e).status()).isEqualTo(401));
    }

    @Test
    void historyEditsFilesAndCommandsUseDiscordsRoutes() {
        String dm = rest.openDm(USER);
        String first = discord.userSendsDm(USER, "one");
        discord.userSendsDm(USER, "two");
        assertThat(rest.history(dm, first, 100)).extracting(message -> message.path("content").asText()).containsExactly("two");

        String sent = rest.send(dm, "draft").path("id").asText();
        rest.edit(dm, sent, DiscordRest.NODES.objectNode().put("content", "final"));
        rest.sendFiles(dm, List.of(new DiscordRest.Upload("a \"b\".png", new byte[] {1, 2, 3})));
        assertThat(discord.botMessages(dm)).extracting(FakeDiscordServer.Message::content).containsExactly("final", "");
        assertThat(discord.botMessages(dm).get(1).attachments()).containsExactly("a \"b\".png");

        rest.registerCommands(FakeDiscordServer.APP_ID, SlashCommands.definitions());
        assertThat(discord.commands()).extracting(command -> command.path("name").asText()).containsExactly("ask", "new",
                "model");
        assertThat(rest.me().path("id").asText()).isEqualTo(FakeDiscordServer.BOT_ID);
    }

    @Test
    void anAnswerLargerThanTheLimitIsNotReadWhole() {
        DiscordRest capped = new DiscordRest(HttpClient.newHttpClient(), discord.apiUrl(), DiscordConfigs.TOKEN,
                Duration.ofSeconds(10), 1024);
        String dm = capped.openDm(USER);
        String first = discord.userSendsDm(USER, "first");
        for (int i = 0; i < 4; i++) {
            discord.userSendsDm(USER, "y".repeat(400));
        }
        assertThatThrownBy(() -> capped.history(dm, first, 100)).isInstanceOf(UncheckedIOException.class)
                .hasMessage("GET /channels/" + dm + "/messages: the answer is larger than 1 KB");
        assertThat(capped.me().path("id").asText()).isEqualTo(FakeDiscordServer.BOT_ID);
    }

    @Test
    void anAnswerWhoseBodyStallsAfterItsHeadersFailsWithinTheTimeout() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread peer = new Thread(() -> stall(server), "stalling peer");
            peer.setDaemon(true);
            peer.start();
            DiscordRest stalled = new DiscordRest(HttpClient.newHttpClient(), "http://127.0.0.1:" + server.getLocalPort()
                    + "/api/v10", DiscordConfigs.TOKEN, Duration.ofMillis(500), DiscordRest.MAX_ANSWER);
            long start = System.nanoTime();
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThatThrownBy(stalled::me)
                    .isInstanceOf(UncheckedIOException.class).hasMessage("GET /users/@me: no whole answer within 0.5 s"));
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5_000);
            peer.interrupt();
        }
    }

    /** Answers the first request with its headers and one byte of the body, then nothing. */
    static void stall(ServerSocket server) {
        try (Socket socket = server.accept()) {
            BufferedReader request = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
                // the request's head
            }
            socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                    .getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            Thread.sleep(60_000);
        } catch (IOException | InterruptedException e) {
            // the test is over
        }
    }

    @Test
    void interactionTokensStayOutOfRoutesAndFailures() {
        assertThat(DiscordRest.route("/interactions/1500000000000000001/aW50ZXJhY3Rpb24tdG9rZW4/callback"))
                .isEqualTo("/interactions/1500000000000000001/{token}/callback");
        assertThat(DiscordRest.route("/webhooks/1100000000000000002/aW50ZXJhY3Rpb24tdG9rZW4/messages/@original"))
                .isEqualTo("/webhooks/1100000000000000002/{token}/messages/@original");
        assertThat(DiscordRest.route("/channels/1/messages?after=2&limit=100")).isEqualTo("/channels/1/messages");
        DiscordInteraction gone = new DiscordInteraction("1500000000000000001", "secret-interaction-token",
                FakeDiscordServer.APP_ID, DiscordInteraction.COMMAND, "1", null, USER, DiscordRest.NODES.objectNode());
        discord.failNext("POST /interactions/{id}/secret-interaction-token/callback", Failure.status(404));
        assertThatThrownBy(() -> rest.respond(gone, 4, DiscordRest.NODES.objectNode().put("content", "x")))
                .hasMessageStartingWith("POST /interactions/1500000000000000001/{token}/callback failed: HTTP 4")
                .hasMessageNotContaining("secret-interaction-token");
        DiscordInteraction odd = new DiscordInteraction("1500000000000000001", "secret token", FakeDiscordServer.APP_ID,
                DiscordInteraction.COMMAND, "1", null, USER, DiscordRest.NODES.objectNode());
        assertThatThrownBy(() -> rest.followUp(odd, DiscordRest.NODES.objectNode())).hasMessageNotContaining("secret");
    }
}
