package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.FakeTelegramServer;
import org.openpista.testkit.FakeTelegramServer.ChatEntry;
import org.openpista.testkit.FakeTelegramServer.Failure;
import org.openpista.testkit.ImageData;
import org.openpista.testkit.RecordedRequest;

/**
 * The Telegram channel end to end: the real daemon ({@code openpista start}, {@code openpista
 * telegram start}) against the fake Bot API and a fake LLM, driven as Telegram users would.
 */
class TelegramIT {

    private static final String TOKEN = "7000000001:IT-secret-token_xyz";
    private static final long ALICE = 1001;
    private static final long BOB = 1002;
    private static final long STRANGER = 666;
    private static final Duration WAIT = Duration.ofSeconds(40);

    // a Unix socket path must stay under 108 bytes: the system's temporary folder is short enough
    @TempDir
    Path home;

    @AutoClose
    ChannelFixture fixture;
    FakeOpenAiServer llm;
    FakeTelegramServer telegram;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ChannelFixture(home);
        llm = fixture.llm;
        telegram = fixture.owns(new FakeTelegramServer(TOKEN));
        writeConfig(true);
    }

    void writeConfig(boolean enabled) throws IOException {
        writeConfig(enabled, TOKEN);
    }

    void writeConfig(boolean enabled, String token) throws IOException {
        fixture.writeConfig("""
                [channels.web]
                enabled = false

                [channels.telegram]
                enabled = %s
                token = "%s"
                api_url = "%s"
                allowed_users = [%d, %d]
                """.formatted(enabled, token, telegram.apiUrl(), ALICE, BOB));
    }

    void startDaemon() throws Exception {
        Result started = fixture.openpista("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        awaitPolling();
    }

    void awaitPolling() throws InterruptedException {
        DaemonIT.await("the bot polls", WAIT, () -> telegram.pollsStarted() > 0);
    }

    List<String> botTexts(long chat) {
        return telegram.chatLog(chat).stream().filter(ChatEntry::fromBot).map(ChatEntry::text).toList();
    }

    String sessionOf(String userText) throws Exception {
        try (Connection db = new org.sqlite.JDBC().connect("jdbc:sqlite:" + home.resolve("memory.db"), new Properties());
                PreparedStatement query = db.prepareStatement("SELECT session_id FROM messages WHERE role = 'user' AND content = ?")) {
            query.setString(1, userText);
            try (ResultSet result = query.executeQuery()) {
                assertThat(result.next()).as("a stored message %s", userText).isTrue();
                return result.getString(1);
            }
        }
    }

    @Test
    void chatsKeepTheirOwnSessionsStrangersArePairedLongAnswersSplitAndButtonsApproveTools() throws Exception {
        startDaemon();

        // two chats at the same time
        telegram.userSends(ALICE, "hello from alice");
        telegram.userSends(BOB, "hello from bob");
        assertThat(telegram.awaitBotMessages(ALICE, 1, WAIT).get(0).text()).isEqualTo("echo: hello from alice");
        assertThat(telegram.awaitBotMessages(BOB, 1, WAIT).get(0).text()).isEqualTo("echo: hello from bob");
        telegram.userSends(ALICE, "second from alice");
        assertThat(telegram.awaitBotMessages(ALICE, 2, WAIT).get(1).text()).isEqualTo("echo: second from alice");
        assertThat(fixture.stored("telegram:" + ALICE)).containsExactly("user: hello from alice", "assistant: echo: hello from alice",
                "user: second from alice", "assistant: echo: second from alice");
        assertThat(fixture.stored("telegram:" + BOB)).containsExactly("user: hello from bob", "assistant: echo: hello from bob");
        assertThat(telegram.calls("sendChatAction")).isNotEmpty();

        // a stranger gets a pairing code and nothing else
        telegram.userSends(STRANGER, "run: cat /etc/passwd");
        String notice = telegram.awaitBotMessages(STRANGER, 1, WAIT).get(0).text();
        Matcher code = Pattern.compile("pair approve ([A-Z0-9]{4}-[A-Z0-9]{4})").matcher(notice);
        assertThat(code.find()).as(notice).isTrue();
        assertThat(llm.requests()).noneMatch(request -> request.body().contains("/etc/passwd"));
        Result wrong = fixture.openpista("shell", "-c", "openpista:pair approve AAAA-BBBB");
        assertThat(wrong.exitCode()).as(wrong.toString()).isEqualTo(1);
        assertThat(wrong.stderr()).contains("no pairing request with code AAAA-BBBB");
        Result listed = fixture.openpista("shell", "-c", "openpista:pair");
        assertThat(listed.stdout()).contains(code.group(1)).contains("user id " + STRANGER);
        Result approved = fixture.openpista("shell", "-c", "openpista:pair approve " + code.group(1));
        assertThat(approved.exitCode()).as(approved.toString()).isZero();
        assertThat(approved.stdout()).contains("approved Telegram user id " + STRANGER);
        assertThat(telegram.awaitBotMessages(STRANGER, 2, WAIT).get(1).text()).contains("approved");
        telegram.userSends(STRANGER, "now may I?");
        assertThat(telegram.awaitBotMessages(STRANGER, 3, WAIT).get(2).text()).isEqualTo("echo: now may I?");
        assertThat(Files.readString(home.resolve("telegram/pairing.json"))).contains("\"user_id\" : " + STRANGER);

        // a long answer comes as several messages, cut between paragraphs
        String paragraph = "The quick brown fox jumps over the lazy dog. ".repeat(20).strip();
        String longAnswer = String.join("\n\n", java.util.Collections.nCopies(8, paragraph));
        llm.enqueue(FakeReply.text(longAnswer));
        telegram.userSends(BOB, "tell me a long story");
        List<ChatEntry> parts = telegram.awaitBotMessages(BOB, 3, WAIT);
        DaemonIT.await("the whole answer", WAIT, () -> String.join("\n\n", botTexts(BOB).subList(1, botTexts(BOB).size()))
                .equals(longAnswer));
        assertThat(parts.subList(1, parts.size())).allSatisfy(part -> assertThat(part.text().length()).isLessThanOrEqualTo(4096));

        // a tool call is asked with buttons; only the owner's press counts
        telegram.userSends(ALICE, "run: echo forty-$((40+2))");
        DaemonIT.await("the approval question", WAIT, () -> botTexts(ALICE).size() >= 3);
        ChatEntry question = telegram.chatLog(ALICE).stream().filter(ChatEntry::fromBot).toList().get(2);
        assertThat(question.text()).contains("system.run").contains("echo forty-$((40+2))");
        JsonNode rows = question.keyboard().path("inline_keyboard");
        String allow = rows.get(0).get(0).path("callback_data").asText();
        telegram.userPresses(ALICE, 4242, question.messageId(), allow); // someone who is no owner of the bot
        telegram.awaitCall("answerCallbackQuery", call -> call.param("text").contains("Only the owner"), WAIT);
        telegram.userPresses(ALICE, ALICE, question.messageId(), allow);
        List<ChatEntry> afterApproval = telegram.awaitBotMessages(ALICE, 4, WAIT);
        assertThat(afterApproval.get(3).text()).startsWith("The tool said:").contains("forty-42");
        telegram.awaitCall("editMessageText", call -> call.param("text").contains("Allowed."), WAIT);
        assertThat(telegram.chatLog(ALICE).get(question.messageId() - 1).keyboard().isMissingNode()).isTrue();

        // the model, shown and switched from the chat; the next turn uses it
        telegram.userSends(BOB, "/model");
        DaemonIT.await("the model", WAIT, () -> botTexts(BOB).stream().anyMatch(text -> text.startsWith("Model: openai / test-model")));
        telegram.userSends(BOB, "/model other-model");
        DaemonIT.await("the switch", WAIT, () -> botTexts(BOB).contains("✅ Model: openai / other-model"));
        telegram.userSends(BOB, "which model?");
        DaemonIT.await("an answer by the other model", WAIT, () -> botTexts(BOB).contains("echo: which model?"));
        assertThat(llm.lastRequest().json().path("model").asText()).isEqualTo("other-model");

        // /new: the chat goes on in a fresh session, the old one stays as it was
        int before = botTexts(ALICE).size();
        telegram.userSends(ALICE, "/new");
        telegram.userSends(ALICE, "fresh start");
        DaemonIT.await("the fresh answer", WAIT, () -> botTexts(ALICE).contains("echo: fresh start"));
        assertThat(botTexts(ALICE).subList(before, botTexts(ALICE).size())).containsExactly("🆕 New conversation started.",
                "echo: fresh start");
        String fresh = sessionOf("fresh start");
        assertThat(fresh).isNotEqualTo("telegram:" + ALICE);
        assertThat(fixture.stored(fresh)).containsExactly("user: fresh start", "assistant: echo: fresh start");
        assertThat(fixture.stored("telegram:" + ALICE)).doesNotContain("user: fresh start");

        // the running daemon reports the bot
        Result status = fixture.openpista("telegram", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("enabled: true").contains("polling as @" + FakeTelegramServer.BOT_USERNAME)
                .contains("1 user(s)").doesNotContain("IT-secret-token");
    }

    @Test
    void photosReachTheModelAsImagesAndBrokenOrHugeOnesAreRefusedUnstored() throws Exception {
        startDaemon();
        byte[] jpeg = WebUploadIT.picture(400, 300, "jpg");

        llm.enqueue(FakeReply.text("A chart with an orange bar."));
        telegram.userSendsPhoto(ALICE, "what is this?", jpeg, jpeg.length);

        assertThat(telegram.awaitBotMessages(ALICE, 1, WAIT).get(0).text()).isEqualTo("A chart with an orange bar.");
        assertThat(ImageData.inRequest(llm.lastRequest().json())).singleElement().satisfies(image -> {
            assertThat(image.mimeType()).isEqualTo("image/jpeg");
            assertThat(image.data()).hasSize(jpeg.length).isEqualTo(jpeg);
        });
        assertThat(telegram.downloads()).hasSize(1);

        // bytes that are no picture: refused by the agent, told to the sender, nothing stored
        int requests = llm.requests().size();
        telegram.userSendsPhoto(ALICE, "broken", "GIF-but-not-really".getBytes(java.nio.charset.StandardCharsets.UTF_8), 18);
        assertThat(telegram.awaitBotMessages(ALICE, 2, WAIT).get(1).text())
                .isEqualTo("❌ \"photo.jpg\" is not a valid image: its content is not PNG, JPEG, GIF or WebP");

        // a file above what bots may download: refused before any download
        telegram.userSendsPhoto(ALICE, "huge", new byte[] {1}, 30L * 1024 * 1024);
        assertThat(telegram.awaitBotMessages(ALICE, 3, WAIT).get(2).text()).startsWith("❌ the file is too large");
        assertThat(telegram.downloads()).hasSize(2);
        assertThat(llm.requests()).hasSize(requests);
        assertThat(fixture.stored("telegram:" + ALICE)).containsExactly("user: what is this?",
                "assistant: A chart with an orange bar.");
    }

    @Test
    void voiceNotesReachTheModelAsTheirTranscriptWhichTheUserSeesWithTheAnswer() throws Exception {
        startDaemon();
        byte[] ogg = oggVoice();
        llm.transcript("What is the weather in Seoul?");
        llm.enqueue(FakeReply.text("Sunny, 21 degrees."));

        telegram.userSendsVoice(ALICE, ogg, 2);

        String answer = telegram.awaitBotMessages(ALICE, 1, WAIT).get(0).text();
        assertThat(answer).startsWith("🎤 “What is the weather in Seoul?”").endsWith("Sunny, 21 degrees.");
        assertThat(llm.transcriptions()).singleElement().satisfies(heard -> {
            assertThat(heard.model()).isEqualTo("whisper-1");
            assertThat(heard.fileName()).isEqualTo("voice.ogg");
            assertThat(heard.contentType()).isEqualTo("audio/ogg");
            assertThat(heard.audio()).isEqualTo(ogg);
        });
        assertThat(lastUserText(llm.lastRequest())).isEqualTo("[Voice note, transcribed:] What is the weather in Seoul?");
        assertThat(telegram.downloads()).hasSize(1);
        assertThat(fixture.stored("telegram:" + ALICE)).containsExactly(
                "user: [Voice note, transcribed:] What is the weather in Seoul?", "assistant: Sunny, 21 degrees.");
    }

    @Test
    void aPdfReachesTheModelAsItsText() throws Exception {
        startDaemon();
        llm.enqueue(FakeReply.text("420 EUR, due on the 31st."));

        telegram.userSendsDocument(ALICE, "what is due?", "invoice.pdf", "application/pdf",
                pdf("Invoice 2026-117", "Total due: 420 EUR"));

        assertThat(telegram.awaitBotMessages(ALICE, 1, WAIT).get(0).text()).isEqualTo("420 EUR, due on the 31st.");
        assertThat(lastUserText(llm.lastRequest())).startsWith("what is due?\n\n[Attached file invoice.pdf (application/pdf),"
                + " its text:]\n").contains("Invoice 2026-117").contains("Total due: 420 EUR");
    }

    @Test
    void imagesAToolProducesGoBackAsPhotos() throws Exception {
        // a skill standing in for a screenshot tool: its result carries a PNG as data_b64, as screen.capture's does
        byte[] png = WebUploadIT.picture(320, 200, "png");
        Path skill = Files.createDirectories(home.resolve("workspace").resolve("skills").resolve("chart"));
        Files.writeString(skill.resolve("SKILL.md"), """
                ---
                name: chart
                description: Draws the chart.
                mode: subprocess
                timeout: 30
                ---
                Call it to draw the chart.
                """);
        Files.writeString(skill.resolve("run.sh"), "printf '%s' '{\"name\":\"chart.png\",\"mime_type\":\"image/png\","
                + "\"data_b64\":\"" + java.util.Base64.getEncoder().encodeToString(png) + "\"}'\n");
        Files.writeString(home.resolve("config.toml"), "approval = \"auto\"\n", java.nio.file.StandardOpenOption.APPEND);
        startDaemon();
        llm.enqueue(FakeReply.toolCall("skill.chart", "{}"), FakeReply.text("Here is the chart."));

        telegram.userSends(ALICE, "draw the chart");

        FakeTelegramServer.Call photo = telegram.awaitCall("sendPhoto", call -> true, WAIT);
        assertThat(photo.upload("photo")).isEqualTo(png);
        List<ChatEntry> sent = telegram.awaitBotMessages(ALICE, 2, WAIT);
        assertThat(sent.get(0).text()).isEqualTo("Here is the chart.");
        assertThat(sent.get(1).photo()).isTrue();
        // the model saw a note, not megabytes of base64
        String toolResult = llm.lastRequest().json().path("messages").toString();
        assertThat(toolResult).contains("bytes, shown to the user as an image").doesNotContain(
                java.util.Base64.getEncoder().encodeToString(png).substring(0, 64));
    }

    /** @return a small PDF of one page, its lines in Helvetica, with a correct cross-reference table */
    static byte[] pdf(String... lines) {
        StringBuilder content = new StringBuilder("BT /F1 12 Tf 72 720 Td 14 TL\n");
        for (String line : lines) {
            content.append('(').append(line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")).append(") Tj T*\n");
        }
        content.append("ET\n");
        List<String> objects = List.of("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
                        + " /Resources << /Font << /F1 5 0 R >> >> >>",
                "<< /Length " + content.length() + " >>\nstream\n" + content + "endstream",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        List<Integer> offsets = new ArrayList<>();
        for (int i = 0; i < objects.size(); i++) {
            offsets.add(pdf.length());
            pdf.append(i + 1).append(" 0 obj\n").append(objects.get(i)).append("\nendobj\n");
        }
        int xref = pdf.length();
        pdf.append("xref\n0 ").append(objects.size() + 1).append("\n0000000000 65535 f \n");
        for (int offset : offsets) {
            pdf.append("%010d 00000 n \n".formatted(offset));
        }
        pdf.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root 1 0 R >>\nstartxref\n").append(xref)
                .append("\n%%EOF\n");
        return pdf.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** @return the first page of an Ogg Opus stream: what Telegram's voice notes start with */
    static byte[] oggVoice() {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("OggS".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x2A, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 19});
        out.writeBytes("OpusHead".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {1, 1, 0x38, 1, (byte) 0x80, (byte) 0xBB, 0, 0, 0, 0, 0});
        return out.toByteArray();
    }

    @Test
    void failuresRateLimitsAndRestartsNeitherLoseNorRepeatMessages() throws Exception {
        writeConfig(false); // telegram start runs the bot even when the file does not enable it
        Process daemon = telegramStart();
        awaitPolling();

        telegram.failNext("getUpdates", Failure.status(502, "Bad Gateway"), Failure.disconnect(), Failure.tooManyRequests(1),
                Failure.status(500, "Internal Server Error"));
        telegram.failNext("sendMessage", Failure.tooManyRequests(1), Failure.disconnect(), Failure.status(503, "Service Unavailable"));
        for (int i = 1; i <= 4; i++) {
            telegram.userSends(ALICE, "message " + i);
        }
        DaemonIT.await("four answers", WAIT, () -> botTexts(ALICE).size() >= 4);
        // one long poll may bring all four before the failing polls are through (each failure waits its backoff)
        DaemonIT.await("the failing polls", WAIT, () -> telegram.failuresLeft("getUpdates") == 0);

        Result stop = fixture.openpista("stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(daemon.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // written while the daemon is down
        telegram.userSends(ALICE, "message 5");
        telegram.userSends(BOB, "message 6");

        writeConfig(false, ""); // this time the token comes from the command line
        Result noToken = fixture.openpista("telegram", "start");
        assertThat(noToken.exitCode()).as(noToken.toString()).isEqualTo(2);
        assertThat(noToken.stderr()).contains("no bot token");
        telegramStart("--token", TOKEN);
        telegram.awaitBotMessages(BOB, 1, WAIT);
        DaemonIT.await("five answers for alice", WAIT, () -> botTexts(ALICE).size() >= 5);
        Thread.sleep(1000); // a repeat would show up by now
        // (the fake fails a request before acting on it, so a retried answer is not doubled either)
        assertThat(botTexts(ALICE)).containsExactly("echo: message 1", "echo: message 2", "echo: message 3", "echo: message 4",
                "echo: message 5");
        assertThat(botTexts(BOB)).containsExactly("echo: message 6");
        fixture.assertMessagesAskedOnce(6);
        assertThat(telegram.unconfirmedUpdates()).isZero();
    }

    @Test
    void aStopWhileTheBotIsStillConnectingEndsTelegramStartAtOnce() throws Exception {
        int closed = WebDaemon.freePort(); // nothing listens there
        Files.writeString(home.resolve("config.toml"), Files.readString(home.resolve("config.toml"))
                .replace(telegram.apiUrl(), "http://127.0.0.1:" + closed));
        StringBuffer output = new StringBuffer();
        Process daemon = fixture.launch(output, List.of("telegram", "start"), "--token", TOKEN);
        Path logFile = home.resolve("logs/openpista.0.log");
        DaemonIT.await("the bot tries to connect:\n" + output, WAIT,
                () -> logged(logFile).contains("Telegram getMe failed") || !daemon.isAlive());
        assertThat(daemon.isAlive()).as(output.toString()).isTrue();

        daemon.destroy(); // SIGTERM, while start-up waits for the bot

        assertThat(daemon.waitFor(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as(output.toString()).isTrue();
        String log = Files.readString(logFile);
        assertThat(log).as("it stopped without becoming ready first").contains("Stopped while starting")
                .doesNotContain("ready in").doesNotContain("IT-secret-token");
        assertThat(output.toString()).doesNotContain("openpista: ready").doesNotContain("is listening");
        assertThat(home.resolve("openpista.pid")).doesNotExist();
        Result status = fixture.openpista("telegram", "status");
        assertThat(status.stdout()).contains("running: no daemon");
    }

    @Test
    void setupChecksTheTokenBeforeSavingAndStatusShowsTheConfiguration() throws Exception {
        fixture.writeSetupConfig("""
                [channels.telegram]
                api_url = "%s"
                """.formatted(telegram.apiUrl()));

        Result refused = fixture.openpista("telegram", "setup", "--token", "123:wrong");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("Telegram refused the token").contains("401").contains("nothing was saved");
        assertThat(Files.readString(home.resolve("config.toml"))).doesNotContain("123:wrong");
        Result garbage = fixture.openpista("telegram", "setup", "--token", "not a token");
        assertThat(garbage.exitCode()).isEqualTo(2);

        Result setup = fixture.openpista("telegram", "setup", "--token", TOKEN, "--allow", ALICE + "," + BOB);
        assertThat(setup.exitCode()).as(setup.toString()).isZero();
        assertThat(setup.stdout()).contains("Bot @" + FakeTelegramServer.BOT_USERNAME + " verified");
        String config = Files.readString(home.resolve("config.toml"));
        assertThat(config).startsWith("# my settings").contains("token = \"" + TOKEN + "\"").contains("enabled = true")
                .contains("allowed_users = [" + ALICE + ", " + BOB + "]").contains("api_url = \"" + telegram.apiUrl() + "\"");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("config.toml"))))
                .isEqualTo("rw-------");
        assertThat(telegram.calls("getMe")).hasSize(2);

        Result status = fixture.openpista("telegram", "status", "--check");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("enabled: true").contains("token:   set (config.toml, bot id 7000000001")
                .contains("allowed: " + ALICE + ", " + BOB).contains("updates: long polling").contains("token valid, bot @" + FakeTelegramServer.BOT_USERNAME)
                .contains("running: no daemon").doesNotContain("IT-secret-token");
    }

    @Test
    void webhookModeServesUpdatesOnTheWebServerWithTheGeneratedSecretOnlyAndLosesNothingAcrossARestart() throws Exception {
        int port = WebDaemon.freePort();
        String hookUrl = "https://bot.example.org/webhooks/telegram";
        Files.writeString(home.resolve("config.toml"), """
                # my settings
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-test-secret-123"

                [channels.web]
                enabled = true
                port = %d

                [channels.telegram]
                enabled = true
                token = "%s"
                api_url = "%s"
                allowed_users = [%d, %d]
                webhook_url = "%s"
                """.formatted(llm.baseUrl(), port, TOKEN, telegram.apiUrl(), ALICE, BOB, hookUrl));
        Result started = fixture.openpista("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();

        FakeTelegramServer.Webhook hook = telegram.awaitWebhook(WAIT);
        assertThat(hook.url()).isEqualTo(hookUrl);
        assertThat(hook.allowedUpdates()).containsExactly("message", "callback_query");
        String secret = hook.secretToken();
        assertThat(secret).matches("[0-9a-f]{64}");
        String config = Files.readString(home.resolve("config.toml"));
        assertThat(config).startsWith("# my settings").contains("webhook_secret = \"" + secret + "\"");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("config.toml"))))
                .isEqualTo("rw-------");
        assertThat(telegram.pollsStarted()).isZero();

        // the web chat's server serves the webhook; only the exact secret gets through
        URI endpoint = URI.create("http://127.0.0.1:" + port + "/webhooks/telegram");
        long first = telegram.userSends(ALICE, "hello through the webhook");
        assertThat(telegram.postToWebhook(endpoint, first, null)).isEqualTo(401);
        assertThat(telegram.postToWebhook(endpoint, first, "not-the-secret")).isEqualTo(401);
        assertThat(telegram.postToWebhook(endpoint, first, secret.substring(1))).isEqualTo(401);
        assertThat(botTexts(ALICE)).isEmpty();
        assertThat(llm.requests()).noneMatch(request -> request.body().contains("hello through the webhook"));
        assertThat(telegram.postToWebhook(endpoint, first, secret)).isEqualTo(200);
        assertThat(telegram.awaitBotMessages(ALICE, 1, WAIT).get(0).text()).isEqualTo("echo: hello through the webhook");

        // from now on the fake delivers as Telegram does, retrying what fails
        telegram.forwardWebhookTo(endpoint);
        telegram.userSends(BOB, "bob one");
        telegram.userSends(ALICE, "alice two");
        DaemonIT.await("both answers", WAIT, () -> botTexts(BOB).contains("echo: bob one") && botTexts(ALICE).size() >= 2);
        Result status = fixture.openpista("telegram", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("webhook as @" + FakeTelegramServer.BOT_USERNAME)
                .contains("updates: webhook " + hookUrl + " (served at /webhooks/telegram of the web chat's server)")
                .doesNotContain(secret).doesNotContain("IT-secret-token");

        // written while the daemon is down: Telegram keeps it and delivers it once the daemon is back
        Result stop = fixture.openpista("stop");
        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        telegram.userSends(ALICE, "while you were away");
        DaemonIT.await("a failed delivery", WAIT, () -> telegram.webhookDeliveries().stream()
                .anyMatch(delivery -> !delivery.accepted() && delivery.secretToken() != null));
        // back in the foreground this time: telegram start brings the web chat's server along for the webhook
        telegramStart();
        DaemonIT.await("the answer after the restart", WAIT, () -> botTexts(ALICE).contains("echo: while you were away"));
        assertThat(Files.readString(home.resolve("config.toml"))).contains("webhook_secret = \"" + secret + "\"");
        assertThat(telegram.awaitWebhook(WAIT).secretToken()).isEqualTo(secret);
        Thread.sleep(1000); // a repeat would show up by now
        assertThat(botTexts(ALICE)).containsExactly("echo: hello through the webhook", "echo: alice two",
                "echo: while you were away");
        assertThat(botTexts(BOB)).containsExactly("echo: bob one");
        assertThat(telegram.unconfirmedUpdates()).isZero();
        assertThat(telegram.pollsStarted()).isZero();
        assertThat(Files.readString(home.resolve("logs/openpista.0.log"))).doesNotContain(secret);
    }

    Process telegramStart(String... options) throws Exception {
        StringBuffer output = new StringBuffer();
        Process process = fixture.launchUntil("is listening", WAIT, output, List.of("telegram", "start"), options);
        assertThat(output.toString()).contains("Telegram bot @" + FakeTelegramServer.BOT_USERNAME + " is listening")
                .doesNotContain("IT-secret-token");
        return process;
    }

    static String logged(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static String lastUserText(RecordedRequest request) {
        JsonNode messages = request.json().path("messages");
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).path("role").asText().equals("user")) {
                return messages.get(i).path("content").asText();
            }
        }
        return "";
    }
}
