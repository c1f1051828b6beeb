package org.openpista.channel.slack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
import org.openpista.channel.support.WebhookServer;
import org.openpista.testkit.FakeSlackServer;
import org.openpista.testkit.FakeSlackServer.Failure;
import org.openpista.testkit.FakeSlackServer.Message;

/** The channel in Socket Mode against the fake Slack, with a scripted stand-in for the agent core. */
class SlackChannelTest {

    private static final String OWNER = "U0OWNER";
    private static final String FRIEND = "U0FRIEND";
    private static final String STRANGER = "U0STRANGER";
    private static final String GENERAL = "C0GENERAL";
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

    SlackChannel start(String[] channelIds, String... users) {
        return start(SlackConfigs.config("socket", slack.apiUrl(), users, channelIds));
    }

    SlackChannel start(SlackChannel.Config config) {
        SlackChannel channel = new SlackChannel(gateway, config,
                new SlackChannel.Environment(home.resolve("slack"), true, Duration.ofMillis(50), WebhookServer.none()));
        channels.add(channel);
        return channel;
    }

    SlackChannel connected(String... users) {
        SlackChannel channel = start(new String[0], users);
        await("connected: " + channel.status(), () -> channel.status().startsWith("socket mode") && slack.connected());
        return channel;
    }

    @Test
    void anOwnersDirectMessageIsAnsweredInItsThreadAsMrkdwn() {
        gateway.answer((message, sink) -> AgentReply.answer("s", "**Done**: [docs](https://example.org/a) for " + message.text()));
        SlackChannel channel = connected(OWNER);
        assertThat(channel.status()).contains("@" + FakeSlackServer.BOT_NAME).contains("api http://127.0.0.1");
        assertThat(channel.readyLines()).singleElement().asString().contains("Socket Mode");

        String ts = slack.userSendsDm(OWNER, "list <files> & more");

        Message answer = slack.awaitBotMessages("D" + OWNER, 1, WAIT).get(0);
        assertThat(answer.text()).isEqualTo("*Done*: <https://example.org/a|docs> for list &lt;files&gt; &amp; more");
        assertThat(answer.threadTs()).isEqualTo(ts);
        InboundMessage received = gateway.received.get(0);
        assertThat(received.channel()).isEqualTo("slack");
        assertThat(received.conversationKey()).isEqualTo("slack:" + FakeSlackServer.TEAM_ID + ":D" + OWNER + ":" + ts);
        assertThat(received.senderId()).isEqualTo(OWNER);
        assertThat(received.text()).isEqualTo("list <files> & more");
        // the app's own message in the DM comes back as an event and is not taken for the owner's
        await("all acknowledged", () -> slack.unacknowledged() == 0);
        assertThat(gateway.received).hasSize(1);

        // a reply in the thread continues its conversation; a new top-level message starts another
        slack.userSendsDm(OWNER, "and then?", ts);
        slack.awaitBotMessages("D" + OWNER, 2, WAIT);
        String second = slack.userSendsDm(OWNER, "something else");
        slack.awaitBotMessages("D" + OWNER, 3, WAIT);
        assertThat(gateway.received).extracting(InboundMessage::conversationKey).containsExactly(received.conversationKey(),
                received.conversationKey(), "slack:" + FakeSlackServer.TEAM_ID + ":D" + OWNER + ":" + second);
        assertThat(slack.botMessages("D" + OWNER).get(1).threadTs()).isEqualTo(ts);
    }

    @Test
    void stoppingLeavesNoThreadOfTheChannel() throws InterruptedException {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        gateway.answer((message, sink) -> AgentReply.answer("s", "ok"));
        SlackChannel channel = connected(OWNER);
        slack.userSendsDm(OWNER, "hi");
        slack.awaitBotMessages("D" + OWNER, 1, WAIT);

        channel.stop();

        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> left;
        do {
            System.gc(); // the JDK client's selector thread ends once the client is unreachable
            Thread.sleep(100);
            left = Thread.getAllStackTraces().keySet().stream().filter(thread -> !before.contains(thread))
                    .map(Thread::getName).filter(name -> name.startsWith("slack") || name.startsWith("HttpClient")).toList();
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertThat(left).as("threads left after stopping").isEmpty();
    }

    @Test
    void sharedFilesReachTheAgentDownloadedWithTheBotToken() {
        gateway.answer((message, sink) -> AgentReply.answer("s", "got " + message.attachments().size()));
        SlackChannel channel = connected(OWNER);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};

        String ts = slack.userSharesFile(OWNER, "what is this?", "chart.png", "image/png", png);

        assertThat(slack.awaitBotMessages("D" + OWNER, 1, WAIT).get(0).text()).isEqualTo("got 1");
        InboundMessage received = gateway.received.get(0);
        assertThat(received.text()).isEqualTo("what is this?");
        assertThat(received.attachments()).singleElement().satisfies(file -> {
            assertThat(file.mimeType()).isEqualTo("image/png");
            assertThat(file.name()).isEqualTo("chart.png");
            assertThat(file.data()).isEqualTo(png);
        });
        assertThat(slack.fileDownloads()).hasSize(1);
        assertThat(channel.status()).startsWith("socket mode");

        // a file alone, without text, is a message too
        slack.userSharesFile(OWNER, "", "notes.txt", "text/plain", "buy milk".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        slack.awaitBotMessages("D" + OWNER, 2, WAIT);
        assertThat(gateway.received.get(1).attachments()).extracting(Attachment::name).containsExactly("notes.txt");
        assertThat(ts).isNotEmpty();
    }

    @Test
    void theBotTokenGoesToSlackHostsOnly() {
        SlackFiles files = new SlackFiles("https://slack.com/api", "xoxb-secret", java.net.http.HttpClient.newHttpClient());
        assertThat(files.trusted(java.net.URI.create("https://files.slack.com/files-pri/T1-F1/a.png"))).isTrue();
        assertThat(files.trusted(java.net.URI.create("http://files.slack.com/files-pri/T1-F1/a.png"))).isFalse();
        assertThat(files.trusted(java.net.URI.create("https://slack.com.evil.example/a.png"))).isFalse();
        assertThat(files.trusted(java.net.URI.create("https://evil.example/files-pri/a.png"))).isFalse();
    }

    @Test
    void strangersAreRefusedWithTheirIdAndNothingReachesTheModel() {
        connected(OWNER);

        slack.userSendsDm(STRANGER, "run: cat /etc/passwd");
        slack.userSendsDm(STRANGER, "again");
        slack.userMentions(STRANGER, GENERAL, "me too", "");

        Message notice = slack.awaitBotMessages("D" + STRANGER, 1, WAIT).get(0);
        assertThat(notice.text()).contains("private openpista app").contains(STRANGER).contains("allowed_users");
        await("all acknowledged", () -> slack.unacknowledged() == 0);
        assertThat(slack.botMessages("D" + STRANGER)).hasSize(1); // one notice a minute, no spam
        assertThat(gateway.received).isEmpty();
    }

    @Test
    void mentionsAreAnsweredOnceInTheirThreadAndOnlyInAllowedChannels() {
        SlackChannel channel = start(new String[] {GENERAL}, OWNER);
        await("connected", () -> channel.status().startsWith("socket mode"));

        String ts = slack.userMentions(OWNER, GENERAL, "what is up?", "");
        slack.userWritesInChannel(OWNER, GENERAL, "chatter without a mention", "");
        slack.userMentions(OWNER, "C0RANDOM", "here?", "");

        Message answer = slack.awaitBotMessages(GENERAL, 1, WAIT).get(0);
        assertThat(answer.text()).isEqualTo("echo: what is up?");
        assertThat(answer.threadTs()).isEqualTo(ts);
        Message notice = slack.awaitBotMessages("C0RANDOM", 1, WAIT).get(0);
        assertThat(notice.ephemeralTo()).isEqualTo(OWNER);
        assertThat(notice.text()).contains("allowed_channels");
        await("all acknowledged", () -> slack.unacknowledged() == 0);
        // app_mention and the message copy of the same mention: answered once
        assertThat(gateway.texts()).containsExactly("what is up?");
        assertThat(slack.botMessages(GENERAL)).hasSize(1);
    }

    @Test
    void approvalsAreButtonsBoundToTheCallAndTheUserWhoMayAnswer() throws Exception {
        CompletableFuture<ApprovalDecision> decided = gateway.answerAfterApproval(new ApprovalRequest("s", "slack",
                new ToolCall("call-1", "system.run", "{\"command\":\"echo <hi>\"}"), "runs on the host"));
        connected(OWNER, FRIEND);

        slack.userMentions(OWNER, GENERAL, "run it", "");
        Message question = slack.awaitBotMessages(GENERAL, 1, WAIT).get(0);
        assertThat(question.blocks().toString()).contains("system.run").contains("echo &lt;hi&gt;").contains("_runs on the host_")
                .contains(Approvals.ALLOW);

        slack.userPresses(STRANGER, GENERAL, question.ts(), Approvals.ALLOW);
        Message refused = slack.awaitBotMessages(GENERAL, 2, WAIT).get(1);
        assertThat(refused.ephemeralTo()).isEqualTo(STRANGER);
        assertThat(refused.text()).contains("Only <@" + OWNER + ">");
        assertThat(decided).isNotDone();

        slack.userPresses(FRIEND, GENERAL, question.ts(), Approvals.DENY); // an allowed user may answer too
        assertThat(decided.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(ApprovalDecision.REJECT);
        await("the answer", () -> slack.botMessages(GENERAL).stream().anyMatch(m -> m.text().equals("decided: reject")));
        // the question is updated in place (chat.update) beside the answer, in no fixed order
        await("the question settled", () -> slack.messages(GENERAL).stream()
                .anyMatch(m -> m.ts().equals(question.ts()) && m.text().contains("Denied by <@" + FRIEND + ">")));
        Message settled = slack.messages(GENERAL).stream().filter(m -> m.ts().equals(question.ts())).findFirst().orElseThrow();
        assertThat(settled.text()).contains("Denied by <@" + FRIEND + ">");
        assertThat(settled.blocks().toString()).doesNotContain(Approvals.ALLOW);
    }

    @Test
    void longAnswersAreSplitAndImagesUploadedIntoTheThread() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        String paragraph = "The quick brown fox jumps over the lazy dog. ".repeat(30).strip();
        String longAnswer = String.join("\n\n", java.util.Collections.nCopies(8, paragraph));
        gateway.answer((message, sink) -> message.text().equals("fail")
                ? AgentReply.failure("s", "the provider said: no\nretry later")
                : new AgentReply("s", longAnswer, false, List.of(new Attachment("image/png", "screen.png", png))));
        connected(OWNER);

        String ts = slack.userSendsDm(OWNER, "story");
        await("the image", () -> slack.upload("screen.png") != null
                && slack.botMessages("D" + OWNER).stream().anyMatch(m -> m.files().contains("screen.png")));
        List<Message> parts = slack.botMessages("D" + OWNER).stream().filter(m -> m.files().isEmpty()).toList();
        assertThat(parts).hasSizeGreaterThan(1).allSatisfy(part -> {
            assertThat(part.text().length()).isLessThanOrEqualTo(Mrkdwn.LIMIT);
            assertThat(part.threadTs()).isEqualTo(ts);
        });
        assertThat(String.join("\n\n", parts.stream().map(Message::text).toList())).isEqualTo(longAnswer);
        assertThat(slack.upload("screen.png")).isEqualTo(png);

        slack.userSendsDm(OWNER, "fail");
        await("the error", () -> slack.botMessages("D" + OWNER).stream()
                .anyMatch(m -> m.text().equals("❌ the provider said: no retry later")));
    }

    @Test
    void aDroppedConnectionOrALostAcknowledgementNeitherLosesNorRepeatsAMessage() {
        SlackChannel channel = connected(OWNER);
        slack.failNext("chat.postMessage", Failure.rateLimited(1), Failure.disconnect(), Failure.status(503));

        slack.userSendsDm(OWNER, "message 1");
        slack.awaitBotMessages("D" + OWNER, 1, WAIT);

        slack.loseNextAck(); // handed over, but the acknowledgement is lost with the connection
        slack.userSendsDm(OWNER, "message 2");
        await("a new connection", () -> slack.connectionsOpened() >= 2 && slack.connected());
        slack.awaitBotMessages("D" + OWNER, 2, WAIT);

        slack.dropConnection();
        slack.userSendsDm(OWNER, "message 3"); // written while the app is away
        await("three answers", () -> slack.botMessages("D" + OWNER).size() >= 3);
        await("all acknowledged", () -> slack.unacknowledged() == 0);

        assertThat(gateway.texts()).containsExactly("message 1", "message 2", "message 3");
        assertThat(slack.botMessages("D" + OWNER)).extracting(Message::text)
                .containsExactly("echo: message 1", "echo: message 2", "echo: message 3");
        assertThat(slack.deliveries()).anyMatch(delivery -> delivery.retryAttempt() > 0);
        assertThat(channel.status()).contains("reconnected");
    }

    @Test
    void aRestartAnswersWhatCameMeanwhileAndNothingTwice() {
        SlackChannel first = connected(OWNER);
        slack.userSendsDm(OWNER, "before");
        slack.awaitBotMessages("D" + OWNER, 1, WAIT);
        slack.loseNextAck();
        slack.userSendsDm(OWNER, "handed over, acknowledgement lost");
        slack.awaitBotMessages("D" + OWNER, 2, WAIT);
        first.stop();
        channels.remove(first);

        slack.userSendsDm(OWNER, "while away");
        connected(OWNER);
        await("the answer after the restart", () -> slack.botMessages("D" + OWNER).size() >= 3);
        await("all acknowledged", () -> slack.unacknowledged() == 0);
        assertThat(gateway.texts()).as("deliveries %s", slack.deliveries())
                .containsExactly("before", "handed over, acknowledgement lost", "while away");
    }

    @Test
    void aRefusedTokenStopsTheChannelSayingWhy() {
        SlackChannel channel = start(SlackConfigs.config("socket", "xoxb-0000-wrong-token", SlackConfigs.APP_TOKEN,
                slack.apiUrl(), new String[] {OWNER}, new String[0]));
        await("off", () -> channel.status().startsWith("off"));
        assertThat(channel.status()).isEqualTo("off (Slack refused the bot token: invalid_auth)").doesNotContain("wrong-token");

        SlackChannel noApp = start(SlackConfigs.config("socket", SlackConfigs.BOT_TOKEN, "xapp-1-wrong-app-token",
                slack.apiUrl(), new String[] {OWNER}, new String[0]));
        await("off", () -> noApp.status().startsWith("off"));
        assertThat(noApp.status()).isEqualTo("off (Slack refused the app-level token: invalid_auth)");

        SlackChannel off = new SlackChannel(gateway, SlackConfigs.config("socket", slack.apiUrl(), new String[0], new String[0]),
                new SlackChannel.Environment(home, false, Duration.ofMillis(50), WebhookServer.none()));
        assertThat(off.status()).isEqualTo("off ([channels.slack] enabled = false)");
        off.stop();
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
