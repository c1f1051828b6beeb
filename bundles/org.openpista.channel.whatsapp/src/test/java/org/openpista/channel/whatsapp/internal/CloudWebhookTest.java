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
    void strangersOtherNumbersAndNonTextMessagesAreNotAnswered() throws Exception {
        String stranger = FakeGraphApiServer.textDelivery(NUMBER_ID, "4900000000001", "wamid.S", "hello?");
        String otherNumber = FakeGraphApiServer.textDelivery("999999", ALICE, "wamid.O", "wrong number id");
        String sticker = FakeGraphApiServer.textDelivery(NUMBER_ID, ALICE, "wamid.T", "x")
                .replace("\"type\":\"text\"", "\"type\":\"sticker\"");

        for (String body : List.of(stranger, otherNumber, sticker)) {
            assertThat(post(body, FakeGraphApiServer.signature(body, SECRET)).statusCode()).isEqualTo(200);
        }

        assertThat(gateway.messages).isEmpty();
        assertThat(graph.calls()).isEmpty();
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
