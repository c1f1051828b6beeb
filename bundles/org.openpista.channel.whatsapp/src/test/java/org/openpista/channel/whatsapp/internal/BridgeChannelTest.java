package org.openpista.channel.whatsapp.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.decoder.Decoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.pairing.PairingState.Phase;
import org.openpista.api.pairing.QrCode;
import org.openpista.testkit.FakeWhatsAppBridge;

/** The bridge mode against a fake bridge: a real process speaking the JSON-lines protocol. */
class BridgeChannelTest {

    private static final String BOB = "4917000000001";
    private static final String OWNER = "4915112345678";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    Path session;
    Path bridgeScript;
    RecordingGateway gateway = new RecordingGateway();
    BridgeChannel channel;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void fakeBridge() throws IOException {
        session = Files.createDirectories(dir.resolve("session"));
        bridgeScript = FakeWhatsAppBridge.install(dir);
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.close();
        }
    }

    void start(String... allowed) {
        channel = new BridgeChannel(gateway, Allowlist.of(List.of(allowed)),
                BridgeSupervisor.commandFor(bridgeScript, session), BridgeInstaller.none(), Duration.ofMillis(50),
                Clock.systemUTC(), session);
        channel.start();
    }

    void script(String name, String... lines) throws IOException {
        Files.writeString(session.resolve(name), String.join("\n", lines) + "\n");
    }

    /** The bundled bridge's connected event: it confirms every send. */
    static String connected() {
        return "{\"type\":\"connected\",\"phone\":\"" + OWNER + "\",\"name\":\"Ada\",\"confirms\":true}";
    }

    static String message(String from, String text, boolean selfChat) {
        return "{\"type\":\"message\",\"from\":\"" + from + "@s.whatsapp.net\",\"text\":\"" + text
                + "\",\"timestamp\":1700000000,\"selfChat\":" + selfChat + ",\"id\":\"M-" + text.hashCode() + "\"}";
    }

    List<JsonNode> commands() throws IOException {
        Path file = session.resolve("commands");
        List<JsonNode> commands = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                commands.add(json.readTree(line));
            }
        }
        return commands;
    }

    List<String> sentTexts() throws IOException {
        return commands().stream().filter(c -> c.path("type").asText().equals("send"))
                .map(c -> c.path("text").asText()).toList();
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    int sentCount() {
        try {
            return sentTexts().size();
        } catch (IOException e) {
            return -1;
        }
    }

    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};

    static String mediaMessage(String from, String caption, String media) {
        return "{\"type\":\"message\",\"from\":\"" + from + "@s.whatsapp.net\",\"text\":\"" + caption
                + "\",\"timestamp\":1700000000,\"selfChat\":false,\"id\":\"MM-" + media.hashCode() + "\",\"media\":" + media
                + "}";
    }

    @Test
    void aPhotoFromTheBridgeReachesTheAgentAsAnAttachmentAndItsFileIsDeleted() throws Exception {
        Files.write(session.resolve("photo.src"), JPEG);
        script("start", connected(), "@copy photo.src p1", mediaMessage(BOB, "what is this?",
                "{\"kind\":\"image\",\"mimetype\":\"image/jpeg\",\"file\":\"media-in/p1\"}"));
        start(BOB);

        await("the photo reaches the agent", () -> gateway.messages.size() == 1);
        InboundMessage message = gateway.messages.get(0);
        assertThat(message.text()).isEqualTo("what is this?");
        assertThat(message.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.mimeType()).isEqualTo("image/jpeg");
            assertThat(attachment.name()).isEqualTo("photo.jpg");
            assertThat(attachment.data()).isEqualTo(JPEG);
        });
        assertThat(session.resolve("media-in/p1")).as("read once, then deleted").doesNotExist();
    }

    @Test
    void aMessageOfTheChannelsOwnEchoedBackNeverAnswersAQuestion() throws Exception {
        // the bridge echoes the question itself and a "1" the channel sent, both with the ids it gave them
        Files.writeString(session.resolve("when"), "Reply 1 to allow\t" + quotedReply(OWNER, "1", "{id}").replace(
                "\"quoted\":\"{id}\"", "\"quoted\":\"\"").replace("\"selfChat\":false", "\"selfChat\":true") + "\n");
        script("start", connected(), message(OWNER, "list my files", true));
        gateway.answering(message -> null);
        start();
        await("the message reaches the agent", () -> gateway.sinks.size() == 1);

        var decision = gateway.sinks.get(0).requestApproval(new org.openpista.api.approval.ApprovalRequest("s1", "whatsapp",
                new org.openpista.api.chat.ToolCall("call-1", "system.run", "{}"))).toCompletableFuture();

        await("the question is sent", () -> sentCount() == 1);
        Thread.sleep(500);
        assertThat(decision).as("the echo of the channel's own message answered nothing").isNotDone();
        channel.close();
        assertThat(decision).as("the channel stopped: the question ended unanswered").isCompletedExceptionally();
    }

    @Test
    void aFileTheAgentRefusesIsAnsweredWithItsReason() throws Exception {
        Files.write(session.resolve("photo.src"), "not a picture".getBytes(StandardCharsets.UTF_8));
        gateway.answering(message -> {
            throw new IllegalArgumentException("\"photo.jpg\" is not a valid image: its content is not PNG, JPEG, GIF or WebP");
        });
        script("start", connected(), "@copy photo.src p1", mediaMessage(BOB, "",
                "{\"kind\":\"image\",\"mimetype\":\"image/jpeg\",\"file\":\"media-in/p1\"}"));
        start(BOB);

        await("the refusal is sent", () -> sentCount() == 1);
        assertThat(sentTexts()).containsExactly(
                "❌ \"photo.jpg\" is not a valid image: its content is not PNG, JPEG, GIF or WebP");
        assertThat(session.resolve("media-in/p1")).doesNotExist();
    }

    @Test
    void aVoiceNoteReachesTheAgentAsARecordingToTranscribe() throws Exception {
        byte[] ogg = {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0};
        Files.write(session.resolve("voice.src"), ogg);
        script("start", connected(), "@copy voice.src v1", mediaMessage(BOB, "",
                "{\"kind\":\"voice\",\"mimetype\":\"audio/ogg\",\"file\":\"media-in/v1\"}"));
        start(BOB);

        await("the voice note reaches the agent", () -> gateway.messages.size() == 1);
        assertThat(gateway.messages.get(0).attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.mimeType()).isEqualTo("audio/ogg");
            assertThat(attachment.name()).isEqualTo("voice.ogg");
            assertThat(attachment.data()).isEqualTo(ogg);
        });
    }

    @Test
    void refusedMediaAreToldWithTheReasonNothingReachesTheAgentAndNoFileStays() throws Exception {
        Files.write(session.resolve("photo.src"), JPEG);
        script("start", connected(),
                "@copy photo.src stranger",
                mediaMessage("4900000000066", "", "{\"kind\":\"image\",\"mimetype\":\"image/jpeg\",\"file\":\"media-in/stranger\"}"),
                mediaMessage(BOB, "", "{\"kind\":\"image\",\"mimetype\":\"image/jpeg\",\"error\":\"the file is too large (25.0 MB; at most 20.0 MB are taken)\"}"),
                mediaMessage(BOB, "", "{\"kind\":\"voice\",\"mimetype\":\"audio/ogg\",\"file\":\"media-in/none\"}"),
                mediaMessage(BOB, "", "{\"kind\":\"video\",\"mimetype\":\"video/mp4\"}"),
                mediaMessage(BOB, "", "{\"kind\":\"image\",\"mimetype\":\"image/jpeg\",\"file\":\"media-in/../photo.src\"}"));
        start(BOB);

        await("four notices are sent", () -> sentCount() == 4);
        assertThat(sentTexts()).containsExactly(
                "❌ the file is too large (25.0 MB; at most 20.0 MB are taken)",
                "❌ the bridge's file of the message is missing",
                WhatsAppMedia.UNREADABLE,
                "❌ the bridge named a file outside media-in; it was not read");
        assertThat(gateway.messages).isEmpty();
        assertThat(session.resolve("media-in/stranger")).as("a stranger's file is deleted unread").doesNotExist();
        assertThat(session.resolve("photo.src")).as("a file outside media-in is left alone").exists();
        assertThat(commands()).allSatisfy(command -> assertThat(command.path("to").asText()).startsWith(BOB));
    }

    @Test
    void aNumberedReplyQuotingTheQuestionApprovesExactlyThatCallAndStaleOrForeignRepliesChangeNothing() throws Exception {
        String other = "4917000000002";
        // the user answers the question by quoting it: first someone else, then the asked number, then again (stale)
        Files.writeString(session.resolve("when"), String.join("\n",
                "Reply 1 to allow\t" + quotedReply(other, "1", "Q1"),
                "Reply 1 to allow\t" + quotedReply(BOB, "1", "Q2"),
                "Allowed: system.run\t" + quotedReply(BOB, "2", "Q3").replace("{id}", "ID" + "r1")) + "\n");
        script("start", connected(), message(BOB, "list my files", false));
        gateway.answering(message -> null);
        start(BOB, other);
        await("the message reaches the agent", () -> gateway.sinks.size() == 1);

        var decision = gateway.sinks.get(0).requestApproval(new org.openpista.api.approval.ApprovalRequest("s1", "whatsapp",
                new org.openpista.api.chat.ToolCall("call-1", "system.run", "{\"command\":\"ls\"}")));

        assertThat(decision.toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(org.openpista.api.approval.ApprovalDecision.APPROVE);
        await("the outcome and the two refusals are sent", () -> sentCount() == 4);
        List<String> texts = sentTexts();
        assertThat(texts.get(0)).startsWith("🔐 Allow this tool call?\nsystem.run\n{\"command\":\"ls\"}")
                .endsWith("Reply 1 to allow, 2 to deny, 3 to allow system.run for the rest of this chat.");
        assertThat(texts).contains("This question was not asked to you: nothing was changed.", "✅ Allowed: system.run",
                "This question is no longer open: nothing was changed.");
        assertThat(gateway.messages).as("no answer went to the agent as a message").hasSize(1);
    }

    static String quotedReply(String from, String text, String id) {
        return "{\"type\":\"message\",\"from\":\"" + from + "@s.whatsapp.net\",\"text\":\"" + text
                + "\",\"timestamp\":1700000000,\"selfChat\":false,\"id\":\"" + id + "\",\"quoted\":\"{id}\"}";
    }

    @Test
    void anImageOfTheTurnGoesBackAsAnImageMessageWhereTheBridgeTakesThem() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3};
        gateway.answering(message -> new AgentReply(message.conversationKey(), "here it is", false,
                List.of(new org.openpista.api.chat.Attachment("image/png", "screen.png", png))));
        script("start", connected().replace("}", ",\"media\":true}"), message(BOB, "screenshot please", false));
        start(BOB);

        await("the text and the image are sent", () -> {
            try {
                return commands().size() >= 2;
            } catch (IOException e) {
                return false;
            }
        });
        List<JsonNode> commands = commands();
        assertThat(commands.get(0).path("text").asText()).isEqualTo("here it is");
        assertThat(commands.get(1).path("type").asText()).isEqualTo("send_image");
        assertThat(commands.get(1).path("to").asText()).isEqualTo(BOB + "@s.whatsapp.net");
        assertThat(commands.get(1).path("mimetype").asText()).isEqualTo("image/png");
        assertThat(java.util.Base64.getDecoder().decode(commands.get(1).path("data").asText())).isEqualTo(png);
    }

    @Test
    void aBridgeWithoutMediaGetsALineSayingWhatTheImageWas() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3};
        gateway.answering(message -> new AgentReply(message.conversationKey(), "here it is", false,
                List.of(new org.openpista.api.chat.Attachment("image/png", "screen.png", png))));
        script("start", connected(), message(BOB, "screenshot please", false));
        start(BOB);

        await("two texts are sent", () -> sentCount() == 2);
        assertThat(sentTexts()).containsExactly("here it is", "(screen.png, image/png, 11 bytes, cannot be shown here)");
    }

    @Test
    void aQrCodeBecomesAScannablePairingState() throws Exception {
        String data = "2@y8+8RkQ0b1Bn3Zk9XyKQm6dWZ6b0Y7z,Xl7h1F0Zl0D7uH0m1Jk8QFq8i0C5T5QpR8c0zV3xv0Q=,"
                + "3m6s0Yw3JtYg7k7cH1e7I9t4f8d9J2lZ3H5gKx2mQ1s=,q0Wm6QwU3y0L9Y1W0b5k5Q==";
        script("start", "{\"type\":\"qr\",\"data\":\"" + data + "\"}");
        start();

        await("the QR code is shown", () -> channel.state().phase() == Phase.WAITING_FOR_SCAN);

        QrCode qr = channel.state().qr();
        assertThat(qr.data()).isEqualTo(data);
        assertThat(decode(qr)).isEqualTo(data);
        assertThat(qr.toTerminal()).contains("█").contains("▀");
        assertThat(channel.status()).contains("waiting for the QR code");
    }

    @Test
    void afterConnectingAMessageGoesToTheAgentAndTheAnswerBack() throws Exception {
        script("start", connected(), message(BOB, "hello agent", false));
        start(BOB);

        await("the answer is sent", () -> sentCount() == 1);

        assertThat(channel.state().phase()).isEqualTo(Phase.CONNECTED);
        assertThat(channel.state().account()).isEqualTo(OWNER);
        assertThat(channel.status()).isEqualTo("connected as +" + OWNER + " (Ada)");
        InboundMessage received = gateway.messages.get(0);
        assertThat(received.channel()).isEqualTo("whatsapp");
        assertThat(received.conversationKey()).isEqualTo("whatsapp:" + BOB);
        assertThat(received.senderId()).isEqualTo(BOB);
        assertThat(received.text()).isEqualTo("hello agent");
        assertThat(received.metadata()).containsKey("message.id");
        JsonNode send = commands().get(0);
        assertThat(send.path("to").asText()).isEqualTo(BOB + "@s.whatsapp.net");
        assertThat(send.path("text").asText()).isEqualTo("echo: hello agent");
        assertThat(send.path("ref").asText()).isNotEmpty();
    }

    @Test
    void aLongAnswerIsSentInOrderedPartsAndAFailedTurnWithTheErrorMark() throws Exception {
        String longAnswer = ("word ".repeat(1500)).strip();
        gateway.answering(message -> message.text().equals("long")
                ? AgentReply.answer("s", longAnswer)
                : AgentReply.failure("s", "the provider refused the request (HTTP 401)"));
        script("start", connected(), message(BOB, "long", false), message(BOB, "broken", false));
        start(BOB);

        await("three messages are sent", () -> sentCount() == 3);

        List<String> sent = sentTexts();
        assertThat(sent.get(0).length()).isLessThanOrEqualTo(TextSplitter.LIMIT);
        assertThat(sent.get(1).length()).isLessThanOrEqualTo(TextSplitter.LIMIT);
        assertThat(sent.get(0) + " " + sent.get(1)).isEqualTo(longAnswer);
        assertThat(sent.get(2)).isEqualTo("❌ the provider refused the request (HTTP 401)");
    }

    @Test
    void strangersAreIgnoredAndTheOwnersOwnChatIsAlwaysAllowed() throws Exception {
        script("start", connected(), message("4900000000099", "let me in", false),
                message(OWNER, "note to self", true), message(BOB, "from bob", false));
        start(BOB);

        await("two answers are sent", () -> sentCount() == 2);

        assertThat(gateway.messages).extracting(InboundMessage::text).containsExactly("note to self", "from bob");
        assertThat(sentTexts()).containsExactly("echo: note to self", "echo: from bob");
    }

    @Test
    void malformedLinesAreSkippedAndTheBridgeKeepsWorking() throws Exception {
        script("start", "this is not json", "[1,2,3]", "{\"no\":\"type\"}", "{\"type\":\"message\",\"text\":\"no sender\"}",
                "{\"type\":\"from-the-future\",\"x\":1}", "", connected(), message(BOB, "still here", false));
        start(BOB);

        await("the answer is sent", () -> sentCount() == 1);

        assertThat(gateway.messages).extracting(InboundMessage::text).containsExactly("still here");
        assertThat(Files.readString(session.resolve("runs")).strip()).isEqualTo("1");
    }

    @Test
    void aCrashedBridgeIsStartedAgainAndReconnects() throws Exception {
        script("start.1", connected(), "@exit 3");
        script("start.2", "@exit 1");
        script("start", connected(), message(BOB, "after the crash", false));
        start(BOB);

        await("the third run answers", () -> sentCount() == 1);

        assertThat(Files.readString(session.resolve("runs")).strip()).isEqualTo("3");
        assertThat(channel.state().phase()).isEqualTo(Phase.CONNECTED);
        assertThat(sentTexts()).containsExactly("echo: after the crash");
    }

    @Test
    void aBridgeThatDiesIsReportedWithItsExitStatusWhileItRestarts() throws Exception {
        script("start.1", connected());
        script("start", connected());
        start();
        await("connected", () -> channel.state().phase() == Phase.CONNECTED);

        assertThatThrownBy(() -> channel.deliver(BOB, "CRASH now")).hasMessageContaining("stopped before confirming");

        await("the bridge runs again", () -> {
            try {
                return Files.readString(session.resolve("runs")).strip().equals("2")
                        && channel.state().phase() == Phase.CONNECTED;
            } catch (IOException e) {
                return false;
            }
        });
    }

    @Test
    void deliverWaitsForTheBridgesAcknowledgementAndReportsItsError() throws Exception {
        script("start", connected());
        start();
        await("connected", () -> channel.state().phase() == Phase.CONNECTED);

        channel.deliver("+49 170 0000001", "scheduled hello");
        assertThat(sentTexts()).containsExactly("scheduled hello");
        assertThat(commands().get(0).path("to").asText()).isEqualTo("491700000001");

        assertThatThrownBy(() -> channel.deliver(BOB, "please FAIL")).hasMessageContaining("rate limited");
        assertThatThrownBy(() -> channel.deliver("nobody", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBridgeOfTheOriginalProtocolGetsTheMessageAndIsNotWaitedFor() throws Exception {
        // the original bridge announces nothing and never answers a send
        bridgeScript = dir.resolve("original-bridge.sh");
        Files.writeString(bridgeScript, """
                #!/usr/bin/env bash
                printf '%s\\n' '{"type":"connected","phone":"4915112345678","name":null}'
                while IFS= read -r line; do printf '%s\\n' "$line" >> "$1/commands"; done
                """);
        Files.setPosixFilePermissions(bridgeScript, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        start();
        await("connected", () -> channel.state().phase() == Phase.CONNECTED);

        assertThat(channel.send("+" + BOB, "nobody confirms this")).isEqualTo(Delivery.UNCONFIRMED);
        channel.deliver(BOB, "nor this");

        await("the bridge got both", () -> sentCount() == 2);
        assertThat(sentTexts()).containsExactly("nobody confirms this", "nor this");
        assertThat(commands()).allSatisfy(command -> assertThat(command.has("ref")).isFalse());
        assertThat(Delivery.UNCONFIRMED.line("+" + BOB)).isEqualTo("sent to +" + BOB + " (the bridge does not confirm delivery)");
    }

    @Test
    void aConfirmingBridgeReportsTheMessageSent() throws Exception {
        script("start", connected());
        start();
        await("connected", () -> channel.state().phase() == Phase.CONNECTED);

        assertThat(channel.send(BOB, "confirmed")).isEqualTo(Delivery.CONFIRMED);
        assertThat(commands().get(0).path("ref").asText()).startsWith("r");
        assertThat(Delivery.CONFIRMED.line(BOB)).isEqualTo("sent to +" + BOB);
    }

    @Test
    void aConnectionWithoutAgentTellsSendersSo() throws Exception {
        // what whatsapp setup and send hold in a command's process when no agent runs there
        script("start", connected(), message(BOB, "anyone there?", false));
        channel = new BridgeChannel(null, Allowlist.of(List.of(BOB)), BridgeSupervisor.commandFor(bridgeScript, session),
                BridgeInstaller.none(), Duration.ofMillis(50), Clock.systemUTC(), session);
        channel.start();

        await("the answer", () -> sentCount() == 1);
        assertThat(sentTexts()).containsExactly(Conversations.ERROR_MARK + "the agent is not available right now");
    }

    @Test
    void deliverRefusesWhileNotConnected() throws Exception {
        script("start", "{\"type\":\"qr\",\"data\":\"2@abc\"}");
        start();
        await("waiting for scan", () -> channel.state().phase() == Phase.WAITING_FOR_SCAN);

        assertThatThrownBy(() -> channel.deliver(BOB, "x")).hasMessageContaining("not connected");
    }

    @Test
    void disconnectsAreShownAndStoppingClosesTheBridgesInputSoItLeavesCleanly() throws Exception {
        script("start", connected(), "{\"type\":\"disconnected\",\"reason\":\"Connection Closed (status 428)\"}");
        start();
        await("disconnected", () -> channel.state().phase() == Phase.DISCONNECTED);
        assertThat(channel.status()).isEqualTo("disconnected: Connection Closed (status 428); reconnecting");

        channel.close();

        assertThat(session.resolve("stopped")).exists();
        assertThat(channel.state().phase()).isEqualTo(Phase.STOPPED);
        assertThat(Files.readString(session.resolve("runs")).strip()).isEqualTo("1");
    }

    @Test
    void aMissingProgramIsAFailureSayingWhatToInstall() throws Exception {
        channel = new BridgeChannel(gateway, Allowlist.of(List.of()), List.of(dir.resolve("no-such-node").toString()),
                BridgeInstaller.none(), Duration.ofMillis(50), Clock.systemUTC(), session);
        channel.start();

        await("failed", () -> channel.state().phase() == Phase.FAILED);

        assertThat(channel.status()).contains("Node.js 20").contains("starting it again in");
    }

    @Test
    void versionsGrowWithEveryChange() throws Exception {
        script("start", "{\"type\":\"qr\",\"data\":\"2@one\"}", "{\"type\":\"qr\",\"data\":\"2@two\"}", connected());
        start();
        long before = channel.state().version();
        await("connected", () -> channel.state().phase() == Phase.CONNECTED);
        assertThat(channel.state().version()).isGreaterThan(before + 2);
    }

    /** Reads a QR code back with ZXing's decoder. */
    static String decode(QrCode qr) throws Exception {
        BitMatrix matrix = new BitMatrix(qr.size());
        for (int y = 0; y < qr.size(); y++) {
            for (int x = 0; x < qr.size(); x++) {
                if (qr.dark(x, y)) {
                    matrix.set(x, y);
                }
            }
        }
        return new Decoder().decode(matrix).getText();
    }
}
