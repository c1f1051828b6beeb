package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.channel.support.JettyWebhookServer;
import org.openpista.channel.support.WebhookServer;
import org.openpista.testkit.PartialHttpRequest;
import org.telegram.telegrambots.meta.api.objects.Update;

/**
 * The webhook servlet over real HTTP in Jetty: only the exact secret gets an update handed over,
 * each update once (also when Telegram delivers it again, and across a restart), bodies are capped,
 * and 5xx asks Telegram to deliver again when the hand-over failed.
 */
class TelegramWebhookTest {

    static final String SECRET = "webhook-Secret_0123456789";

    @TempDir
    Path state;

    final List<Update> handed = new CopyOnWriteArrayList<>();
    final AtomicInteger failures = new AtomicInteger();
    final HttpClient http = HttpClient.newHttpClient();
    final JettyWebhookServer<TelegramWebhook> server = new JettyWebhookServer<>(TelegramWebhook.PATH, 0, TelegramWebhookServlet::new);
    TelegramWebhook webhook;
    WebhookServer.Serving serving;

    @BeforeEach
    void start() {
        webhook = new TelegramWebhook(SECRET);
        serving = server.serve(webhook);
        webhook.open(receiver());
    }

    @AfterEach
    void stop() {
        serving.close();
    }

    TelegramWebhook.Receiver receiver() {
        return new TelegramWebhook.Receiver(update -> {
            if (failures.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                throw new IllegalStateException("the agent core is not there");
            }
            handed.add(update);
        }, new WebhookLedger(WebhookLedger.fileFor(state, 42)), new OffsetStore(OffsetStore.fileFor(state, 42)));
    }

    static String update(long id, String text) {
        return """
                {"update_id":%d,"message":{"message_id":7,"date":1700000000,"text":"%s",
                 "from":{"id":1001,"is_bot":false,"first_name":"Alice"},
                 "chat":{"id":1001,"type":"private","first_name":"Alice"}},"some_future_field":{"x":1}}"""
                .formatted(id, text);
    }

    HttpResponse<String> post(String body, String secret) throws Exception {
        return post(HttpRequest.BodyPublishers.ofString(body), secret);
    }

    HttpResponse<String> post(HttpRequest.BodyPublisher body, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.endpoint()).header("Content-Type", "application/json")
                .POST(body);
        if (secret != null) {
            request.header(TelegramWebhook.SECRET_HEADER, secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theRightSecretHandsTheUpdateOverOnce() throws Exception {
        HttpResponse<String> response = post(update(100, "hello"), SECRET);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        assertThat(handed).hasSize(1);
        assertThat(handed.get(0).getUpdateId()).isEqualTo(100);
        assertThat(handed.get(0).getMessage().getText()).isEqualTo("hello");
        assertThat(handed.get(0).getMessage().getChatId()).isEqualTo(1001L);
        assertThat(Files.readString(WebhookLedger.fileFor(state, 42))).isEqualTo("100\n");
    }

    @Test
    void aWrongOrMissingSecretIs401AndNothingIsHandedOver() throws Exception {
        assertThat(post(update(101, "rm -rf /"), null).statusCode()).isEqualTo(401);
        assertThat(post(update(101, "rm -rf /"), "wrong").statusCode()).isEqualTo(401);
        assertThat(post(update(101, "rm -rf /"), SECRET.substring(0, SECRET.length() - 1)).statusCode()).isEqualTo(401);
        assertThat(post(update(101, "rm -rf /"), SECRET + "x").statusCode()).isEqualTo(401);
        assertThat(post(update(101, "rm -rf /"), SECRET.toUpperCase(java.util.Locale.ROOT)).statusCode()).isEqualTo(401);
        assertThat(post(update(101, "rm -rf /"), "").statusCode()).isEqualTo(401);

        assertThat(handed).isEmpty();
        assertThat(WebhookLedger.fileFor(state, 42)).doesNotExist();
        // and the update is not marked as done: with the right secret it is handed over
        assertThat(post(update(101, "now with the secret"), SECRET).statusCode()).isEqualTo(200);
        assertThat(handed).extracting(Update::getUpdateId).containsExactly(101);
    }

    @Test
    void aRedeliveredUpdateIsHandedOverOnceAlsoAfterARestart() throws Exception {
        assertThat(post(update(102, "once"), SECRET).statusCode()).isEqualTo(200);
        assertThat(post(update(102, "once"), SECRET).statusCode()).isEqualTo(200);
        assertThat(post(update(103, "twice?"), SECRET).statusCode()).isEqualTo(200);
        assertThat(handed).extracting(Update::getUpdateId).containsExactly(102, 103);

        // a restart: a new webhook with the ledger read back from its file
        webhook.close();
        assertThat(post(update(104, "while stopped"), SECRET).statusCode()).isEqualTo(503);
        webhook.open(receiver());
        assertThat(post(update(102, "once"), SECRET).statusCode()).isEqualTo(200);
        assertThat(post(update(104, "while stopped"), SECRET).statusCode()).isEqualTo(200);
        assertThat(handed).extracting(Update::getUpdateId).containsExactly(102, 103, 104);
    }

    @Test
    void updatesHandedOverWhilePollingAreNotHandedOverAgain() throws Exception {
        new OffsetStore(OffsetStore.fileFor(state, 42)).acknowledge(200);
        webhook.open(receiver());

        assertThat(post(update(199, "polled before"), SECRET).statusCode()).isEqualTo(200);
        assertThat(post(update(201, "new"), SECRET).statusCode()).isEqualTo(200);
        assertThat(handed).extracting(Update::getUpdateId).containsExactly(201);
    }

    @Test
    void anOversizedBodyIs413AndNothingIsHandedOver() throws Exception {
        // the refusal comes before the body is read: a client that sends only the headers gets it
        assertThat(statusOfPartialRequest(SECRET, "Content-Length: " + (TelegramWebhook.MAX_BODY + 1), new byte[0]))
                .isEqualTo(413);
        // without Content-Length (chunked) the servlet reads one byte more than the cap, then refuses
        byte[] chunked = PartialHttpRequest.firstChunk("x".repeat(TelegramWebhook.MAX_BODY + 1).getBytes(StandardCharsets.US_ASCII));
        assertThat(statusOfPartialRequest(SECRET, "Transfer-Encoding: chunked", chunked)).isEqualTo(413);
        // a wrong secret is refused before the size matters, and before the body is read
        assertThat(statusOfPartialRequest("wrong", "Content-Length: " + (TelegramWebhook.MAX_BODY + 1), new byte[0]))
                .isEqualTo(401);
        assertThat(handed).isEmpty();
        // while a body of exactly the cap is read and handed over (JSON allows the leading spaces)
        String padded = " ".repeat(TelegramWebhook.MAX_BODY - update(108, "x").length()) + update(108, "x");
        assertThat(post(padded, SECRET).statusCode()).isEqualTo(200);
        assertThat(handed).extracting(Update::getUpdateId).containsExactly(108);
    }

    int statusOfPartialRequest(String secret, String lengthHeader, byte[] someBody) throws Exception {
        return PartialHttpRequest.status(server.endpoint(), Map.of("Content-Type", "application/json",
                TelegramWebhook.SECRET_HEADER, secret), lengthHeader, someBody);
    }

    @Test
    void aFailedHandOverIs5xxSoTelegramDeliversAgainAndMalformedBodiesAre400() throws Exception {
        failures.set(1);
        assertThat(post(update(106, "retry me"), SECRET).statusCode()).isEqualTo(500);
        assertThat(handed).isEmpty();
        assertThat(post(update(106, "retry me"), SECRET).statusCode()).isEqualTo(200);
        assertThat(handed).extracting(Update::getUpdateId).containsExactly(106);

        assertThat(post("{not json", SECRET).statusCode()).isEqualTo(400);
        assertThat(post("{\"message\":{}}", SECRET).statusCode()).isEqualTo(400);
        assertThat(post("[]", SECRET).statusCode()).isEqualTo(400);
        // only POST
        assertThat(http.send(HttpRequest.newBuilder(server.endpoint()).header(TelegramWebhook.SECRET_HEADER, SECRET).GET()
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
        assertThat(handed).hasSize(1);
    }

    @Test
    void notConnectedYetIs503() throws Exception {
        webhook.close();
        HttpResponse<String> response = post(update(107, "too early"), SECRET);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("1");
        assertThat(handed).isEmpty();
    }

    @Test
    void theSecretIsComparedAsAWhole() {
        assertThat(webhook.authorized(SECRET)).isTrue();
        assertThat(webhook.authorized(null)).isFalse();
        assertThat(webhook.authorized(SECRET + " ")).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TelegramWebhook(""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(URI.create("http://x" + TelegramWebhook.PATH).getPath()).isEqualTo("/webhooks/telegram");
    }
}
