package org.openpista.channel.telegram.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.channel.support.Backoff;
import org.openpista.testkit.FakeTelegramServer;
import org.openpista.testkit.FakeTelegramServer.Failure;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;

/** The Bot API over the JDK's HTTP client, against the fake Bot API: JSON methods, uploads, errors, cancelling. */
class BotTransportTest {

    private static final String TOKEN = "4242:transport-test-token";
    private static final long CHAT = 1001;

    final FakeTelegramServer telegram = new FakeTelegramServer(TOKEN);
    final BotHttp http = new BotHttp();
    final BotTransport transport = transport(TOKEN);

    @AfterEach
    void close() {
        http.close();
        telegram.close();
    }

    BotTransport transport(String token) {
        return new BotTransport(http.calls(), TelegramSettings.telegramUrl(telegram.apiUrl()), token);
    }

    @Test
    void aJsonMethodIsPostedAndItsAnswerRead() throws Exception {
        assertThat(transport.execute(new GetMe()).getUserName()).isEqualTo(FakeTelegramServer.BOT_USERNAME);

        Message sent = transport.execute(SendMessage.builder().chatId(CHAT).text("<b>hi</b> ünïcode").parseMode("HTML").build());

        assertThat(sent.getMessageId()).isPositive();
        FakeTelegramServer.Call call = telegram.calls("sendMessage").get(0);
        assertThat(call.param("text")).isEqualTo("<b>hi</b> ünïcode");
        assertThat(call.param("parse_mode")).isEqualTo("HTML");
        assertThat(call.chatId()).isEqualTo(CHAT);
    }

    @Test
    void aPhotoIsUploadedAsAMultipartFormWithItsFields() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        InlineKeyboardMarkup keyboard = new InlineKeyboardMarkup(List.of(new InlineKeyboardRow(
                InlineKeyboardButton.builder().text("Yes").callbackData("y").build())));
        SendPhoto method = SendPhoto.builder().chatId(CHAT).caption("a \"chart\" – ünïcode")
                .photo(new InputFile(new java.io.ByteArrayInputStream(png), "chart.png")).replyMarkup(keyboard).build();

        Message sent = transport.execute(method);

        assertThat(sent.hasPhoto()).isTrue();
        FakeTelegramServer.Call call = telegram.calls("sendPhoto").get(0);
        assertThat(call.ok()).isTrue();
        assertThat(call.param("photo")).isEqualTo("attach://chart.png");
        assertThat(call.upload("photo")).isEqualTo(png);
        assertThat(call.param("caption")).isEqualTo("a \"chart\" – ünïcode");
        assertThat(call.chatId()).isEqualTo(CHAT);
        assertThat(call.jsonParam("reply_markup").path("inline_keyboard").get(0).get(0).path("callback_data").asText())
                .isEqualTo("y");
    }

    @Test
    void theWebhookIsSetAsAMultipartForm() throws Exception {
        assertThat(transport.execute(SetWebhook.builder().url("https://bot.example/telegram/webhook").secretToken("s3cret")
                .allowedUpdates(Poller.ALLOWED_UPDATES).maxConnections(1).dropPendingUpdates(false).build())).isTrue();

        FakeTelegramServer.Webhook webhook = telegram.webhook();
        assertThat(webhook.url()).isEqualTo("https://bot.example/telegram/webhook");
        assertThat(webhook.secretToken()).isEqualTo("s3cret");
        assertThat(webhook.allowedUpdates()).containsExactly("message", "callback_query");
        assertThat(webhook.maxConnections()).isEqualTo(1);
    }

    @Test
    void errorsCarryTelegramsCodeDescriptionAndRetryAfter() {
        assertThatThrownBy(() -> transport("1:wrong").execute(new GetMe()))
                .isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
                    assertThat(e.getErrorCode()).isEqualTo(401);
                    assertThat(e.getApiResponse()).isEqualTo("Unauthorized");
                });
        telegram.failNext("getMe", Failure.status(409, "Conflict: terminated by other getUpdates request"),
                Failure.tooManyRequests(3), Failure.proxyPage(502), Failure.disconnect());
        assertThatThrownBy(() -> transport.execute(new GetMe())).isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(409);
            assertThat(e.getApiResponse()).isEqualTo("Conflict: terminated by other getUpdates request");
            assertThat(BotApi.retryWait(e, new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)))).isEqualTo(-1);
        });
        assertThatThrownBy(() -> transport.execute(new GetMe())).isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(429);
            assertThat(e.getParameters().getRetryAfter()).isEqualTo(3);
            assertThat(BotApi.retryWait(e, new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)))).isEqualTo(3000);
        });
        // a proxy's HTML page: the status is kept, so a 5xx is retried
        assertThatThrownBy(() -> transport.execute(new GetMe())).isInstanceOfSatisfying(TelegramApiRequestException.class, e -> {
            assertThat(e.getErrorCode()).isEqualTo(502);
            assertThat(BotApi.retryWait(e, new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)))).isEqualTo(10);
        });
        // a dropped connection is a network error, retried
        assertThatThrownBy(() -> transport.execute(new GetMe())).isInstanceOfSatisfying(TelegramApiException.class, e -> {
            assertThat(e).isNotInstanceOf(TelegramApiRequestException.class);
            assertThat(BotApi.problem(e)).startsWith("network error: ");
            assertThat(BotApi.retryWait(e, new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)))).isEqualTo(10);
        });
        assertThat(telegram.failuresLeft("getMe")).isZero();
    }

    @Test
    void closingAbortsTheLongPollOfItsOwnCallsOnly() throws Exception {
        BotTransport poll = transport.onOwnCalls();
        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return poll.execute(new UpdatesRequest(0, 100, 30, Poller.ALLOWED_UPDATES), Duration.ofSeconds(45));
            } catch (TelegramApiException e) {
                return e;
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (telegram.pollsStarted() == 0) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(10);
        }

        poll.close();

        Object ended = waiting.get(5, TimeUnit.SECONDS);
        assertThat(ended).isInstanceOfSatisfying(TelegramApiException.class, e -> {
            assertThat(BotApi.problem(e)).isEqualTo("network error: " + HttpCalls.CANCELED);
            assertThat(BotApi.retryWait(e, new Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)))).isEqualTo(-1);
        });
        // the channel's own calls go on
        assertThat(transport.execute(new GetMe()).getUserName()).isEqualTo(FakeTelegramServer.BOT_USERNAME);
    }

    @Test
    void aFileIsDownloadedFromTheFileServer() throws Exception {
        byte[] bytes = "%PDF-1.4 a small file".getBytes(StandardCharsets.UTF_8);
        telegram.userSendsDocument(CHAT, "", "a.pdf", "application/pdf", bytes);
        String fileId = telegram.pendingUpdates().get(0).path("message").path("document").path("file_id").asText();
        String path = transport.execute(org.telegram.telegrambots.meta.api.methods.GetFile.builder().fileId(fileId).build())
                .getFilePath();

        HttpResponse<byte[]> response = transport.download(path, 1024);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(bytes);
        assertThat(new BotApi(transport, Duration.ofMillis(10)).download(fileId, 1024)).isEqualTo(bytes);
        assertThatThrownBy(() -> new BotApi(transport, Duration.ofMillis(10)).download(fileId, bytes.length - 1))
                .isInstanceOf(BotApiException.class).hasMessageContaining("too large");
    }
}
