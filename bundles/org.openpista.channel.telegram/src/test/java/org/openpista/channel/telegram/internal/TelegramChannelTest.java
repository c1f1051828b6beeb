package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.session.SessionRouter;
import org.openpista.channel.support.JettyWebhookServer;
import org.openpista.channel.support.SavedSettings;
import org.openpista.channel.support.ScriptedGateway;
import org.openpista.channel.support.WebhookServer;
import org.openpista.testkit.FakeTelegramServer;
import org.openpista.testkit.FakeTelegramServer.ChatEntry;
import org.openpista.testkit.FakeTelegramServer.Failure;

/** The channel against the fake Bot API, with a scripted stand-in for the agent core. */
class TelegramChannelTest {

    private static final String TOKEN = "4242:unit-test-token";
    private static final long OWNER = 1001;
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path home;

    final FakeTelegramServer telegram = new FakeTelegramServer(TOKEN);
    final ScriptedGateway gateway = okGateway();
    final List<TelegramChannel> channels = new CopyOnWriteArrayList<>();
    /** What the channel asked to save in config.toml: "section key" → value (the file itself is the config bundle's job). */
    final SavedSettings savedSecrets = new SavedSettings(() -> home.resolve("config.toml"));
    final Map<String, String> saved = savedSecrets.saved;

    @AfterEach
    void stop() {
        channels.forEach(TelegramChannel::stop);
        gateway.close();
        telegram.close();
    }

    TelegramChannel start(long... allowed) {
        return start(config(true, TOKEN, telegram.apiUrl(), allowed), true);
    }

    Pairings pairings;

    /** @param runs whether the daemon runs the bot: what {@code DaemonControl.runsChannel} answers */
    TelegramChannel start(TelegramChannel.Config config, boolean runs) {
        if (pairings == null) {
            pairings = new Pairings(home.resolve("telegram/pairing.json"), Clock.systemUTC());
        }
        TelegramChannel channel = new TelegramChannel(gateway, pairings, config, home.resolve("telegram"), runs,
                Duration.ofMillis(50));
        channels.add(channel);
        return channel;
    }

    void awaitPolling(TelegramChannel channel) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!channel.status().startsWith("polling")) {
            assertThat(System.nanoTime()).as("channel status: %s", channel.status()).isLessThan(deadline);
            assertThat(channel.status()).doesNotStartWith("off");
            sleep(20);
        }
    }

    @Test
    void aMessageFromTheOwnerReachesTheAgentAndTheAnswerComesBackFormatted() {
        gateway.answer((message, sink) -> {
            sleep(300); // long enough for the typing indicator to show
            return AgentReply.answer(message.conversationKey(), "**Done**: " + message.text());
        });
        TelegramChannel channel = start(OWNER);
        awaitPolling(channel);
        assertThat(channel.status()).contains("@" + FakeTelegramServer.BOT_USERNAME).contains("api http://127.0.0.1");

        telegram.userSends(OWNER, "list <files> & more");

        List<ChatEntry> answers = telegram.awaitBotMessages(OWNER, 1, WAIT);
        assertThat(answers.get(0).text()).isEqualTo("<b>Done</b>: list &lt;files&gt; &amp; more");
        assertThat(answers.get(0).parseMode()).isEqualTo("HTML");
        InboundMessage received = gateway.received.get(0);
        assertThat(received.channel()).isEqualTo("telegram");
        assertThat(received.conversationKey()).isEqualTo("telegram:" + OWNER);
        assertThat(received.sessionId()).isNull();
        assertThat(received.senderId()).isEqualTo(Long.toString(OWNER));
        assertThat(received.text()).isEqualTo("list <files> & more");
        assertThat(telegram.awaitCall("sendChatAction", call -> true, WAIT).param("action")).isEqualTo("typing");
        assertThat(telegram.calls("deleteWebhook")).hasSize(1);
    }

    @Test
    void stoppingLeavesNoThreadOfTheChannel() {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        gateway.answer((message, sink) -> {
            sleep(300); // the typing indicator's timer runs
            return AgentReply.answer(message.conversationKey(), "ok");
        });
        TelegramChannel channel = start(OWNER);
        awaitPolling(channel);
        telegram.userSends(OWNER, "hi");
        telegram.awaitBotMessages(OWNER, 1, WAIT);

        channel.stop();

        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> left;
        do {
            System.gc(); // the JDK client's selector thread ends once the client is unreachable
            sleep(100);
            left = Thread.getAllStackTraces().keySet().stream().filter(thread -> !before.contains(thread))
                    .map(Thread::getName).filter(name -> name.startsWith("telegram") || name.startsWith("HttpClient")).toList();
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertThat(left).as("threads left after stopping").isEmpty();
    }

    @Test
    void errorsArePrefixedAndImagesSentAsPhotos() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        gateway.answer((message, sink) -> message.text().equals("fail")
                ? AgentReply.failure(message.conversationKey(), "the provider said: rate limited\nretry later")
                : new AgentReply(message.conversationKey(), "Here:", false, List.of(new Attachment("image/png", "screen.png", png))));
        awaitPolling(start(OWNER));

        telegram.userSends(OWNER, "fail");
        assertThat(telegram.awaitBotMessages(OWNER, 1, WAIT).get(0).text())
                .isEqualTo("❌ the provider said: rate limited retry later");
        telegram.userSends(OWNER, "screenshot");
        List<ChatEntry> messages = telegram.awaitBotMessages(OWNER, 3, WAIT);
        assertThat(messages.get(1).text()).isEqualTo("Here:");
        assertThat(messages.get(2).photo()).isTrue();
        // the fake shows the photo in the chat before it records the call
        FakeTelegramServer.Call upload = telegram.awaitCall("sendPhoto", call -> true, WAIT);
        assertThat(upload.upload("photo")).as("sendPhoto %s", upload.params()).isEqualTo(png);
    }

    @Test
    void aPhotoIsDownloadedThroughGetFileAndReachesTheAgentAsAnAttachment() {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1};
        gateway.answer((message, sink) -> AgentReply.answer(message.conversationKey(), "I see it"));
        awaitPolling(start(OWNER));

        telegram.userSendsPhoto(OWNER, "what is this?", jpeg, jpeg.length);

        assertThat(telegram.awaitBotMessages(OWNER, 1, WAIT).get(0).text()).isEqualTo("I see it");
        InboundMessage received = gateway.received.get(0);
        assertThat(received.text()).isEqualTo("what is this?");
        assertThat(received.attachments()).singleElement().satisfies(photo -> {
            assertThat(photo.mimeType()).isEqualTo("image/jpeg");
            assertThat(photo.data()).isEqualTo(jpeg);
        });
        assertThat(telegram.calls("getFile")).hasSize(1);
        assertThat(telegram.downloads()).hasSize(1);
    }

    @Test
    void aDocumentWithoutCaptionReachesTheAgentWithItsNameAndType() {
        byte[] text = "line one\nline two\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        awaitPolling(start(OWNER));

        telegram.userSendsDocument(OWNER, null, "notes.txt", "text/plain", text);

        telegram.awaitBotMessages(OWNER, 1, WAIT);
        InboundMessage received = gateway.received.get(0);
        assertThat(received.text()).isEmpty();
        assertThat(received.attachments()).singleElement().satisfies(file -> {
            assertThat(file.name()).isEqualTo("notes.txt");
            assertThat(file.mimeType()).isEqualTo("text/plain");
            assertThat(file.data()).isEqualTo(text);
        });
    }

    @Test
    void aPhotoAnnouncedAboveTheLimitIsRefusedWithoutDownloadingIt() {
        awaitPolling(start(OWNER));

        telegram.userSendsPhoto(OWNER, "huge", new byte[] {1, 2, 3}, TelegramMedia.MAX_BYTES + 1);

        assertThat(telegram.awaitBotMessages(OWNER, 1, WAIT).get(0).text()).startsWith("❌ the file is too large");
        assertThat(telegram.calls("getFile")).isEmpty();
        assertThat(telegram.downloads()).isEmpty();
        assertThat(gateway.received).isEmpty();
    }

    @Test
    void anAttachmentTheAgentRefusesIsExplainedToTheSender() {
        gateway.refuse = "\"photo.jpg\" is not a valid image: its content is not PNG, JPEG, GIF or WebP";
        awaitPolling(start(OWNER));

        telegram.userSendsPhoto(OWNER, null, "not an image".getBytes(java.nio.charset.StandardCharsets.UTF_8), 12);

        assertThat(telegram.awaitBotMessages(OWNER, 1, WAIT).get(0).text())
                .isEqualTo("❌ \"photo.jpg\" is not a valid image: its content is not PNG, JPEG, GIF or WebP");
    }

    @Test
    void aLongAnswerIsSplitIntoMessagesOfAtMost4096Characters() {
        String paragraph = "lorem ipsum ".repeat(100).strip();
        String answer = String.join("\n\n", java.util.Collections.nCopies(12, paragraph));
        gateway.answer((message, sink) -> AgentReply.answer(message.conversationKey(), answer));
        awaitPolling(start(OWNER));

        telegram.userSends(OWNER, "write a lot");

        List<ChatEntry> parts = telegram.awaitBotMessages(OWNER, 4, WAIT);
        sleep(300);
        parts = telegram.chatLog(OWNER).stream().filter(ChatEntry::fromBot).toList();
        assertThat(parts).hasSize(4).allSatisfy(part -> assertThat(part.text().length()).isLessThanOrEqualTo(4096));
        assertThat(String.join("\n\n", parts.stream().map(ChatEntry::text).toList())).isEqualTo(answer);
    }

    @Test
    void aStrangerGetsAPairingCodeAndNothingElseUntilTheOwnerApprovesIt() {
        gateway.answer((message, sink) -> AgentReply.answer(message.conversationKey(), "hello " + message.senderId()));
        TelegramChannel channel = start(OWNER);
        awaitPolling(channel);
        long stranger = 666;

        telegram.userSends(stranger, "run: rm -rf /");
        ChatEntry notice = telegram.awaitBotMessages(stranger, 1, WAIT).get(0);
        assertThat(notice.text()).contains("openpista:pair approve ").contains("<code>" + stranger + "</code>");
        telegram.userSends(stranger, "please?");
        sleep(500);
        assertThat(telegram.chatLog(stranger).stream().filter(ChatEntry::fromBot)).hasSize(1); // no second notice at once
        assertThat(gateway.received).isEmpty();

        String code = pairings.pending().get(0).code();
        assertThat(notice.text()).contains(code);
        assertThat(pairings.pending().get(0).userId()).isEqualTo(stranger);
        PairCommand command = new PairCommand(pairings);
        command.telegram = channel;
        assertThat(command.pair()).contains(code).contains("user id 666");
        assertThat(command.pair("approve", code)).contains("approved Telegram user id 666");
        assertThat(telegram.awaitBotMessages(stranger, 2, WAIT).get(1).text()).contains("approved");
        assertThat(new Pairings(home.resolve("telegram/pairing.json"), Clock.systemUTC()).isApproved(stranger)).isTrue();

        telegram.userSends(stranger, "now?");
        assertThat(telegram.awaitBotMessages(stranger, 3, WAIT).get(2).text()).isEqualTo("hello 666");
        assertThat(gateway.received).extracting(InboundMessage::text).containsExactly("now?");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> command.pair("approve", code))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already used");
    }

    @Test
    void approvalButtonsOnlyWorkForTheOwner() throws Exception {
        CompletableFuture<ApprovalDecision> decision = new CompletableFuture<>();
        gateway.answer((message, sink) -> {
            ApprovalRequest request = new ApprovalRequest(message.conversationKey(), "telegram",
                    new ToolCall("call-1", "system.run", "{\"command\":\"echo <42>\"}"));
            ApprovalDecision answer = sink.requestApproval(request).toCompletableFuture().join();
            decision.complete(answer);
            return AgentReply.answer(message.conversationKey(), "decided " + answer.wireName());
        });
        awaitPolling(start(OWNER));
        long group = -5005;
        long member = 2002;

        telegram.userSendsIn(group, "group", OWNER, "@" + FakeTelegramServer.BOT_USERNAME + " check it", null);
        ChatEntry question = telegram.awaitBotMessages(group, 1, WAIT).get(0);
        assertThat(question.text()).contains("system.run").contains("echo &lt;42&gt;");
        assertThat(question.keyboard().path("inline_keyboard").toString())
                .contains("Allow").contains("Deny").contains("Allow for this chat");
        String allowData = question.keyboard().path("inline_keyboard").get(0).get(0).path("callback_data").asText();
        String chatData = question.keyboard().path("inline_keyboard").get(1).get(0).path("callback_data").asText();

        // another group member presses: refused, nothing decided
        telegram.userPresses(group, member, question.messageId(), allowData);
        FakeTelegramServer.Call refusal = telegram.awaitCall("answerCallbackQuery", call -> call.param("text").contains("Only the owner"), WAIT);
        assertThat(refusal.ok()).isTrue();
        assertThat(decision).isNotDone();

        telegram.userPresses(group, OWNER, question.messageId(), chatData);
        assertThat(decision.get(10, TimeUnit.SECONDS)).isEqualTo(ApprovalDecision.ALLOW_FOR_SESSION);
        telegram.awaitCall("editMessageText", call -> call.param("text").contains("Allowed for this chat"), WAIT);
        List<ChatEntry> log = telegram.awaitBotMessages(group, 2, WAIT);
        assertThat(log.get(0).keyboard().isMissingNode()).isTrue();
        assertThat(log.get(1).text()).isEqualTo("decided allow_for_session");

        // pressing again changes nothing
        telegram.userPresses(group, OWNER, question.messageId(), allowData);
        telegram.awaitCall("answerCallbackQuery", call -> call.param("text").contains("no longer open"), WAIT);
    }

    @Test
    void groupMessagesAreIgnoredUnlessTheBotIsMentionedOrRepliedTo() {
        gateway.answer((message, sink) -> AgentReply.answer(message.conversationKey(), "ok: " + message.text()));
        awaitPolling(start(OWNER));
        long group = -77;

        telegram.userSendsIn(group, "supergroup", OWNER, "just chatting", null);
        telegram.userSendsIn(group, "supergroup", OWNER, "hey @" + FakeTelegramServer.BOT_USERNAME + " what time is it", null);
        ChatEntry answer = telegram.awaitBotMessages(group, 1, WAIT).get(0);
        assertThat(answer.text()).isEqualTo("ok: hey  what time is it");
        telegram.userSendsIn(group, "supergroup", OWNER, "and now?", answer.messageId());
        assertThat(telegram.awaitBotMessages(group, 2, WAIT).get(1).text()).isEqualTo("ok: and now?");
        assertThat(gateway.received).extracting(InboundMessage::conversationKey).containsOnly("telegram:-77");
        assertThat(gateway.received).extracting(InboundMessage::text).doesNotContain("just chatting");
    }

    @Test
    void commandsNewStopAndHelp() throws Exception {
        RecordingRouter router = new RecordingRouter();
        CompletableFuture<Void> release = new CompletableFuture<>();
        gateway.answer((message, sink) -> {
            release.join();
            return AgentReply.answer(message.conversationKey(), "late");
        });
        TelegramChannel channel = start(OWNER);
        channel.router = router;
        awaitPolling(channel);

        telegram.userSends(OWNER, "/new");
        assertThat(telegram.awaitBotMessages(OWNER, 1, WAIT).get(0).text()).contains("New conversation");
        assertThat(router.started).containsExactly("telegram:" + OWNER);

        telegram.userSends(OWNER, "work for a long time");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (gateway.received.isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
        }
        telegram.userSends(OWNER, "/stop");
        assertThat(telegram.awaitBotMessages(OWNER, 2, WAIT).get(1).text()).contains("Stopped");
        assertThat(gateway.cancelled).containsExactly("telegram:" + OWNER + "#2");
        release.complete(null);
        assertThat(telegram.awaitBotMessages(OWNER, 3, WAIT).get(2).text()).isEqualTo("late");

        telegram.userSends(OWNER, "/help");
        assertThat(telegram.awaitBotMessages(OWNER, 4, WAIT).get(3).text()).contains("/new").contains("/model");
        telegram.userSends(OWNER, "/model");
        assertThat(telegram.awaitBotMessages(OWNER, 5, WAIT).get(4).text()).contains("no model selector");
    }

    @Test
    void updatesAreAcknowledgedOnlyAfterHandOffAndARestartNeitherLosesNorRepeats() {
        gateway.answer((message, sink) -> AgentReply.answer(message.conversationKey(), "re: " + message.text()));
        TelegramChannel first = start(OWNER);
        awaitPolling(first);
        long one = telegram.userSends(OWNER, "one");
        telegram.awaitBotMessages(OWNER, 1, WAIT);
        Path offsetFile = OffsetStore.fileFor(home.resolve("telegram"), FakeTelegramServer.BOT_ID);
        awaitFile(offsetFile, Long.toString(one + 1));

        first.stop();
        channels.remove(first);
        // while the daemon is down
        telegram.userSends(OWNER, "two");
        telegram.userSends(OWNER, "three");

        int pollsBefore = telegram.calls("getUpdates").size();
        TelegramChannel second = start(OWNER);
        awaitPolling(second);
        List<ChatEntry> answers = telegram.awaitBotMessages(OWNER, 3, WAIT);
        sleep(500);
        assertThat(telegram.chatLog(OWNER).stream().filter(ChatEntry::fromBot).map(ChatEntry::text))
                .as("polls: %s", telegram.calls("getUpdates").stream().map(call -> call.status() + ":" + call.param("offset") + "@" + call.at()).toList())
                .containsExactly("re: one", "re: two", "re: three");
        assertThat(answers).hasSize(3);
        assertThat(gateway.received).extracting(InboundMessage::text).containsExactly("one", "two", "three");
        // the second run resumed at the persisted offset
        assertThat(telegram.calls("getUpdates").get(pollsBefore).param("offset")).isEqualTo(Long.toString(one + 1));
        assertThat(telegram.unconfirmedUpdates()).isZero();
    }

    @Test
    void stoppingWaitsForTheAnswersOfRunningTurns() {
        gateway.answer((message, sink) -> {
            sleep(1500);
            return AgentReply.answer(message.conversationKey(), "finished: " + message.text());
        });
        TelegramChannel channel = start(OWNER);
        awaitPolling(channel);
        telegram.userSends(OWNER, "slow work");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (gateway.received.isEmpty() && System.nanoTime() < deadline) {
            sleep(20);
        }

        channel.stop();

        assertThat(telegram.chatLog(OWNER).stream().filter(ChatEntry::fromBot).map(ChatEntry::text)).containsExactly("finished: slow work");
    }

    @Test
    void failuresAndRateLimitsInTheMiddleLoseNoMessage() {
        gateway.answer((message, sink) -> AgentReply.answer(message.conversationKey(), "re: " + message.text()));
        awaitPolling(start(OWNER));
        telegram.userSends(OWNER, "m1");
        telegram.awaitBotMessages(OWNER, 1, WAIT);

        telegram.failNext("getUpdates", Failure.status(502, "Bad Gateway"), Failure.disconnect(), Failure.tooManyRequests(1),
                Failure.status(500, "Internal Server Error"));
        telegram.failNext("sendMessage", Failure.tooManyRequests(1), Failure.status(503, "Service Unavailable"), Failure.disconnect(),
                Failure.proxyPage(502));
        for (int i = 2; i <= 6; i++) {
            telegram.userSends(OWNER, "m" + i);
        }

        telegram.awaitBotMessages(OWNER, 6, Duration.ofSeconds(40));
        sleep(500);
        List<String> answers = telegram.chatLog(OWNER).stream().filter(ChatEntry::fromBot).map(ChatEntry::text).toList();
        assertThat(answers).containsExactly("re: m1", "re: m2", "re: m3", "re: m4", "re: m5", "re: m6");
        assertThat(gateway.received).extracting(InboundMessage::text).containsExactly("m1", "m2", "m3", "m4", "m5", "m6");
        assertThat(telegram.failuresLeft("getUpdates")).isZero();
        assertThat(telegram.failuresLeft("sendMessage")).isZero();
        // the 429 on getUpdates was honoured: the next poll came at least retry_after later
        List<FakeTelegramServer.Call> polls = telegram.calls("getUpdates");
        for (int i = 0; i < polls.size() - 1; i++) {
            if (polls.get(i).status() == 429) {
                assertThat(Duration.between(polls.get(i).at(), polls.get(i + 1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(950));
            }
        }
    }

    @Test
    void aChannelThatIsOffMakesNoHttpClient() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();

        TelegramChannel disabled = start(config(false, TOKEN, telegram.apiUrl()), false);

        assertThat(disabled.status()).startsWith("off");
        // the JDK's client starts its selector thread when it is built (and builds the TLS context)
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(thread -> !before.contains(thread))
                .extracting(Thread::getName).noneMatch(name -> name.startsWith("HttpClient-"));
    }

    @Test
    void offWithoutEnabledOrTokenAndStoppedByARefusedToken() {
        TelegramChannel disabled = start(config(false, TOKEN, telegram.apiUrl()), false);
        assertThat(disabled.status()).startsWith("off").contains("enabled = false");
        TelegramChannel noToken = start(config(true, "", telegram.apiUrl()), true);
        assertThat(noToken.status()).startsWith("off").contains("no token");
        TelegramChannel badUrl = start(config(true, TOKEN, "ftp://x"), true);
        assertThat(badUrl.status()).startsWith("off").contains("api_url");
        sleep(200);
        assertThat(telegram.calls()).isEmpty();

        // a single-channel daemon (telegram start) runs the bot although the file does not enable it
        TelegramChannel forced = start(config(false, TOKEN, telegram.apiUrl()), true);
        awaitPolling(forced);
        forced.stop();

        TelegramChannel refused = start(config(true, "1:wrong", telegram.apiUrl()), true);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!refused.status().contains("refused") && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(refused.status()).startsWith("off (Telegram refused the token").doesNotContain("wrong");
    }

    @Test
    void statusShowsFailingPollsAndARevokedTokenStopsPolling() {
        TelegramChannel channel = start(OWNER);
        awaitPolling(channel);
        telegram.failNext("getUpdates", Failure.status(409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"),
                Failure.status(409, "Conflict: terminated by other getUpdates request"));
        // the waiting poll ends by itself after its timeout (2 s here); the next ones fail
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!channel.status().contains("last poll failed: 409") && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(channel.status()).startsWith("polling as @").contains("last poll failed: 409 Conflict");
        while (channel.status().contains("last poll failed") && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(channel.status()).doesNotContain("failed");

        telegram.failNext("getUpdates", Failure.status(401, "Unauthorized"));
        while (!channel.status().startsWith("off") && System.nanoTime() < deadline) {
            sleep(20);
        }
        assertThat(channel.status()).isEqualTo("off (Telegram refused the token while polling: 401 Unauthorized)");
        sleep(500);
        int polls = telegram.pollsStarted();
        sleep(3000);
        assertThat(telegram.pollsStarted()).isEqualTo(polls);
    }

    @Test
    void deliverSendsToAChat() throws Exception {
        TelegramChannel channel = start(OWNER);
        awaitPolling(channel);
        channel.deliver("telegram:" + OWNER, "Daily *report*");
        assertThat(telegram.awaitBotMessages(OWNER, 1, WAIT).get(0).text()).isEqualTo("Daily <i>report</i>");
    }

    @Test
    void deliverTakesABareChatIdAndRefusesOtherTargetsAndAChannelThatIsOff() throws Exception {
        assertThat(TelegramChannel.chatId("telegram:-100123")).isEqualTo(-100123L);
        assertThat(TelegramChannel.chatId("42")).isEqualTo(42L);
        assertThatThrownBy(() -> TelegramChannel.chatId("telegram:@someone")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a Telegram target is a numeric chat id, not telegram:@someone");

        TelegramChannel channel = start(OWNER);
        awaitPolling(channel);
        channel.deliver(String.valueOf(OWNER), "no prefix");
        assertThat(telegram.awaitBotMessages(OWNER, 1, WAIT).get(0).text()).isEqualTo("no prefix");

        TelegramChannel disabled = start(config(false, TOKEN, telegram.apiUrl()), false);
        assertThatThrownBy(() -> disabled.deliver("telegram:" + OWNER, "hi")).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("the Telegram channel is not running: off").hasMessageContaining("enabled = false");
    }

    @Test
    void modelShowsAndSwitchesThroughTheModelSelector() {
        TelegramChannel channel = start(OWNER);
        java.util.concurrent.atomic.AtomicReference<org.openpista.api.model.ModelChoice> current =
                new java.util.concurrent.atomic.AtomicReference<>(new org.openpista.api.model.ModelChoice("openai", "gpt-4o"));
        channel.models = new org.openpista.api.model.ModelSelector() {
            @Override
            public org.openpista.api.model.ModelChoice current() {
                return current.get();
            }

            @Override
            public List<String> providers() {
                return List.of("openai", "anthropic");
            }

            @Override
            public List<org.openpista.api.llm.ModelInfo> models() {
                return List.of();
            }

            @Override
            public org.openpista.api.model.ModelChoice select(String provider, String model)
                    throws org.openpista.api.config.ConfigException {
                if (model.equals("nope")) {
                    throw new org.openpista.api.config.ConfigException(home.resolve("config.toml"), 0, "agent.model", "unknown model nope");
                }
                current.set(new org.openpista.api.model.ModelChoice(provider.isEmpty() ? current.get().provider() : provider, model));
                return current.get();
            }
        };
        awaitPolling(channel);

        telegram.userSends(OWNER, "/model");
        assertThat(telegram.awaitBotMessages(OWNER, 1, WAIT).get(0).text()).startsWith("Model: openai / gpt-4o")
                .contains("openai, anthropic");
        telegram.userSends(OWNER, "/model anthropic/claude-x");
        assertThat(telegram.awaitBotMessages(OWNER, 2, WAIT).get(1).text()).isEqualTo("✅ Model: anthropic / claude-x");
        telegram.userSends(OWNER, "/model nope");
        assertThat(telegram.awaitBotMessages(OWNER, 3, WAIT).get(2).text()).isEqualTo("❌ agent.model: unknown model nope");
        assertThat(gateway.received).isEmpty();
    }

    // ---------------------------------------------------------------- webhook mode

    static final String WEBHOOK_URL = "https://bot.example.org/webhooks/telegram";

    TelegramChannel startWebhook(JettyWebhookServer<TelegramWebhook> server, String secret, long... allowed) {
        if (pairings == null) {
            pairings = new Pairings(home.resolve("telegram/pairing.json"), Clock.systemUTC());
        }
        TelegramChannel channel = new TelegramChannel(gateway, pairings,
                config(true, TOKEN, telegram.apiUrl(), WEBHOOK_URL, secret, allowed),
                new TelegramChannel.Environment(home.resolve("telegram"), savedSecrets, true,
                        Duration.ofMillis(50), server));
        channels.add(channel);
        return channel;
    }

    static void awaitStatus(TelegramChannel channel, String prefix) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!channel.status().startsWith(prefix)) {
            assertThat(System.nanoTime()).as("channel status: %s", channel.status()).isLessThan(deadline);
            sleep(20);
        }
    }

    /** POSTs an update to the webhook as Telegram would, without the fake taking note (its 200 is "lost"). */
    int postBehindTelegramsBack(java.net.URI endpoint, com.fasterxml.jackson.databind.JsonNode update, String secret)
            throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/json").header(TelegramWebhook.SECRET_HEADER, secret)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(update.toString())).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void webhookModeSetsTheWebhookWithAGeneratedSecretAndHandsOverEachUpdateOnce() throws Exception {
        gateway.answer((message, sink) -> AgentReply.answer(message.conversationKey(), "re: " + message.text()));
        JettyWebhookServer<TelegramWebhook> server = new JettyWebhookServer<>(TelegramWebhook.PATH, 0, TelegramWebhookServlet::new);
        TelegramChannel channel = startWebhook(server, "", OWNER);

        FakeTelegramServer.Webhook hook = telegram.awaitWebhook(WAIT);
        awaitStatus(channel, "webhook as @" + FakeTelegramServer.BOT_USERNAME);
        assertThat(channel.status()).contains(WEBHOOK_URL);
        assertThat(hook.url()).isEqualTo(WEBHOOK_URL);
        assertThat(hook.secretToken()).matches("[0-9a-f]{64}");
        assertThat(hook.allowedUpdates()).containsExactly("message", "callback_query");
        assertThat(hook.maxConnections()).isEqualTo(1);
        // the generated secret is the one saved for the next start
        assertThat(saved).containsExactly(Map.entry("channels.telegram webhook_secret", hook.secretToken()));
        assertThat(telegram.calls("getUpdates")).isEmpty();

        // someone who knows the address but not the secret
        long first = telegram.userSends(OWNER, "first");
        assertThat(telegram.postToWebhook(server.endpoint(), first, null)).isEqualTo(401);
        assertThat(telegram.postToWebhook(server.endpoint(), first, "a-guess")).isEqualTo(401);
        sleep(200);
        assertThat(gateway.received).isEmpty();

        // handed over, but the 200 never reached Telegram, which delivers it again
        assertThat(postBehindTelegramsBack(server.endpoint(), telegram.pendingUpdates().get(0), hook.secretToken()))
                .isEqualTo(200);
        assertThat(telegram.awaitBotMessages(OWNER, 1, WAIT).get(0).text()).isEqualTo("re: first");
        long second = telegram.userSends(OWNER, "second");
        assertThat(telegram.postToWebhook(server.endpoint(), first, hook.secretToken())).isEqualTo(200);
        assertThat(telegram.postToWebhook(server.endpoint(), second, hook.secretToken())).isEqualTo(200);
        assertThat(telegram.awaitBotMessages(OWNER, 2, WAIT).get(1).text()).isEqualTo("re: second");
        assertThat(gateway.received).extracting(InboundMessage::text).containsExactly("first", "second");
        assertThat(telegram.unconfirmedUpdates()).isZero();

        // cron deliveries work in webhook mode too
        channel.deliver("telegram:" + OWNER, "from cron");
        assertThat(telegram.awaitBotMessages(OWNER, 3, WAIT).get(2).text()).isEqualTo("from cron");

        // one more handed over whose 200 got lost; then the daemon stops, and the next one polls
        long third = telegram.userSends(OWNER, "third");
        assertThat(postBehindTelegramsBack(server.endpoint(), telegram.pendingUpdates().get(0), hook.secretToken()))
                .isEqualTo(200);
        telegram.awaitBotMessages(OWNER, 4, WAIT);
        channel.stop();
        channels.remove(channel);
        assertThat(server.problem()).isNotNull(); // the servlet is gone with the channel
        assertThat(telegram.webhook()).isNotNull(); // stopping leaves it: Telegram keeps what arrives meanwhile
        telegram.userSends(OWNER, "fourth");

        TelegramChannel polling = start(OWNER);
        awaitPolling(polling);
        assertThat(telegram.awaitBotMessages(OWNER, 5, WAIT).get(4).text()).isEqualTo("re: fourth");
        sleep(500);
        assertThat(telegram.webhook()).isNull();
        assertThat(telegram.calls("deleteWebhook")).hasSize(1);
        assertThat(gateway.received).extracting(InboundMessage::text).containsExactly("first", "second", "third", "fourth");
        assertThat(telegram.chatLog(OWNER).stream().filter(ChatEntry::fromBot).map(ChatEntry::text))
                .containsExactly("re: first", "re: second", "from cron", "re: third", "re: fourth");
        assertThat(third).isGreaterThan(second);
    }

    @Test
    void webhookModeNeedsAServerAndAWebhookTelegramAccepts() throws Exception {
        TelegramChannel noServer = new TelegramChannel(gateway, new Pairings(home.resolve("telegram/pairing.json"), Clock.systemUTC()),
                config(true, TOKEN, telegram.apiUrl(), WEBHOOK_URL, "given-secret", OWNER),
                new TelegramChannel.Environment(home.resolve("telegram"), savedSecrets, true,
                        Duration.ofMillis(50), WebhookServer.none()));
        channels.add(noServer);
        assertThat(noServer.status()).isEqualTo("off (webhook mode needs the web chat's HTTP server (the web feature): "
                + "no HTTP server to serve the webhook)");

        TelegramChannel badSecret = new TelegramChannel(gateway, new Pairings(home.resolve("telegram/pairing.json"), Clock.systemUTC()),
                config(true, TOKEN, telegram.apiUrl(), WEBHOOK_URL, "with spaces", OWNER),
                new TelegramChannel.Environment(home.resolve("telegram"), savedSecrets, true,
                        Duration.ofMillis(50), new JettyWebhookServer<>(TelegramWebhook.PATH, 0, TelegramWebhookServlet::new)));
        channels.add(badSecret);
        assertThat(badSecret.status()).startsWith("off (webhook_secret may only hold");
        assertThat(saved).isEmpty();

        // Telegram itself accepts only HTTPS: its refusal stops the channel with its reason
        JettyWebhookServer<TelegramWebhook> server = new JettyWebhookServer<>(TelegramWebhook.PATH, 0, TelegramWebhookServlet::new);
        TelegramChannel plainHttp = new TelegramChannel(gateway, new Pairings(home.resolve("telegram/pairing.json"), Clock.systemUTC()),
                config(true, TOKEN, telegram.apiUrl(), "http://bot.example.org/hook", "given-secret", OWNER),
                new TelegramChannel.Environment(home.resolve("telegram"), savedSecrets, true,
                        Duration.ofMillis(50), server));
        channels.add(plainHttp);
        awaitStatus(plainHttp, "off");
        assertThat(plainHttp.status()).contains("Telegram refused the webhook").contains("HTTPS URL must be provided");
        assertThat(telegram.webhook()).isNull();
        long update = telegram.userSends(OWNER, "nobody listens");
        assertThat(telegram.postToWebhook(server.endpoint(), update, "given-secret")).isEqualTo(503);
        assertThat(gateway.received).isEmpty();
    }

    // ---------------------------------------------------------------- helpers

    static void awaitFile(Path file, String content) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                if (Files.exists(file) && Files.readString(file).strip().equals(content)) {
                    return;
                }
            } catch (java.io.IOException e) {
                // being replaced; read again
            }
            assertThat(System.nanoTime()).as("%s holds %s", file, content).isLessThan(deadline);
            sleep(20);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static TelegramChannel.Config config(boolean enabled, String token, String apiUrl, long... allowed) {
        return config(enabled, token, apiUrl, "", "", allowed);
    }

    /** With {@code webhook_url} and {@code webhook_secret}: webhook mode when the URL is not empty. */
    static TelegramChannel.Config config(boolean enabled, String token, String apiUrl, String webhookUrl, String webhookSecret,
            long... allowed) {
        return new TelegramChannel.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return TelegramChannel.Config.class;
            }

            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public String _token() {
                return token;
            }

            @Override
            public String api_url() {
                return apiUrl;
            }

            @Override
            public long[] allowed_users() {
                return allowed;
            }

            @Override
            public int poll_timeout_secs() {
                return 2;
            }

            @Override
            public String webhook_url() {
                return webhookUrl;
            }

            @Override
            public String _webhook_secret() {
                return webhookSecret;
            }
        };
    }

    /** @return the agent's stand-in, answering "ok" unless a test scripts otherwise */
    static ScriptedGateway okGateway() {
        ScriptedGateway gateway = new ScriptedGateway();
        gateway.answer((message, sink) -> AgentReply.answer(message.conversationKey(), "ok"));
        return gateway;
    }

    /** A session router that numbers fresh sessions. */
    static final class RecordingRouter implements SessionRouter {
        final List<String> started = new CopyOnWriteArrayList<>();
        final Map<String, String> current = new ConcurrentHashMap<>();

        @Override
        public String currentSession(String conversationKey) {
            return current.getOrDefault(conversationKey, conversationKey);
        }

        @Override
        public String newSession(String conversationKey) {
            started.add(conversationKey);
            String id = conversationKey + "#" + (started.size() + 1);
            current.put(conversationKey, id);
            return id;
        }

        @Override
        public void switchSession(String conversationKey, String sessionId) {
            current.put(conversationKey, sessionId);
        }
    }
}
