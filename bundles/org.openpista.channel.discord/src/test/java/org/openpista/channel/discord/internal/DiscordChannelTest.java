package org.openpista.channel.discord.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ToolCall;
import org.openpista.channel.support.ScriptedGateway;
import org.openpista.testkit.FakeDiscordServer;
import org.openpista.testkit.FakeDiscordServer.Message;

/** The channel against the fake Discord's REST API and gateway, with a scripted stand-in for the agent core. */
class DiscordChannelTest {

    private static final String OWNER = "1300000000000000001";
    private static final String FRIEND = "1300000000000000002";
    private static final String STRANGER = "1300000000000000666";
    private static final String GENERAL = "1400000000000000001";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path home;

    final FakeDiscordServer discord = new FakeDiscordServer(DiscordConfigs.TOKEN, GENERAL);
    final ScriptedGateway gateway = new ScriptedGateway();
    final List<DiscordChannel> channels = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        channels.forEach(DiscordChannel::stop);
        gateway.close();
        discord.close();
    }

    DiscordChannel start(String token, String... users) {
        DiscordChannel channel = new DiscordChannel(gateway, DiscordConfigs.config(token, discord.apiUrl(),
                discord.gatewayUrl(), users, new String[0]), new DiscordChannel.Environment(home.resolve("discord"), true,
                        Duration.ofMillis(50), DiscordChannel.ANSWER_GRACE));
        channels.add(channel);
        return channel;
    }

    DiscordChannel connected(String... users) {
        DiscordChannel channel = start(DiscordConfigs.TOKEN, users);
        await("connected: " + channel.status(), () -> channel.status().startsWith("gateway as") && discord.connected());
        return channel;
    }

    @Test
    void anOwnersDirectMessageIsAnsweredAndStrangersAreRefused() {
        DiscordChannel channel = connected(OWNER);
        assertThat(channel.status()).contains("@" + FakeDiscordServer.BOT_NAME).contains("api http://127.0.0.1");
        assertThat(channel.readyLines()).singleElement().asString().contains("/ask");

        discord.userSendsDm(OWNER, "hello **there**");
        String dm = FakeDiscordServer.dmChannel(OWNER);
        assertThat(discord.awaitBotMessages(dm, 1, WAIT).get(0).content()).isEqualTo("echo: hello **there**");
        InboundMessage received = gateway.received.get(0);
        assertThat(received.conversationKey()).isEqualTo("discord:dm:" + OWNER);
        assertThat(received.senderId()).isEqualTo(OWNER);

        discord.userSendsDm(STRANGER, "run: cat /etc/passwd");
        discord.userSendsDm(STRANGER, "again");
        String notice = discord.awaitBotMessages(FakeDiscordServer.dmChannel(STRANGER), 1, WAIT).get(0).content();
        assertThat(notice).contains("private openpista bot").contains(STRANGER);
        discord.userSendsDm(OWNER, "after the stranger");
        discord.awaitBotMessages(dm, 2, WAIT);
        assertThat(discord.botMessages(FakeDiscordServer.dmChannel(STRANGER))).hasSize(1);
        assertThat(gateway.texts()).containsExactly("hello **there**", "after the stranger");
    }

    @Test
    void attachedFilesReachTheAgentFetchedFromTheirUrl() {
        gateway.answer((message, sink) -> AgentReply.answer("s", "got " + message.attachments().size()));
        connected(OWNER);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
        String dm = FakeDiscordServer.dmChannel(OWNER);

        discord.userSendsFileDm(OWNER, "what is this?", "chart.png", "image/png", png);

        assertThat(discord.awaitBotMessages(dm, 1, WAIT).get(0).content()).isEqualTo("got 1");
        InboundMessage received = gateway.received.get(0);
        assertThat(received.text()).isEqualTo("what is this?");
        assertThat(received.attachments()).singleElement().satisfies(file -> {
            assertThat(file.mimeType()).isEqualTo("image/png");
            assertThat(file.name()).isEqualTo("chart.png");
            assertThat(file.data()).isEqualTo(png);
        });
        assertThat(discord.attachmentDownloads()).hasSize(1);

        // a file alone, without text, is a message too
        discord.userSendsFileDm(OWNER, "", "notes.txt", "text/plain; charset=utf-8",
                "buy milk".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        discord.awaitBotMessages(dm, 2, WAIT);
        assertThat(gateway.received.get(1).attachments()).extracting(Attachment::name).containsExactly("notes.txt");
    }

    @Test
    void mentionsInAServerChannelAreAnsweredThere() {
        connected(OWNER);
        discord.userWrites(OWNER, GENERAL, "chatter without a mention", false);
        discord.userWrites(OWNER, GENERAL, "what is up?", true);
        assertThat(discord.awaitBotMessages(GENERAL, 1, WAIT).get(0).content()).isEqualTo("echo: what is up?");
        assertThat(gateway.received).singleElement().extracting(InboundMessage::conversationKey)
                .isEqualTo("discord:" + FakeDiscordServer.GUILD_ID + ":" + GENERAL);
    }

    @Test
    void longAnswersAreSplitAt2000AndImagesAttached() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        String paragraph = "The quick brown fox jumps over the lazy dog. ".repeat(20).strip();
        String longAnswer = String.join("\n\n", java.util.Collections.nCopies(8, paragraph));
        gateway.answer((message, sink) -> new AgentReply("s", longAnswer, false,
                List.of(new Attachment("image/png", "screen.png", png))));
        connected(OWNER);
        discord.userSendsDm(OWNER, "story");
        String dm = FakeDiscordServer.dmChannel(OWNER);
        await("the image", () -> discord.botMessages(dm).stream().anyMatch(m -> m.attachments().contains("screen.png")));
        List<Message> parts = discord.botMessages(dm).stream().filter(m -> m.attachments().isEmpty()).toList();
        assertThat(parts).hasSizeGreaterThan(1).allSatisfy(part -> assertThat(part.content().length()).isLessThanOrEqualTo(2000));
        assertThat(String.join("\n\n", parts.stream().map(Message::content).toList())).isEqualTo(longAnswer);
    }

    @Test
    void approvalsAreButtonsBoundToTheCallAndTheUserWhoMayAnswer() throws Exception {
        CompletableFuture<ApprovalDecision> decided = gateway.answerAfterApproval(new ApprovalRequest("s", "discord",
                new ToolCall("call-1", "system.run", "{\"command\":\"ls\"}"), "runs on the host"));
        connected(OWNER, FRIEND);
        discord.userWrites(OWNER, GENERAL, "run it", true);
        Message question = discord.awaitBotMessages(GENERAL, 1, WAIT).get(0);
        assertThat(question.content()).contains("system.run").contains("\"command\":\"ls\"").contains("*runs on the host*");
        String allow = question.components().path(0).path("components").path(0).path("custom_id").asText();
        assertThat(allow).startsWith("openpista:allow:");

        discord.userPresses(STRANGER, GENERAL, question.id(), allow);
        await("the refusal", () -> discord.messages(GENERAL).stream().anyMatch(m -> STRANGER.equals(m.ephemeralTo())));
        assertThat(decided).isNotDone();

        discord.userPresses(FRIEND, GENERAL, question.id(), allow);
        assertThat(decided.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ApprovalDecision.APPROVE);
        await("the answer", () -> discord.botMessages(GENERAL).stream().anyMatch(m -> m.content().equals("decided: approve")));
        Message settled = discord.messages(GENERAL).stream().filter(m -> m.id().equals(question.id())).findFirst().orElseThrow();
        assertThat(settled.content()).contains("Allowed by <@" + FRIEND + ">");
        assertThat(settled.components()).isEmpty();
    }

    @Test
    void slashCommandsAskStartAFreshConversationAndRefuseStrangers() {
        connected(OWNER);
        await("the commands", () -> discord.commands().size() == 3);
        assertThat(discord.commands().toString()).contains("\"ask\"").contains("\"new\"").contains("\"model\"");

        discord.userRunsCommand(OWNER, GENERAL, "ask", Map.of("prompt", "what time is it?"));
        await("the answer", () -> discord.botMessages(GENERAL).stream().anyMatch(m -> m.content().equals("echo: what time is it?")));
        assertThat(discord.botMessages(GENERAL).get(0).content()).isEqualTo("> what time is it?");

        discord.userRunsCommand(STRANGER, GENERAL, "ask", Map.of("prompt", "me too"));
        await("the refusal", () -> discord.messages(GENERAL).stream().anyMatch(m -> STRANGER.equals(m.ephemeralTo())));
        assertThat(gateway.texts()).containsExactly("what time is it?");

        discord.userRunsCommand(OWNER, GENERAL, "model", Map.of());
        await("the model answer", () -> discord.botMessages(GENERAL).stream().anyMatch(m -> m.content().contains("model")));
    }

    @Test
    void aDroppedConnectionIsResumedAndARestartCatchesUpWithoutRepeats() {
        DiscordChannel first = connected(OWNER);
        String dm = FakeDiscordServer.dmChannel(OWNER);
        discord.userSendsDm(OWNER, "message 1");
        discord.awaitBotMessages(dm, 1, WAIT);

        discord.dropConnection();
        discord.userSendsDm(OWNER, "message 2"); // held in the session while the bot is away
        await("resumed", () -> discord.resumes() >= 1 && discord.connected());
        discord.awaitBotMessages(dm, 2, WAIT);

        first.stop();
        channels.remove(first);
        discord.userSendsDm(OWNER, "message 3"); // no session: only the REST history has it
        connected(OWNER);
        await("the answer after the restart", () -> discord.botMessages(dm).size() >= 3);
        assertThat(discord.identifies()).isEqualTo(2);
        assertThat(gateway.texts()).containsExactly("message 1", "message 2", "message 3");
        assertThat(discord.botMessages(dm)).extracting(Message::content).containsExactly("echo: message 1", "echo: message 2",
                "echo: message 3");
    }

    @Test
    void aRefusedTokenStopsTheChannelSayingWhy() {
        try (LogCapture log = new LogCapture()) {
            DiscordChannel channel = start("MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gwrong.not-the-token");
            await("off", () -> channel.status().startsWith("off"));
            assertThat(channel.status()).isEqualTo("off (Discord refused the token)");
            assertThat(log.text()).contains("Discord refused the bot token; check [channels.discord] token")
                    .doesNotContain("not-the-token").doesNotContain("\tat ");
        }
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
