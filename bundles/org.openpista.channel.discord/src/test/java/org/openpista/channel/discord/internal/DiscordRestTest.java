package org.openpista.channel.discord.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
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
        discord.failNext(SEND, Failure.globalRateLimited(0.6));
        java.util.concurrent.CompletableFuture<JsonNode> limited = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> rest.send(dm, "held"));
        DiscordChannelTest.await("the 429", () -> discord.calls().stream().anyMatch(call -> call.status() == 429));
        Thread.sleep(150); // the fake records the call before it answers

        long start = System.nanoTime();
        rest.me(); // another route: it waits too
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(250);
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
}
