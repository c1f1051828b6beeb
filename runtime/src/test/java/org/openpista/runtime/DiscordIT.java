package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeDiscordServer;
import org.openpista.testkit.FakeDiscordServer.Message;
import org.openpista.testkit.FakeOpenAiServer;

/**
 * The Discord channel end to end: the real daemon ({@code openpista start}, {@code openpista
 * discord start}) against the fake Discord (REST and gateway) and a fake LLM, driven as
 * Discord users would.
 */
class DiscordIT {

    /** The first part is the fake bot's id in base64, as in Discord's tokens. */
    private static final String TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GitXyz.IT-secret-token-part-0123456789";
    private static final String ALICE = "1300000000000000001";
    private static final String STRANGER = "1300000000000000666";
    private static final String GENERAL = "1400000000000000001";
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path home;

    @AutoClose
    ChannelFixture fixture;
    FakeOpenAiServer llm;
    FakeDiscordServer discord;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ChannelFixture(home);
        llm = fixture.llm;
        discord = fixture.owns(new FakeDiscordServer(TOKEN, GENERAL));
        writeConfig(true);
    }

    void writeConfig(boolean enabled) throws IOException {
        fixture.writeConfig("""
                [channels.web]
                enabled = false

                [channels.discord]
                enabled = %s
                token = "%s"
                api_url = "%s"
                gateway_url = "%s"
                allowed_users = ["%s"]
                """.formatted(enabled, TOKEN, discord.apiUrl(), discord.gatewayUrl(), ALICE));
    }

    List<String> botTexts(String channel) {
        return discord.botMessages(channel).stream().map(Message::content).toList();
    }

    @Test
    void theOwnerIsAnsweredStrangersAreRefusedButtonsApproveToolsAndSlashCommandsWork() throws Exception {
        Result started = fixture.openpista("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        DaemonIT.await("the gateway session", WAIT, discord::connected);

        String dm = FakeDiscordServer.dmChannel(ALICE);
        discord.userSendsDm(ALICE, "hello from alice");
        assertThat(discord.awaitBotMessages(dm, 1, WAIT).get(0).content()).isEqualTo("echo: hello from alice");
        assertThat(fixture.stored("discord:dm:" + ALICE)).containsExactly("user: hello from alice", "assistant: echo: hello from alice");

        discord.userSendsDm(STRANGER, "run: cat /etc/passwd");
        assertThat(discord.awaitBotMessages(FakeDiscordServer.dmChannel(STRANGER), 1, WAIT).get(0).content())
                .contains(STRANGER).contains("allowed_users");
        assertThat(llm.requests()).noneMatch(request -> request.body().contains("/etc/passwd"));

        // a mention in a server channel: the tool call is asked with buttons; only alice's press counts
        discord.userWrites(ALICE, GENERAL, "run: echo forty-$((40+2))", true);
        Message question = discord.awaitBotMessages(GENERAL, 1, WAIT).get(0);
        assertThat(question.content()).contains("system.run").contains("echo forty-$((40+2))");
        String allow = question.components().path(0).path("components").path(0).path("custom_id").asText();
        discord.userPresses(STRANGER, GENERAL, question.id(), allow);
        DaemonIT.await("the refusal", WAIT, () -> discord.messages(GENERAL).stream()
                .anyMatch(message -> STRANGER.equals(message.ephemeralTo())));
        discord.userPresses(ALICE, GENERAL, question.id(), allow);
        DaemonIT.await("the tool's answer", WAIT, () -> botTexts(GENERAL).stream()
                .anyMatch(text -> text.startsWith("The tool said:") && text.contains("forty-42")));
        Message settled = discord.messages(GENERAL).stream().filter(m -> m.id().equals(question.id())).findFirst().orElseThrow();
        assertThat(settled.content()).contains("Allowed by <@" + ALICE + ">");
        assertThat(settled.components()).isEmpty();

        // slash commands: /ask in the channel's conversation, /new starts a fresh one
        DaemonIT.await("the slash commands", WAIT, () -> discord.commands().size() == 3);
        discord.userRunsCommand(ALICE, GENERAL, "ask", Map.of("prompt", "asked by command"));
        DaemonIT.await("the /ask answer", WAIT, () -> botTexts(GENERAL).contains("echo: asked by command"));
        discord.userRunsCommand(ALICE, GENERAL, "new", Map.of());
        DaemonIT.await("the fresh conversation", WAIT, () -> botTexts(GENERAL).contains("🆕 New conversation started."));
        discord.userRunsCommand(ALICE, GENERAL, "ask", Map.of("prompt", "in the fresh one"));
        DaemonIT.await("the second /ask answer", WAIT, () -> botTexts(GENERAL).contains("echo: in the fresh one"));
        String channelSession = "discord:" + FakeDiscordServer.GUILD_ID + ":" + GENERAL;
        assertThat(fixture.stored(channelSession)).contains("user: asked by command").doesNotContain("user: in the fresh one");

        Result status = fixture.openpista("discord", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("enabled: true").contains("gateway as @" + FakeDiscordServer.BOT_NAME)
                .contains("bot id " + FakeDiscordServer.BOT_ID).doesNotContain("IT-secret");
    }

    @Test
    void aDroppedConnectionIsResumedAndARestartCatchesUpWithoutLosingOrRepeating() throws Exception {
        writeConfig(false); // discord start runs the bot even when the file does not enable it
        Process daemon = discordStart();
        String dm = FakeDiscordServer.dmChannel(ALICE);

        discord.userSendsDm(ALICE, "message 1");
        discord.awaitBotMessages(dm, 1, WAIT);
        discord.dropConnection();
        discord.userSendsDm(ALICE, "message 2"); // held in the gateway session until the bot resumes
        DaemonIT.await("two answers", WAIT, () -> botTexts(dm).size() >= 2);
        assertThat(discord.resumes()).isPositive();

        Result stop = fixture.openpista("stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        discord.userSendsDm(ALICE, "message 3"); // written while the daemon is down: only the history has it

        discordStart("--token", TOKEN);
        DaemonIT.await("three answers", WAIT, () -> botTexts(dm).size() >= 3);
        Thread.sleep(1000); // a repeat would show up by now
        assertThat(botTexts(dm)).containsExactly("echo: message 1", "echo: message 2", "echo: message 3");
        fixture.assertMessagesAskedOnce(3);
    }

    @Test
    void setupChecksTheTokenBeforeSavingAndStatusShowsTheConfiguration() throws Exception {
        fixture.writeSetupConfig("""
                [channels.discord]
                api_url = "%s"
                """.formatted(discord.apiUrl()));

        Result refused = fixture.openpista("discord", "setup", "--token", "MTEwMDAwMDAwMDAwMDAwMDAwMQ.Gwrong.not-the-right-token");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("Discord refused the token: HTTP 401").contains("nothing was saved");
        assertThat(Files.readString(home.resolve("config.toml"))).doesNotContain("Gwrong");
        Result garbage = fixture.openpista("discord", "setup", "--token", "not a token");
        assertThat(garbage.exitCode()).isEqualTo(2);

        Result setup = fixture.openpista("discord", "setup", "--token", TOKEN, "--gateway-url", discord.gatewayUrl(), "--allow", ALICE);
        assertThat(setup.exitCode()).as(setup.toString()).isZero();
        assertThat(setup.stdout()).contains("Discord bot @" + FakeDiscordServer.BOT_NAME).contains("verified");
        String config = Files.readString(home.resolve("config.toml"));
        assertThat(config).startsWith("# my settings").contains("token = \"" + TOKEN + "\"").contains("enabled = true")
                .contains("allowed_users = [\"" + ALICE + "\"]").contains("gateway_url = \"" + discord.gatewayUrl() + "\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("config.toml"))))
                .isEqualTo("rw-------");

        Result status = fixture.openpista("discord", "status", "--check");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("enabled: true").contains("token valid, bot @" + FakeDiscordServer.BOT_NAME)
                .contains("allowed: " + ALICE).contains("running: no daemon").doesNotContain("IT-secret");
    }

    Process discordStart(String... options) throws Exception {
        StringBuffer output = new StringBuffer();
        Process process = fixture.launchUntil("openpista: ready", WAIT, output, List.of("discord", "start"), options);
        assertThat(output.toString()).contains("Discord bot @" + FakeDiscordServer.BOT_NAME + " is listening")
                .contains("Discord: @" + FakeDiscordServer.BOT_NAME + " answers direct messages, mentions and /ask")
                .doesNotContain("IT-secret");
        return process;
    }
}
