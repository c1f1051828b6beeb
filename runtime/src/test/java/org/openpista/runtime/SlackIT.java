package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeSlackServer;
import org.openpista.testkit.FakeSlackServer.Message;

/**
 * The Slack channel end to end: the real daemon ({@code openpista start}, {@code openpista slack
 * start}) against the fake Slack (Web API, Socket Mode, signed Events API posts) and a fake LLM,
 * driven as Slack users would.
 */
class SlackIT {

    private static final String BOT_TOKEN = "xoxb-1000-2000-IT-secret-bot";
    private static final String APP_TOKEN = "xapp-1-A0FAKEAPP-3000-IT-secret-app";
    private static final String SIGNING_SECRET = "it0signing0secret0it0signing0sec";
    private static final String ALICE = "U0ALICE";
    private static final String STRANGER = "U0STRANGER";
    private static final String GENERAL = "C0GENERAL";
    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path home;

    @AutoClose
    ChannelFixture fixture;
    FakeOpenAiServer llm;
    FakeSlackServer slack;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ChannelFixture(home);
        llm = fixture.llm;
        slack = fixture.owns(new FakeSlackServer(BOT_TOKEN, APP_TOKEN, SIGNING_SECRET));
        writeConfig(true, "socket", 0);
    }

    void writeConfig(boolean enabled, String mode, int webPort) throws IOException {
        fixture.writeConfig("""
                [channels.web]
                enabled = %s
                port = %d

                [channels.slack]
                enabled = %s
                mode = "%s"
                bot_token = "%s"
                app_token = "%s"
                signing_secret = "%s"
                api_url = "%s"
                allowed_users = ["%s"]
                """.formatted(webPort > 0, webPort, enabled, mode, BOT_TOKEN, APP_TOKEN, SIGNING_SECRET,
                slack.apiUrl(), ALICE));
    }

    List<String> botTexts(String channel) {
        return slack.botMessages(channel).stream().map(Message::text).toList();
    }

    @Test
    void theOwnerIsAnsweredInThreadsStrangersAreRefusedAndButtonsApproveTools() throws Exception {
        Result started = fixture.openpista("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        assertThat(started.stdout()).doesNotContain("IT-secret");
        DaemonIT.await("Socket Mode", WAIT, slack::connected);

        String dm = "D" + ALICE;
        String ts = slack.userSendsDm(ALICE, "hello from alice");
        assertThat(slack.awaitBotMessages(dm, 1, WAIT).get(0).text()).isEqualTo("echo: hello from alice");
        slack.userSendsDm(ALICE, "more in the thread", ts);
        DaemonIT.await("the second answer", WAIT, () -> botTexts(dm).contains("echo: more in the thread"));
        String session = "slack:" + FakeSlackServer.TEAM_ID + ":" + dm + ":" + ts;
        assertThat(fixture.stored(session)).containsExactly("user: hello from alice", "assistant: echo: hello from alice",
                "user: more in the thread", "assistant: echo: more in the thread");
        assertThat(slack.botMessages(dm)).allMatch(message -> message.threadTs().equals(ts));

        // a stranger is told their id and nothing else; the model never sees the message
        slack.userSendsDm(STRANGER, "run: cat /etc/passwd");
        assertThat(slack.awaitBotMessages("D" + STRANGER, 1, WAIT).get(0).text()).contains(STRANGER)
                .contains("allowed_users");
        assertThat(llm.requests()).noneMatch(request -> request.body().contains("/etc/passwd"));

        // a mention in a channel: the tool call is asked with buttons in the thread; only alice's press counts
        String asked = slack.userMentions(ALICE, GENERAL, "run: echo forty-$((40+2))", "");
        Message question = slack.awaitBotMessages(GENERAL, 1, WAIT).get(0);
        assertThat(question.threadTs()).isEqualTo(asked);
        assertThat(question.blocks().toString()).contains("system.run").contains("echo forty-$((40+2))");
        slack.userPresses(STRANGER, GENERAL, question.ts(), "openpista_allow");
        DaemonIT.await("the refusal", WAIT, () -> slack.botMessages(GENERAL).stream()
                .anyMatch(message -> STRANGER.equals(message.ephemeralTo())));
        slack.userPresses(ALICE, GENERAL, question.ts(), "openpista_allow");
        DaemonIT.await("the tool's answer", WAIT, () -> botTexts(GENERAL).stream()
                .anyMatch(text -> text.startsWith("The tool said:") && text.contains("forty-42")));
        DaemonIT.await("the settled question", WAIT, () -> slack.messages(GENERAL).stream()
                .anyMatch(message -> message.ts().equals(question.ts()) && message.text().contains("Allowed by")));

        Result status = fixture.openpista("slack", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("enabled:  true").contains("socket mode as @" + FakeSlackServer.BOT_NAME)
                .contains("xoxb-… secret part hidden").doesNotContain("IT-secret");
    }

    @Test
    void aDroppedConnectionAndARestartNeitherLoseNorRepeatMessages() throws Exception {
        writeConfig(false, "socket", 0); // slack start runs the app even when the file does not enable it
        Process daemon = slackStart();
        String dm = "D" + ALICE;

        slack.userSendsDm(ALICE, "message 1");
        slack.awaitBotMessages(dm, 1, WAIT);
        slack.loseNextAck(); // handed over; the acknowledgement is lost with the connection
        slack.userSendsDm(ALICE, "message 2");
        slack.awaitBotMessages(dm, 2, WAIT);
        DaemonIT.await("a new connection", WAIT, () -> slack.connectionsOpened() >= 2 && slack.connected());
        slack.dropConnection();
        slack.userSendsDm(ALICE, "message 3");
        DaemonIT.await("three answers", WAIT, () -> botTexts(dm).size() >= 3);

        Result stop = fixture.openpista("stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
        slack.userSendsDm(ALICE, "message 4"); // written while the daemon is down

        slackStart("--bot-token", BOT_TOKEN);
        DaemonIT.await("four answers", WAIT, () -> botTexts(dm).size() >= 4);
        DaemonIT.await("all acknowledged", WAIT, () -> slack.unacknowledged() == 0);
        Thread.sleep(1000); // a repeat would show up by now
        assertThat(botTexts(dm)).containsExactly("echo: message 1", "echo: message 2", "echo: message 3", "echo: message 4");
        fixture.assertMessagesAskedOnce(4);
    }

    @Test
    void theEventsApiIsServedOnTheWebChatsServerSignedOnly() throws Exception {
        int port = WebDaemon.freePort();
        writeConfig(true, "http", port);
        Result started = fixture.openpista("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        URI endpoint = URI.create("http://127.0.0.1:" + port + "/webhooks/slack");

        String challenge = FakeSlackServer.urlVerification("challenge-123");
        assertThat(slack.postSigned(endpoint, "application/json", challenge, java.time.Instant.now(), "wrong").statusCode())
                .isEqualTo(401);
        assertThat(slack.postSigned(endpoint, "application/json", challenge, java.time.Instant.now(), SIGNING_SECRET).body())
                .isEqualTo("{\"challenge\":\"challenge-123\"}");
        slack.postEventsTo(endpoint);
        slack.userSendsDm(ALICE, "over http");
        assertThat(slack.awaitBotMessages("D" + ALICE, 1, WAIT).get(0).text()).isEqualTo("echo: over http");
        assertThat(slack.connectionsOpened()).isZero();
        assertThat(Files.readString(home.resolve("logs/openpista.0.log"))).doesNotContain(SIGNING_SECRET)
                .doesNotContain("IT-secret");
    }

    @Test
    void setupChecksTheTokensBeforeSavingAndStatusShowsTheConfiguration() throws Exception {
        fixture.writeSetupConfig("""
                [channels.slack]
                api_url = "%s"
                """.formatted(slack.apiUrl()));

        Result refused = fixture.openpista("slack", "setup", "--bot-token", "xoxb-0000-wrong", "--app-token", APP_TOKEN);
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("Slack refused the bot token: invalid_auth").contains("nothing was saved");
        Result wrongApp = fixture.openpista("slack", "setup", "--bot-token", BOT_TOKEN, "--app-token", "xapp-0000-wrong");
        assertThat(wrongApp.exitCode()).as(wrongApp.toString()).isEqualTo(1);
        assertThat(wrongApp.stderr()).contains("Slack refused the app-level token: invalid_auth");
        assertThat(Files.readString(home.resolve("config.toml"))).doesNotContain("xoxb-").doesNotContain("xapp-");
        Result garbage = fixture.openpista("slack", "setup", "--bot-token", "not a token");
        assertThat(garbage.exitCode()).isEqualTo(2);

        Result setup = fixture.openpista("slack", "setup", "--bot-token", BOT_TOKEN, "--app-token", APP_TOKEN, "--allow", ALICE);
        assertThat(setup.exitCode()).as(setup.toString()).isZero();
        assertThat(setup.stdout()).contains("Slack app @" + FakeSlackServer.BOT_NAME).contains("verified");
        String config = Files.readString(home.resolve("config.toml"));
        assertThat(config).startsWith("# my settings").contains("bot_token = \"" + BOT_TOKEN + "\"")
                .contains("app_token = \"" + APP_TOKEN + "\"").contains("enabled = true")
                .contains("allowed_users = [\"" + ALICE + "\"]");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("config.toml"))))
                .isEqualTo("rw-------");

        Result status = fixture.openpista("slack", "status", "--check");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("enabled:  true").contains("mode:     socket")
                .contains("bot token valid, @" + FakeSlackServer.BOT_NAME).contains("allowed:  " + ALICE)
                .contains("running:  no daemon").doesNotContain("IT-secret");
    }

    Process slackStart(String... options) throws Exception {
        StringBuffer output = new StringBuffer();
        Process process = fixture.launchUntil("is listening", WAIT, output, List.of("slack", "start"), options);
        DaemonIT.await("the ready lines:\n" + output, WAIT, () -> output.indexOf("openpista: ready") >= 0 || !process.isAlive());
        assertThat(output.toString()).contains("Slack app @" + FakeSlackServer.BOT_NAME + " in Fake Team is listening over Socket Mode")
                .contains("Slack: @" + FakeSlackServer.BOT_NAME + " in Fake Team answers direct messages and mentions")
                .doesNotContain("IT-secret");
        return process;
    }
}
