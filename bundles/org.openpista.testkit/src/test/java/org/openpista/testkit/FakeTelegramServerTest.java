package org.openpista.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FakeTelegramServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "123456:TEST-token";

    private final FakeTelegramServer server = new FakeTelegramServer(TOKEN);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void getMeAnswersTheBotAndAWrongTokenIsUnauthorized() throws Exception {
        JsonNode me = call(TOKEN, "getMe", "{}");
        assertThat(me.path("ok").asBoolean()).isTrue();
        assertThat(me.path("result").path("is_bot").asBoolean()).isTrue();
        assertThat(me.path("result").path("username").asText()).isEqualTo(FakeTelegramServer.BOT_USERNAME);

        assertThat(call(TOKEN, "getme", "{}").path("ok").asBoolean()).isTrue(); // case-insensitive, as in the Bot API
        assertThat(server.calls("getMe")).hasSize(2);

        JsonNode refused = call("999:wrong", "getMe", "{}");
        assertThat(refused.path("ok").asBoolean()).isFalse();
        assertThat(refused.path("error_code").asInt()).isEqualTo(401);
        assertThat(refused.path("description").asText()).isEqualTo("Unauthorized");
    }

    @Test
    void getUpdatesReturnsUnconfirmedUpdatesUntilAnOffsetConfirmsThem() throws Exception {
        long first = server.userSends(42, "hello");
        long second = server.userSends(42, "/new");

        JsonNode updates = call(TOKEN, "getUpdates", "{\"timeout\":0}").path("result");
        assertThat(updates).hasSize(2);
        assertThat(updates.get(0).path("update_id").asLong()).isEqualTo(first);
        assertThat(updates.get(0).path("message").path("text").asText()).isEqualTo("hello");
        assertThat(updates.get(0).path("message").path("chat").path("type").asText()).isEqualTo("private");
        assertThat(updates.get(1).path("message").path("entities").get(0).path("type").asText()).isEqualTo("bot_command");

        // the same poll again without offset: nothing was confirmed
        assertThat(call(TOKEN, "getUpdates", "{\"timeout\":0}").path("result")).hasSize(2);
        // offset = first + 1 confirms the first only
        JsonNode rest = call(TOKEN, "getUpdates", "{\"offset\":" + (first + 1) + ",\"timeout\":0}").path("result");
        assertThat(rest).hasSize(1);
        assertThat(rest.get(0).path("update_id").asLong()).isEqualTo(second);
        assertThat(server.confirmedOffset()).isEqualTo(first + 1);
        assertThat(server.unconfirmedUpdates()).isEqualTo(1);
    }

    @Test
    void aLongPollWaitsForTheNextUpdate() throws Exception {
        CompletableFuture<JsonNode> poll = CompletableFuture.supplyAsync(() -> callUnchecked("getUpdates", "{\"timeout\":10}"));
        Thread.sleep(200);
        assertThat(poll).isNotDone();
        server.userSends(7, "wake up");
        JsonNode updates = poll.get().path("result");
        assertThat(updates).hasSize(1);
        assertThat(updates.get(0).path("message").path("text").asText()).isEqualTo("wake up");
    }

    @Test
    void aSecondPollTerminatesTheFirstWithConflict() throws Exception {
        CompletableFuture<JsonNode> first = CompletableFuture.supplyAsync(() -> callUnchecked("getUpdates", "{\"timeout\":10}"));
        Thread.sleep(200);
        CompletableFuture<JsonNode> second = CompletableFuture.supplyAsync(() -> callUnchecked("getUpdates", "{\"timeout\":1}"));
        assertThat(first.get().path("error_code").asInt()).isEqualTo(409);
        assertThat(second.get().path("ok").asBoolean()).isTrue();
    }

    @Test
    void sendMessageChecksHtmlAndLength() throws Exception {
        JsonNode sent = call(TOKEN, "sendMessage",
                "{\"chat_id\":42,\"text\":\"<b>bold</b> &amp; &lt;tag&gt;\",\"parse_mode\":\"HTML\"}");
        assertThat(sent.path("ok").asBoolean()).isTrue();
        assertThat(sent.path("result").path("text").asText()).isEqualTo("bold & <tag>");

        JsonNode badTag = call(TOKEN, "sendMessage", "{\"chat_id\":42,\"text\":\"<h1>x</h1>\",\"parse_mode\":\"HTML\"}");
        assertThat(badTag.path("error_code").asInt()).isEqualTo(400);
        assertThat(badTag.path("description").asText()).contains("can't parse entities").contains("h1");

        JsonNode bareAmp = call(TOKEN, "sendMessage", "{\"chat_id\":42,\"text\":\"a & b\",\"parse_mode\":\"HTML\"}");
        assertThat(bareAmp.path("error_code").asInt()).isEqualTo(400);

        JsonNode unclosed = call(TOKEN, "sendMessage", "{\"chat_id\":42,\"text\":\"<b>x\",\"parse_mode\":\"HTML\"}");
        assertThat(unclosed.path("description").asText()).contains("Can't find end tag");

        String tooLong = "x".repeat(FakeTelegramServer.MAX_TEXT + 1);
        JsonNode longAnswer = call(TOKEN, "sendMessage", "{\"chat_id\":42,\"text\":\"" + tooLong + "\"}");
        assertThat(longAnswer.path("description").asText()).isEqualTo("Bad Request: message is too long");
        // entities do not count: 4096 visible characters written with &amp; pass
        JsonNode entities = call(TOKEN, "sendMessage", "{\"chat_id\":42,\"text\":\"" + "&amp;".repeat(4096)
                + "\",\"parse_mode\":\"HTML\"}");
        assertThat(entities.path("ok").asBoolean()).isTrue();

        assertThat(server.chatLog(42)).extracting(FakeTelegramServer.ChatEntry::fromBot).containsOnly(true);
        assertThat(server.chatLog(42)).hasSize(2);
    }

    @Test
    void scriptedFailuresComeInOrderThenRequestsSucceedAgain() throws Exception {
        server.failNext("sendMessage", FakeTelegramServer.Failure.tooManyRequests(3),
                FakeTelegramServer.Failure.status(502, "Bad Gateway"), FakeTelegramServer.Failure.disconnect());

        JsonNode limited = call(TOKEN, "sendMessage", "{\"chat_id\":1,\"text\":\"a\"}");
        assertThat(limited.path("error_code").asInt()).isEqualTo(429);
        assertThat(limited.path("parameters").path("retry_after").asInt()).isEqualTo(3);
        JsonNode gateway = call(TOKEN, "sendMessage", "{\"chat_id\":1,\"text\":\"a\"}");
        assertThat(gateway.path("error_code").asInt()).isEqualTo(502);
        assertThatThrownBy(() -> call(TOKEN, "sendMessage", "{\"chat_id\":1,\"text\":\"a\"}")).isInstanceOf(IOException.class);
        assertThat(call(TOKEN, "sendMessage", "{\"chat_id\":1,\"text\":\"a\"}").path("ok").asBoolean()).isTrue();
        assertThat(server.calls("sendMessage")).extracting(FakeTelegramServer.Call::status).containsExactly(429, 502, 0, 200);

        server.failNext("getUpdates", FakeTelegramServer.Failure.proxyPage(502));
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.apiUrl() + "/bot" + TOKEN + "/getUpdates"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(502);
        assertThat(page.headers().firstValue("content-type")).contains("text/html");
        assertThat(page.body()).contains("<h1>502");
    }

    @Test
    void sendPhotoTakesAMultipartUpload() throws Exception {
        String boundary = "b0undary";
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3};
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"shot.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + png.length + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(png, 0, body, head.length, png.length);
        System.arraycopy(tail, 0, body, head.length + png.length, tail.length);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.apiUrl() + "/bot" + TOKEN + "/sendPhoto"))
                .header("content-type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).path("result").path("photo")).isNotEmpty();
        assertThat(server.calls("sendPhoto").get(0).upload("photo")).isEqualTo(png);
        assertThat(server.chatLog(42).get(0).photo()).isTrue();
    }

    @Test
    void buttonsCallbacksAndEdits() throws Exception {
        JsonNode sent = call(TOKEN, "sendMessage", "{\"chat_id\":5,\"text\":\"Run it?\",\"reply_markup\":"
                + "{\"inline_keyboard\":[[{\"text\":\"Allow\",\"callback_data\":\"ap:1:a\"}]]}}");
        int messageId = sent.path("result").path("message_id").asInt();
        assertThat(server.chatLog(5).get(0).keyboard().path("inline_keyboard").get(0).get(0).path("text").asText())
                .isEqualTo("Allow");

        server.userPresses(5, 5, messageId, "ap:1:a");
        JsonNode update = call(TOKEN, "getUpdates", "{\"timeout\":0}").path("result").get(0);
        String queryId = update.path("callback_query").path("id").asText();
        assertThat(update.path("callback_query").path("data").asText()).isEqualTo("ap:1:a");
        assertThat(update.path("callback_query").path("message").path("message_id").asInt()).isEqualTo(messageId);

        assertThat(call(TOKEN, "answerCallbackQuery", "{\"callback_query_id\":\"" + queryId + "\"}").path("ok").asBoolean()).isTrue();
        assertThat(server.callbackAnswered(queryId)).isTrue();
        assertThat(call(TOKEN, "answerCallbackQuery", "{\"callback_query_id\":\"nope\"}").path("error_code").asInt()).isEqualTo(400);

        JsonNode edited = call(TOKEN, "editMessageText", "{\"chat_id\":5,\"message_id\":" + messageId + ",\"text\":\"Allowed\"}");
        assertThat(edited.path("ok").asBoolean()).isTrue();
        assertThat(server.chatLog(5).get(0).text()).isEqualTo("Allowed");
        assertThat(server.chatLog(5).get(0).keyboard().isMissingNode()).isTrue();
        JsonNode same = call(TOKEN, "editMessageText", "{\"chat_id\":5,\"message_id\":" + messageId + ",\"text\":\"Allowed\"}");
        assertThat(same.path("description").asText()).contains("message is not modified");
        assertThat(server.awaitCall("editMessageText", FakeTelegramServer.Call::ok, Duration.ofSeconds(1)).param("text"))
                .isEqualTo("Allowed");
    }

    @Test
    void formEncodedParametersAndUnknownMethods() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(server.apiUrl() + "/bot" + TOKEN + "/sendChatAction?chat_id=9&action=typing"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(response.body()).path("result").asBoolean()).isTrue();
        assertThat(call(TOKEN, "sendChatAction", "{\"chat_id\":9,\"action\":\"dancing\"}").path("error_code").asInt()).isEqualTo(400);
        assertThat(call(TOKEN, "sendDice", "{\"chat_id\":9}").path("error_code").asInt()).isEqualTo(404);
    }

    @Test
    void setWebhookRecordsUrlSecretAndAllowedUpdatesAndPollingConflictsUntilItIsDeleted() throws Exception {
        JsonNode plainHttp = call(TOKEN, "setWebhook", "{\"url\":\"http://bot.example.org/hook\"}");
        assertThat(plainHttp.path("error_code").asInt()).isEqualTo(400);
        assertThat(plainHttp.path("description").asText()).contains("HTTPS URL must be provided");
        assertThat(call(TOKEN, "setWebhook", "{\"url\":\"https://bot.example.org/hook\",\"secret_token\":\"no spaces\"}")
                .path("error_code").asInt()).isEqualTo(400);
        assertThat(server.webhook()).isNull();

        JsonNode set = call(TOKEN, "setWebhook", "{\"url\":\"https://bot.example.org/hook\",\"secret_token\":\"s3cret_-X\","
                + "\"allowed_updates\":[\"message\",\"callback_query\"],\"max_connections\":1}");
        assertThat(set.path("result").asBoolean()).isTrue();
        assertThat(set.path("description").asText()).isEqualTo("Webhook was set");
        assertThat(server.webhook()).isEqualTo(new FakeTelegramServer.Webhook("https://bot.example.org/hook", "s3cret_-X",
                java.util.List.of("message", "callback_query"), 1));
        server.userSends(42, "hello");
        JsonNode info = call(TOKEN, "getWebhookInfo", "{}").path("result");
        assertThat(info.path("url").asText()).isEqualTo("https://bot.example.org/hook");
        assertThat(info.path("pending_update_count").asInt()).isEqualTo(1);
        assertThat(info.path("allowed_updates").toString()).isEqualTo("[\"message\",\"callback_query\"]");
        assertThat(info.has("secret_token")).isFalse(); // Telegram never shows it again

        JsonNode conflict = call(TOKEN, "getUpdates", "{\"timeout\":0}");
        assertThat(conflict.path("error_code").asInt()).isEqualTo(409);
        assertThat(conflict.path("description").asText()).contains("webhook is active");

        assertThat(call(TOKEN, "deleteWebhook", "{}").path("description").asText()).isEqualTo("Webhook was deleted");
        assertThat(server.webhook()).isNull();
        assertThat(call(TOKEN, "getUpdates", "{\"timeout\":0}").path("result")).hasSize(1);
        assertThat(call(TOKEN, "getWebhookInfo", "{}").path("result").path("url").asText()).isEmpty();
    }

    @Test
    void updatesArePostedToTheWebhookWithTheSecretAndForgottenOnlyWhenAccepted() throws Exception {
        java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger failFirst = new java.util.concurrent.atomic.AtomicInteger(1);
        com.sun.net.httpserver.HttpServer bot = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        bot.createContext("/webhooks/telegram", exchange -> {
            String secret = exchange.getRequestHeaders().getFirst(FakeTelegramServer.SECRET_HEADER);
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = !"right-secret".equals(secret) ? 401 : failFirst.getAndDecrement() > 0 ? 503 : 200;
            if (status == 200) {
                received.add(JSON.readTree(body).path("message").path("text").asText());
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        bot.start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:" + bot.getAddress().getPort() + "/webhooks/telegram");
            call(TOKEN, "setWebhook", "{\"url\":\"https://bot.example.org/webhooks/telegram\",\"secret_token\":\"right-secret\"}");
            long first = server.userSends(42, "one");

            assertThat(server.postToWebhook(endpoint, first, "wrong-secret")).isEqualTo(401);
            assertThat(server.postToWebhook(endpoint, first, null)).isEqualTo(401);
            assertThat(server.unconfirmedUpdates()).isEqualTo(1);
            assertThat(call(TOKEN, "getWebhookInfo", "{}").path("result").path("last_error_message").asText()).contains("401");

            server.userSends(42, "two");
            server.userSends(43, "three");
            server.forwardWebhookTo(endpoint);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.unconfirmedUpdates() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(received).containsExactly("one", "two", "three");
            assertThat(server.webhookDeliveries()).extracting(FakeTelegramServer.WebhookDelivery::status)
                    .containsExactly(401, 401, 503, 200, 200, 200);
            assertThat(server.webhookDeliveries().get(2).updateId()).isEqualTo(first);
            assertThat(server.webhookDeliveries().get(2).secretToken()).isEqualTo("right-secret");
            assertThatThrownBy(() -> server.postToWebhook(endpoint, first, "right-secret"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not pending");
        } finally {
            bot.stop(0);
        }
    }

    private JsonNode callUnchecked(String method, String json) {
        try {
            return call(TOKEN, method, json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode call(String token, String method, String json) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.apiUrl() + "/bot" + token + "/" + method))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
