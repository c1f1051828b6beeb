package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * The mobile channel end to end: {@code openpista mobile start} of the real distribution (Felix, the
 * agent core, SQLite, system.run, kwik) against the fake OpenAI server, driven by a kwik QUIC client
 * written from the protocol, and {@code openpista mobile setup|status|connect} as a user runs them.
 */
class MobileIT {

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    int port;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenAiServer();
        try (DatagramSocket socket = new DatagramSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-mobile-it"

                [channels.mobile]
                port = %d
                """.formatted(fake.baseUrl(), port));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    /** {@code mobile start} in the background, once it printed its link. */
    WebDaemon startDaemon() throws Exception {
        return WebDaemon.startUntil("Mobile: ", home, port, "mobile", "start");
    }

    /** @return the link {@code mobile start} printed */
    static QuicPhone.Link link(WebDaemon daemon) throws IOException {
        String line = daemon.stdout().lines().filter(l -> l.startsWith("Mobile: ")).findFirst().orElseThrow();
        return QuicPhone.Link.parse(line.substring("Mobile: ".length()).split(" ")[0]);
    }

    @Test
    void aPhoneTalksToTheDaemonInTheOriginalProtocolAndItsExtensions() throws Exception {
        try (WebDaemon daemon = startDaemon()) {
            QuicPhone.Link link = link(daemon);
            Path config = home.resolve("config.toml");
            assertThat(Files.readString(config)).contains("api_token = \"" + link.token() + "\"");
            assertThat(link.token()).matches("[0-9a-f]{48}");
            assertThat(link.port()).isEqualTo(port);
            assertThat(Files.getPosixFilePermissions(config)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(Files.getPosixFilePermissions(home.resolve("mobile/key.pem")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(link.fingerprint()).isEqualTo(QuicPhone.fingerprint(certificate(home.resolve("mobile/cert.pem"))));
            assertThat(Files.readString(home.resolve("logs/openpista.0.log"))).doesNotContain(link.token());

            // authentication: ok, a wrong token, a first frame that is not auth
            List<JsonNode> answer = new ArrayList<>();
            try (QuicPhone phone = QuicPhone.connect(link, "phone-1", answer)) {
                assertThat(phone.quic.isConnected()).isTrue();
                assertThat(answer).singleElement().satisfies(frame -> {
                    assertThat(frame.path("type").asText()).isEqualTo("auth_ok");
                    assertThat(frame.path("session_id").asText()).isEqualTo("mobile:phone-1");
                });
            }
            answer.clear();
            try (QuicPhone phone = QuicPhone.connect(link.withToken("not-the-token"), "phone-1", answer)) {
                assertThat(phone.quic).isNotNull();
                assertThat(answer.get(0).path("type").asText()).isEqualTo("auth_error");
                assertThat(answer.get(0).path("message").asText()).isEqualTo("Invalid API token");
            }
            try (QuicPhone phone = QuicPhone.handshake(link)) {
                List<JsonNode> refused = phone.request(QuicPhone.message("no auth first"));
                assertThat(refused.get(0).path("type").asText()).isEqualTo("auth_error");
                assertThat(refused.get(0).path("message").asText()).isEqualTo("Expected auth message first");
            }
            try (QuicPhone phone = QuicPhone.handshake(link)) {
                assertThat(announce(phone, 64 * 1024 + 1).path("type").asText()).isEqualTo("auth_error");
            }

            try (QuicPhone phone = QuicPhone.connect(link, "phone-1")) {
                // a turn answered by the fake model: exactly one response, as the original client reads it
                fake.enqueue(FakeReply.text("Hello from the fake model."));
                List<JsonNode> frames = phone.request(QuicPhone.message("hi"));
                assertThat(frames).singleElement().satisfies(frame -> {
                    assertThat(frame.path("type").asText()).isEqualTo("response");
                    assertThat(frame.path("content").asText()).isEqualTo("Hello from the fake model.");
                    assertThat(frame.path("is_error").asBoolean()).isFalse();
                });

                // a tool approval over the extension, bound to the call
                fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo from-the-phone-$((6*7))\"}"),
                        FakeReply.text("The shell said 42."));
                try (QuicPhone.Stream stream = phone.open(QuicPhone.message("what is 6*7 in the shell?").put("stream", true))) {
                    JsonNode frame;
                    while (!(frame = stream.next()).path("type").asText().equals("tool_approval_request")) {
                        assertThat(frame.path("type").asText()).isIn("message_ack", "progress", "response_delta");
                    }
                    assertThat(frame.path("tool_name").asText()).isEqualTo("system.run");
                    assertThat(frame.path("arguments").path("command").asText()).contains("echo from-the-phone");
                    List<JsonNode> decided = phone.request(QuicPhone.JSON.createObjectNode().put("type", "tool_approval_response")
                            .put("call_id", frame.path("call_id").asText()).put("decision", "approve"));
                    assertThat(decided.get(0).path("type").asText()).isEqualTo("tool_approval_resolved");
                    while (!(frame = stream.next()).path("type").asText().equals("response")) {
                        assertThat(frame.path("type").asText()).isNotEqualTo("error");
                    }
                    assertThat(frame.path("content").asText()).isEqualTo("The shell said 42.");
                }
                assertThat(fake.requests().get(2).body()).contains("from-the-phone-42");

                // a frame above 1 MiB is refused without being read
                assertThat(announce(phone, 1024 * 1024 + 1).path("code").asText()).isEqualTo("too_large");
            }

            // two devices at once, each in its session
            fake.enqueue(FakeReply.text("one"), FakeReply.text("two"));
            try (QuicPhone one = QuicPhone.connect(link, "phone-a"); QuicPhone two = QuicPhone.connect(link, "phone-b")) {
                CompletableFuture<List<JsonNode>> first = CompletableFuture.supplyAsync(() -> quietly(one, "from a"));
                CompletableFuture<List<JsonNode>> second = CompletableFuture.supplyAsync(() -> quietly(two, "from b"));
                List<String> answers = List.of(first.get(60, TimeUnit.SECONDS).get(0).path("content").asText(),
                        second.get(60, TimeUnit.SECONDS).get(0).path("content").asText());
                assertThat(answers).containsExactlyInAnyOrder("one", "two");
                List<JsonNode> sessions = one.request(QuicPhone.JSON.createObjectNode().put("type", "sessions_request"));
                assertThat(sessions.get(0).path("sessions")).extracting(session -> session.path("id").asText())
                        .contains("mobile:phone-a", "mobile:phone-b", "mobile:phone-1");
            }

            Result status = DistributionProcess.run(home, Map.of(), "mobile", "status");
            assertThat(status.stdout()).contains("running:     yes").contains("token:       set (config.toml)")
                    .contains(link.fingerprint()).doesNotContain(link.token());
            assertThat(daemon.stop()).isIn(0, 143);
        }
    }

    @Test
    void aDeviceReconnectsToARestartedDaemonAndContinuesItsSession() throws Exception {
        QuicPhone.Link link;
        fake.enqueue(FakeReply.text("before the restart"), FakeReply.text("after the restart"));
        QuicPhone phone;
        try (WebDaemon daemon = startDaemon()) {
            link = link(daemon);
            phone = QuicPhone.connect(link, "phone-1");
            assertThat(phone.request(QuicPhone.message("first")).get(0).path("content").asText()).isEqualTo("before the restart");
            assertThat(daemon.stop()).isIn(0, 143);
        }
        try {
            QuicPhone gone = phone;
            assertThatThrownBy(() -> gone.request(QuicPhone.message("while it is down"))).isInstanceOf(IOException.class);
        } finally {
            phone.close();
        }
        try (WebDaemon daemon = startDaemon()) {
            assertThat(link(daemon)).as("the same token and certificate after the restart").isEqualTo(link);
            try (QuicPhone again = QuicPhone.connect(link, "phone-1")) {
                List<JsonNode> history = again.request(QuicPhone.JSON.createObjectNode().put("type", "session_history_request"));
                assertThat(history.get(0).path("session_id").asText()).isEqualTo("mobile:phone-1");
                assertThat(history.get(0).path("messages")).extracting(message -> message.path("content").asText())
                        .containsExactly("first", "before the restart");
                assertThat(again.request(QuicPhone.message("second")).get(0).path("content").asText())
                        .isEqualTo("after the restart");
            }
            assertThat(fake.requests().get(1).body()).as("the model sees the conversation from before the restart")
                    .contains("before the restart");
        }
    }

    @Test
    void mobileConnectChatsLineByLineAndAsksForApprovalOnTheTerminal() throws Exception {
        try (WebDaemon daemon = startDaemon()) {
            String link = daemon.stdout().lines().filter(l -> l.startsWith("Mobile: ")).findFirst().orElseThrow()
                    .substring("Mobile: ".length()).split(" ")[0];
            fake.enqueue(FakeReply.text("first answer"),
                    FakeReply.toolCall("system.run", "{\"command\":\"echo approved-$((40+2))\"}"),
                    FakeReply.text("the tool said 42"));
            Result chat = DistributionProcess.run(home, Map.of(), "hello\nrun the tool\ny\n", Duration.ofSeconds(90),
                    "mobile", "connect", link, "--device", "laptop");
            assertThat(chat.exitCode()).as(chat.toString()).isZero();
            assertThat(chat.stdout()).isEqualTo("first answer\nthe tool said 42\n");
            assertThat(chat.stderr()).contains("Connected to 127.0.0.1:" + port + " as device laptop, session mobile:laptop")
                    .contains("Approve system.run");
            assertThat(fake.requests().get(2).body()).contains("approved-42");

            Result wrong = DistributionProcess.run(home, Map.of(), "hello\n", Duration.ofSeconds(60), "mobile", "connect",
                    link.replaceAll("token=[0-9a-f]+", "token=wrong"));
            assertThat(wrong.exitCode()).isEqualTo(1);
            assertThat(wrong.stderr()).contains("Invalid API token");
        }
    }

    @Test
    void setupPrintsAQrCodeOfTheLinkWithTheCertificatesFingerprint() throws Exception {
        Result setup = DistributionProcess.run(home, Map.of(), "mobile", "setup", "--enable");
        assertThat(setup.exitCode()).as(setup.toString()).isZero();
        String link = setup.stdout().lines().filter(l -> l.startsWith("Link:")).findFirst().orElseThrow()
                .substring("Link:".length()).strip();
        String decoded = decodeTerminalQr(setup.stdout());
        assertThat(decoded).isEqualTo(link);
        QuicPhone.Link parsed = QuicPhone.Link.parse(decoded);
        assertThat(parsed.fingerprint()).isEqualTo(QuicPhone.fingerprint(certificate(home.resolve("mobile/cert.pem"))));
        assertThat(Files.readString(home.resolve("config.toml"))).contains("enabled = true")
                .contains("api_token = \"" + parsed.token() + "\"");
        try (WebDaemon daemon = startDaemon(); QuicPhone phone = QuicPhone.connect(parsed, "scanner")) {
            assertThat(link(daemon)).isEqualTo(parsed);
            assertThat(phone.request(QuicPhone.JSON.createObjectNode().put("type", "ping")).get(0).path("type").asText())
                    .isEqualTo("pong");
        }
    }

    private static List<JsonNode> quietly(QuicPhone phone, String text) {
        try {
            return phone.request(QuicPhone.message(text));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Announces a frame of {@code length} bytes on a new stream, sends only the length, and reads the answer. */
    private static JsonNode announce(QuicPhone phone, int length) throws IOException {
        var stream = phone.quic.createStream(true);
        OutputStream out = stream.getOutputStream();
        try {
            out.write(ByteBuffer.allocate(4).putInt(length).array());
            out.flush();
        } catch (IOException e) {
            // the server may refuse to read (STOP_SENDING) before the flush returns: its answer still comes
        }
        return new QuicPhone.Stream(stream).next();
    }

    private static X509Certificate certificate(Path pem) throws Exception {
        String text = Files.readString(pem);
        String base64 = text.substring(text.indexOf("-----\n") + 6, text.indexOf("-----END")).replaceAll("\\s", "");
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }

    /** Reads the QR code a terminal shows (half blocks, light as filled) back into pixels and decodes it. */
    private static String decodeTerminalQr(String stdout) throws Exception {
        List<String> lines = stdout.lines().filter(line -> !line.isEmpty() && line.chars().allMatch(c -> "█▀▄ ".indexOf(c) >= 0))
                .toList();
        int width = lines.get(0).length();
        int height = lines.size() * 2;
        int scale = 4;
        int border = 4;
        int pixelsWide = (width + 2 * border) * scale;
        int pixelsHigh = (height + 2 * border) * scale;
        int[] pixels = new int[pixelsWide * pixelsHigh];
        java.util.Arrays.fill(pixels, 0xffffff);
        for (int row = 0; row < lines.size(); row++) {
            String line = lines.get(row);
            for (int x = 0; x < width; x++) {
                char c = line.charAt(x);
                boolean topDark = c == '▄' || c == ' ';
                boolean bottomDark = c == '▀' || c == ' ';
                paint(pixels, pixelsWide, x + border, 2 * row + border, topDark, scale);
                paint(pixels, pixelsWide, x + border, 2 * row + 1 + border, bottomDark, scale);
            }
        }
        RGBLuminanceSource source = new RGBLuminanceSource(pixelsWide, pixelsHigh, pixels);
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source))).getText();
    }

    private static void paint(int[] pixels, int stride, int moduleX, int moduleY, boolean dark, int scale) {
        if (!dark) {
            return;
        }
        for (int dy = 0; dy < scale; dy++) {
            for (int dx = 0; dx < scale; dx++) {
                pixels[(moduleY * scale + dy) * stride + moduleX * scale + dx] = 0;
            }
        }
    }
}
