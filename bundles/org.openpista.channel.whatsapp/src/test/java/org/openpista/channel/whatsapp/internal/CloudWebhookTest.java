package org.openpista.channel.whatsapp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.testkit.FakeGraphApiServer;
import org.openpista.testkit.PartialHttpRequest;

/**
 * Cloud API mode over real HTTP: the webhook servlet in a Jetty 12 of the version Felix HTTP
 * embeds, WhatsApp's side played with signed deliveries, answers going to the fake Graph API.
 */
class CloudWebhookTest {

    static final String NUMBER_ID = "106540352242922";
    static final String TOKEN = "EAAG-test-access-token";
    static final String SECRET = "app-secret-for-tests";
    static final String VERIFY = "verify-me-please";
    static final String ALICE = "4917000000007";

    final RecordingGateway gateway = new RecordingGateway();
    FakeGraphApiServer graph;
    CloudChannel channel;
    Server jetty;
    URI webhook;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        graph = new FakeGraphApiServer(NUMBER_ID, TOKEN);
        channel = new CloudChannel(gateway, settings(List.of(ALICE)));
        jetty = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new CloudWebhookServlet(channel.webhook())), WhatsAppSettings.WEBHOOK_PATH);
        jetty.setHandler(context);
        jetty.start();
        int port = ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
        webhook = URI.create("http://127.0.0.1:" + port + WhatsAppSettings.WEBHOOK_PATH);
    }

    @AfterEach
    void stop() throws Exception {
        channel.close();
        jetty.stop();
        graph.close();
    }

    WhatsAppSettings settings(List<String> allowed) {
        return new WhatsAppSettings(true, WhatsAppSettings.Mode.CLOUD, Path.of("unused"), null, false, Allowlist.of(allowed),
                NUMBER_ID, TOKEN, VERIFY, SECRET, graph.apiUrl());
    }

    HttpResponse<String> get(String query) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(webhook + "?" + query)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
    static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13};

    void deliver(String body) throws Exception {
        assertThat(post(body, FakeGraphApiServer.signature(body, SECRET)).statusCode()).isEqualTo(200);
    }

    static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aPhotoIsLookedUpDownloadedWithTheTokenAndReachesTheAgentAsAnAttachment() throws Exception {
        String mediaId = graph.addMedia("image/jpeg", JPEG);
        deliver(FakeGraphApiServer.mediaDelivery(NUMBER_ID, ALICE, "wamid.IMG-1", "image", mediaId, "image/jpeg",
                "what is this?", null));

        await("the photo reaches the agent", () -> gateway.messages.size() == 1);
        InboundMessage message = gateway.messages.get(0);
        assertThat(message.text()).isEqualTo("what is this?");
        assertThat(message.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.mimeType()).isEqualTo("image/jpeg");
            assertThat(attachment.data()).isEqualTo(JPEG);
        });
        assertThat(graph.mediaRequests()).containsExactly("GET /v21.0/" + mediaId, "GET /download/" + mediaId);
    }

    @Test
    void aDocumentKeepsItsName() throws Exception {
        byte[] pdf = "%PDF-1.4\n%fake\n".getBytes(StandardCharsets.US_ASCII);
        String mediaId = graph.addMedia("application/pdf", pdf);
        deliver(FakeGraphApiServer.mediaDelivery(NUMBER_ID, ALICE, "wamid.DOC-1", "document", mediaId, "application/pdf",
                null, "invoice.pdf"));

        await("the document reaches the agent", () -> gateway.messages.size() == 1);
        assertThat(gateway.messages.get(0).attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.name()).isEqualTo("invoice.pdf");
            assertThat(attachment.data()).isEqualTo(pdf);
        });
    }

    @Test
    void aVoiceNoteIsFetchedAndReachesTheAgentAsARecording() throws Exception {
        byte[] ogg = {'O', 'g', 'g', 'S', 0, 2, 0, 0, 0, 0, 0, 0, 0, 0};
        String mediaId = graph.addMedia("audio/ogg", ogg);
        deliver(FakeGraphApiServer.mediaDelivery(NUMBER_ID, ALICE, "wamid.VOICE", "audio", mediaId, "audio/ogg; codecs=opus",
                null, null));

        await("the voice note reaches the agent", () -> gateway.messages.size() == 1);
        assertThat(gateway.messages.get(0).attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.mimeType()).isEqualTo("audio/ogg; codecs=opus");
            assertThat(attachment.name()).isEqualTo("voice.ogg");
            assertThat(attachment.data()).isEqualTo(ogg);
        });
    }

    @Test
    void aStrangersMediaIsNeverFetched() throws Exception {
        String mediaId = graph.addMedia("image/jpeg", JPEG);
        deliver(FakeGraphApiServer.mediaDelivery(NUMBER_ID, "4900000000066", "wamid.IMG-X", "image", mediaId, "image/jpeg",
                null, null));

        Thread.sleep(300);
        assertThat(graph.mediaRequests()).isEmpty();
        assertThat(gateway.messages).isEmpty();
        assertThat(graph.calls()).isEmpty();
    }

    @Test
    void oversizedMissingOrUnreadMediaAreRefusedWithAMessage() throws Exception {
        String big = graph.addMedia("image/jpeg", new byte[(int) WhatsAppMedia.MAX_BYTES + 1]);
        deliver(FakeGraphApiServer.mediaDelivery(NUMBER_ID, ALICE, "wamid.BIG", "image", big, "image/jpeg", null, null));
        graph.awaitAccepted(1, Duration.ofSeconds(10));
        deliver(FakeGraphApiServer.mediaDelivery(NUMBER_ID, ALICE, "wamid.GONE", "image", "123456", "image/jpeg", null, null));
        graph.awaitAccepted(2, Duration.ofSeconds(10));
        deliver(FakeGraphApiServer.mediaDelivery(NUMBER_ID, ALICE, "wamid.STICKER", "sticker", "777", "image/webp", null,
                null));

        List<FakeGraphApiServer.Call> told = graph.awaitAccepted(3, Duration.ofSeconds(10));
        assertThat(told.get(0).text()).isEqualTo("❌ the file is too large (20.0 MB; at most 20 MB are taken)");
        assertThat(told.get(1).text()).startsWith("❌ WhatsApp did not hand out the file (HTTP 400");
        assertThat(told.get(2).text()).isEqualTo(WhatsAppMedia.UNREADABLE);
        assertThat(graph.mediaRequests()).as("the oversized file was not downloaded").containsExactly("GET /v21.0/" + big,
                "GET /v21.0/123456");
        assertThat(gateway.messages).isEmpty();
    }

    @Test
    void anApprovalIsAskedWithButtonsAndOnlyThePressOfTheAskedNumberAnswersIt() throws Exception {
        String bob = "4917000000008";
        channel = new CloudChannel(gateway.answering(message -> null), settings(List.of(ALICE, bob)));
        restartWith(channel);
        deliver(FakeGraphApiServer.textDelivery(NUMBER_ID, ALICE, "wamid.T-1", "list my files"));
        await("the message reaches the agent", () -> gateway.sinks.size() == 1);

        var decision = gateway.sinks.get(0).requestApproval(new org.openpista.api.approval.ApprovalRequest("s1", "whatsapp",
                new org.openpista.api.chat.ToolCall("call-1", "system.run", "{\"command\":\"ls\"}")))
                .toCompletableFuture();
        FakeGraphApiServer.Call question = graph.awaitAccepted(1, Duration.ofSeconds(10)).get(0);
        assertThat(question.type()).isEqualTo("interactive");
        assertThat(question.interactiveText()).startsWith("🔐 Allow this tool call?\nsystem.run\n{\"command\":\"ls\"}");
        List<String> buttons = question.buttonIds();
        assertThat(buttons).hasSize(3);
        String questionMessage = "wamid.FAKE1";

        deliver(FakeGraphApiServer.buttonReplyDelivery(NUMBER_ID, bob, "wamid.P-1", questionMessage, buttons.get(0), "Allow"));
        assertThat(graph.awaitAccepted(2, Duration.ofSeconds(10)).get(1).text())
                .isEqualTo("This question was not asked to you: nothing was changed.");
        assertThat(decision).isNotDone();

        deliver(FakeGraphApiServer.buttonReplyDelivery(NUMBER_ID, ALICE, "wamid.P-2", questionMessage, buttons.get(1), "Deny"));
        assertThat(decision.get(10, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo(org.openpista.api.approval.ApprovalDecision.REJECT);
        deliver(FakeGraphApiServer.buttonReplyDelivery(NUMBER_ID, ALICE, "wamid.P-3", questionMessage, buttons.get(0), "Allow"));

        List<FakeGraphApiServer.Call> calls = graph.awaitAccepted(4, Duration.ofSeconds(10));
        assertThat(calls.subList(2, 4)).extracting(FakeGraphApiServer.Call::text)
                .containsExactlyInAnyOrder("❌ Denied: system.run", "This question is no longer open: nothing was changed.");
        assertThat(gateway.messages).as("presses are no messages for the agent").hasSize(1);
    }

    @Test
    void anImageOfTheTurnIsUploadedAndSentAsAnImageMessage() throws Exception {
        channel = new CloudChannel(gateway.answering(message -> new AgentReply(message.conversationKey(), "here it is", false,
                List.of(new org.openpista.api.chat.Attachment("image/png", "screen.png", PNG)))), settings(List.of(ALICE)));
        restartWith(channel);
        deliver(FakeGraphApiServer.textDelivery(NUMBER_ID, ALICE, "wamid.T-2", "screenshot please"));

        List<FakeGraphApiServer.Call> sent = graph.awaitAccepted(2, Duration.ofSeconds(10));
        assertThat(sent.get(0).text()).isEqualTo("here it is");
        assertThat(sent.get(1).type()).isEqualTo("image");
        assertThat(graph.uploads()).singleElement().satisfies(upload -> {
            assertThat(upload.mimeType()).isEqualTo("image/png");
            assertThat(upload.data()).isEqualTo(PNG);
            assertThat(sent.get(1).body().path("image").path("id").asText()).isEqualTo(upload.id());
        });
    }

    /** Serves another channel's webhook at the same address. */
    void restartWith(CloudChannel replacement) throws Exception {
        jetty.stop();
        int port = webhook.getPort();
        jetty = new Server(new InetSocketAddress("127.0.0.1", port));
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new CloudWebhookServlet(replacement.webhook())), WhatsAppSettings.WEBHOOK_PATH);
        jetty.setHandler(context);
        jetty.start();
    }

    @Test
    void theSubscriptionCheckEchoesTheChallengeOnlyForTheRightToken() throws Exception {
        HttpResponse<String> right = get("hub.mode=subscribe&hub.verify_token=" + encode(VERIFY) + "&hub.challenge=1158201444");
        HttpResponse<String> wrong = get("hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444");
        HttpResponse<String> noMode = get("hub.verify_token=" + encode(VERIFY) + "&hub.challenge=1");

        assertThat(right.statusCode()).isEqualTo(200);
        assertThat(right.body()).isEqualTo("1158201444");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).doesNotContain("1158201444");
        assertThat(noMode.statusCode()).isEqualTo(403);
    }

    @Test
    void aSignedDeliveryReachesTheAgentAndTheAnswerGoesThroughTheGraphApi() throws Exception {
        String body = FakeGraphApiServer.textDelivery(NUMBER_ID, ALICE, "wamid.IN-1", "what time is it?");

        HttpResponse<String> response = post(body, FakeGraphApiServer.signature(body, SECRET));

        assertThat(response.statusCode()).isEqualTo(200);
        InboundMessage message = gateway.messages.get(0);
        assertThat(message.conversationKey()).isEqualTo("whatsapp:" + ALICE);
        assertThat(message.text()).isEqualTo("what time is it?");
        FakeGraphApiServer.Call answer = graph.awaitAccepted(1, Duration.ofSeconds(10)).get(0);
        assertThat(answer.to()).isEqualTo(ALICE);
        assertThat(answer.text()).isEqualTo("echo: what time is it?");
        assertThat(answer.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(answer.body().path("messaging_product").asText()).isEqualTo("whatsapp");
    }

    @Test
    void missingOrWrongSignaturesAre401AndNothingIsProcessed() throws Exception {
        String body = FakeGraphApiServer.textDelivery(NUMBER_ID, ALICE, "wamid.IN-2", "run rm -rf /");
        String tampered = body.replace("run rm -rf /", "run something else");

        assertThat(post(body, null).statusCode()).isEqualTo(401);
        assertThat(post(body, FakeGraphApiServer.signature(body, "another-secret")).statusCode()).isEqualTo(401);
        assertThat(post(tampered, FakeGraphApiServer.signature(body, SECRET)).statusCode()).isEqualTo(401);
        assertThat(post(body, "sha256=zz-not-hex").statusCode()).isEqualTo(401);
        assertThat(post(body, "sha1=" + FakeGraphApiServer.signature(body, SECRET).substring(7)).statusCode()).isEqualTo(401);

        assertThat(gateway.messages).isEmpty();
        assertThat(graph.calls()).isEmpty();
    }

    @Test
    void aDuplicateDeliveryIsProcessedOnce() throws Exception {
        String body = FakeGraphApiServer.textDelivery(NUMBER_ID, ALICE, "wamid.SAME", "only once");
        String signature = FakeGraphApiServer.signature(body, SECRET);

        assertThat(post(body, signature).statusCode()).isEqualTo(200);
        assertThat(post(body, signature).statusCode()).isEqualTo(200);

        graph.awaitAccepted(1, Duration.ofSeconds(10));
        assertThat(gateway.messages).hasSize(1);
    }

    @Test
    void strangersAndOtherNumbersAreNotAnsweredAndAStickerIsNotRead() throws Exception {
        String stranger = FakeGraphApiServer.textDelivery(NUMBER_ID, "4900000000001", "wamid.S", "hello?");
        String otherNumber = FakeGraphApiServer.textDelivery("999999", ALICE, "wamid.O", "wrong number id");
        String sticker = FakeGraphApiServer.textDelivery(NUMBER_ID, ALICE, "wamid.T", "x")
                .replace("\"type\":\"text\"", "\"type\":\"sticker\"");

        for (String body : List.of(stranger, otherNumber, sticker)) {
            assertThat(post(body, FakeGraphApiServer.signature(body, SECRET)).statusCode()).isEqualTo(200);
        }

        // the sticker's sender, who may talk to the bot, is told (off the webhook's thread) what it reads
        graph.awaitAccepted(1, Duration.ofSeconds(10));
        assertThat(gateway.messages).isEmpty();
        assertThat(graph.calls()).singleElement().satisfies(call -> {
            assertThat(call.to()).isEqualTo(ALICE);
            assertThat(call.body().path("text").path("body").asText()).isEqualTo(WhatsAppMedia.UNREADABLE);
        });
    }

    @Test
    void malformedSignedBodiesAre400() throws Exception {
        String notJson = "this is not json";
        assertThat(post(notJson, FakeGraphApiServer.signature(notJson, SECRET)).statusCode()).isEqualTo(400);
        assertThat(post("[]", FakeGraphApiServer.signature("[]", SECRET)).statusCode()).isEqualTo(400);
    }

    @Test
    void oversizedBodiesAre413BeforeTheyAreReadAndTheConnectionIsClosed() throws Exception {
        String signature = FakeGraphApiServer.signature("whatever", SECRET);
        Map<String, String> headers = Map.of("Content-Type", "application/json", "X-Hub-Signature-256", signature);
        assertThat(PartialHttpRequest.status(webhook, headers, "Content-Length: " + (CloudWebhook.MAX_BODY + 1), new byte[0]))
                .isEqualTo(413);
        byte[] chunked = PartialHttpRequest.firstChunk(new byte[CloudWebhook.MAX_BODY + 1]);
        assertThat(PartialHttpRequest.status(webhook, headers, "Transfer-Encoding: chunked", chunked)).isEqualTo(413);
        assertThat(gateway.messages).isEmpty();
        // the client's pooled connection is not the one closed: the next request works
        assertThat(post("[]", FakeGraphApiServer.signature("[]", SECRET)).statusCode()).isEqualTo(400);
    }

    @Test
    void longAnswersAreSplitAndFailedTurnsMarked() throws Exception {
        gateway.answering(message -> message.text().equals("long")
                ? AgentReply.answer("s", "line\n".repeat(1000) + "end")
                : AgentReply.failure("s", "the round limit of 30 was reached"));
        String first = FakeGraphApiServer.textDelivery(NUMBER_ID, ALICE, "wamid.L", "long");
        String second = FakeGraphApiServer.textDelivery(NUMBER_ID, ALICE, "wamid.F", "fail");

        post(first, FakeGraphApiServer.signature(first, SECRET));
        post(second, FakeGraphApiServer.signature(second, SECRET));

        List<FakeGraphApiServer.Call> sent = graph.awaitAccepted(3, Duration.ofSeconds(10));
        assertThat(sent.get(0).text() + "\n" + sent.get(1).text()).isEqualTo("line\n".repeat(1000) + "end");
        assertThat(sent.get(2).text()).isEqualTo("❌ the round limit of 30 was reached");
    }

    @Test
    void deliverSendsThroughTheGraphApiAndReportsItsRefusal() throws Exception {
        channel.deliver("+49 1700 000 0007", "scheduled");
        assertThat(graph.accepted()).singleElement().satisfies(call -> assertThat(call.to()).isEqualTo(ALICE));

        graph.failNext(400, 131030);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> channel.deliver(ALICE, "x"))
                .hasMessageContaining("HTTP 400").hasMessageContaining("scripted failure");
    }

    @Test
    void statusNamesWhatIsMissing() {
        CloudChannel unconfigured = new CloudChannel(gateway, new WhatsAppSettings(true, WhatsAppSettings.Mode.CLOUD,
                Path.of("x"), null, false, Allowlist.of(List.of()), "", "", "", "", graph.apiUrl()));

        assertThat(unconfigured.status())
                .isEqualTo("not configured: set phone_number_id, access_token, verify_token, app_secret in [channels.whatsapp]");
        assertThat(channel.status()).contains(NUMBER_ID).contains("/webhooks/whatsapp");
    }

    @Test
    void settingsFromTheConfigurationUseDefaultsAndTheHome() {
        WhatsAppChannel.Config config = config("cloud", "", "https://graph.example/v99.0/");
        WhatsAppSettings settings = WhatsAppSettings.from(config, Path.of("/home/u/.openpista"), Path.of("/opt/openpista"));

        assertThat(settings.mode()).isEqualTo(WhatsAppSettings.Mode.CLOUD);
        assertThat(settings.sessionDir()).isEqualTo(Path.of("/home/u/.openpista/whatsapp-session"));
        assertThat(settings.bridgePath()).isEqualTo(Path.of("/opt/openpista/bridge-whatsapp/index.js"));
        assertThat(settings.bridgeShipped()).isTrue();
        assertThat(settings.apiUrl()).hasToString("https://graph.example/v99.0");
        assertThat(WhatsAppSettings.from(config("bridge", "/srv/wa", ""), Path.of("/h"), null).apiUrl())
                .hasToString(WhatsAppSettings.DEFAULT_API_URL);
    }

    @Test
    void onlyTheBridgeOfTheDistributionCountsAsShipped() {
        Path home = Path.of("/home/u/.openpista");
        Path dist = Path.of("/opt/openpista");
        assertThat(WhatsAppSettings.from(config("bridge", "", "", "/srv/my-bridge/index.js"), home, dist))
                .satisfies(own -> assertThat(own.bridgePath()).isEqualTo(Path.of("/srv/my-bridge/index.js")))
                .satisfies(own -> assertThat(own.bridgeShipped()).isFalse());
        assertThat(WhatsAppSettings.from(config("bridge", "", "", "bridges/copy"), home, dist).bridgePath())
                .isEqualTo(home.resolve("bridges/copy"));
        assertThat(WhatsAppSettings.from(config("bridge", "", "", "/opt/openpista/bridge-whatsapp"), home, dist)
                .bridgeShipped()).isTrue();
        assertThat(WhatsAppSettings.from(config("bridge", "", "", "/opt/openpista/bridge-whatsapp/../bridge-whatsapp/index.js"),
                home, dist).bridgeShipped()).isTrue();
        assertThat(WhatsAppSettings.from(config("bridge", "", "", ""), home, null).bridgePath()).isNull();
    }

    static WhatsAppChannel.Config config(String mode, String sessionDir, String apiUrl) {
        return config(mode, sessionDir, apiUrl, "");
    }

    static WhatsAppChannel.Config config(String mode, String sessionDir, String apiUrl, String bridgePath) {
        return new WhatsAppChannel.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return WhatsAppChannel.Config.class;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String mode() {
                return mode;
            }

            @Override
            public String session_dir() {
                return sessionDir;
            }

            @Override
            public String bridge_path() {
                return bridgePath;
            }

            @Override
            public String[] allowed_numbers() {
                return new String[] {"+49 170 1"};
            }

            @Override
            public String phone_number_id() {
                return NUMBER_ID;
            }

            @Override
            public String _access_token() {
                return TOKEN;
            }

            @Override
            public String _verify_token() {
                return VERIFY;
            }

            @Override
            public String _app_secret() {
                return SECRET;
            }

            @Override
            public String api_url() {
                return apiUrl;
            }
        };
    }
}
