package org.openpista.channel.telegram.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Serializable;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.openpista.api.chat.Attachment;
import org.openpista.channel.support.Backoff;
import org.openpista.channel.support.BoundedBody;
import org.openpista.channel.support.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.methods.AnswerCallbackQuery;
import org.telegram.telegrambots.meta.api.methods.GetFile;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.File;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiValidationException;

/**
 * The Bot API methods openpista sends, through {@link BotTransport}, with retries: a 429
 * waits the {@code retry_after} Telegram asks for, server errors (5xx, unreadable answers) and
 * network errors are retried with backoff, other errors (400, 401, 403) fail at once with
 * Telegram's description. A retry after a network error may deliver a message twice; losing it
 * would be worse.
 */
final class BotApi {

    private static final Logger LOG = LoggerFactory.getLogger(BotApi.class);

    /** Tries per call before giving up on transient errors. */
    static final int ATTEMPTS = 6;
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);

    /** A call to the Bot API. */
    @FunctionalInterface
    interface ApiCall<T> {
        T run() throws TelegramApiException;
    }

    private final BotTransport client;
    private final Duration firstBackoff;

    BotApi(BotTransport client, Duration firstBackoff) {
        this.client = client;
        this.firstBackoff = firstBackoff;
    }

    /** @return the bot's own user */
    User getMe() throws BotApiException, InterruptedException {
        return call("getMe", () -> client.execute(new MeRequest()));
    }

    /**
     * Has Telegram deliver updates to a webhook instead of {@code getUpdates}: one request at a time,
     * each carrying the secret; updates not delivered yet are kept and sent there.
     */
    void setWebhook(String url, String secret, List<String> allowedUpdates) throws BotApiException, InterruptedException {
        SetWebhook method = SetWebhook.builder().url(url).secretToken(secret).allowedUpdates(allowedUpdates)
                .maxConnections(1).dropPendingUpdates(false).build();
        call("setWebhook", () -> client.execute(method));
    }

    /** Sends a text; {@code html} selects Telegram's HTML parse mode. */
    Message sendMessage(long chatId, String text, boolean html, InlineKeyboardMarkup keyboard)
            throws BotApiException, InterruptedException {
        SendMessage.SendMessageBuilder<?, ?> builder = SendMessage.builder().chatId(chatId).text(text);
        if (html) {
            builder.parseMode("HTML");
        }
        if (keyboard != null) {
            builder.replyMarkup(keyboard);
        }
        SendMessage method = builder.build();
        return call("sendMessage", () -> client.execute(method));
    }

    /** Shows "typing…" in the chat for about five seconds. */
    void sendTyping(long chatId) throws BotApiException, InterruptedException {
        SendChatAction method = SendChatAction.builder().chatId(chatId).action("typing").build();
        callOnce("sendChatAction", method);
    }

    /** Uploads an image as a photo. */
    Message sendPhoto(long chatId, Attachment image, String caption) throws BotApiException, InterruptedException {
        String name = image.name().isBlank() ? "image" + extension(image.mimeType()) : image.name();
        return call("sendPhoto", () -> {
            SendPhoto.SendPhotoBuilder<?, ?> builder = SendPhoto.builder().chatId(chatId)
                    .photo(new InputFile(new ByteArrayInputStream(image.data()), name));
            if (caption != null && !caption.isBlank()) {
                builder.caption(caption);
            }
            return client.execute(builder.build());
        });
    }

    /**
     * Fetches a file a user sent: {@code getFile} for its path and size, then the download from the
     * file server, read to at most {@code maxBytes} (a larger file is refused before it is read).
     *
     * @return the bytes
     * @throws BotApiException when Telegram refuses, the download fails or the file is too large
     */
    byte[] download(String fileId, long maxBytes) throws BotApiException, InterruptedException {
        GetFile method = GetFile.builder().fileId(fileId).build();
        File file = call("getFile", () -> client.execute(method));
        if (file.getFileSize() != null && file.getFileSize() > maxBytes) {
            throw new BotApiException("the file is too large (" + file.getFileSize() / 1024 + " KB; the limit is "
                    + maxBytes / 1024 + " KB)", 413, null);
        }
        HttpResponse<byte[]> response;
        try {
            response = client.download(file.getFilePath(), maxBytes);
        } catch (BoundedBody.TooLarge e) {
            throw new BotApiException("the file is too large (the limit is " + maxBytes / 1024 + " KB)", 413, null);
        } catch (IOException e) {
            throw new BotApiException("the file could not be downloaded from Telegram: " + problem(e), 0, null);
        }
        if (response.statusCode() / 100 != 2) {
            throw new BotApiException("the file could not be downloaded from Telegram (HTTP " + response.statusCode() + ")",
                    response.statusCode(), null);
        }
        return response.body();
    }

    /** Answers a button press, optionally with a short notice for the user. */
    void answerCallback(String callbackQueryId, String text) throws BotApiException, InterruptedException {
        AnswerCallbackQuery.AnswerCallbackQueryBuilder<?, ?> builder = AnswerCallbackQuery.builder().callbackQueryId(callbackQueryId);
        if (text != null && !text.isBlank()) {
            builder.text(text);
        }
        AnswerCallbackQuery method = builder.build();
        call("answerCallbackQuery", () -> client.execute(method));
    }

    /** Replaces the text of a bot message and removes its buttons. */
    void editText(long chatId, int messageId, String html) throws BotApiException, InterruptedException {
        EditMessageText method = EditMessageText.builder().chatId(chatId).messageId(messageId).text(html).parseMode("HTML").build();
        call("editMessageText", () -> client.execute(method));
    }

    private <T extends Serializable> void callOnce(String name, BotApiMethod<T> method) throws BotApiException, InterruptedException {
        try {
            client.execute(method);
        } catch (TelegramApiException e) {
            throwIfInterrupted(e);
            throw new BotApiException(describe(name, e), code(e), e);
        }
    }

    /** Runs a call, retrying transient failures. */
    <T> T call(String name, ApiCall<T> call) throws BotApiException, InterruptedException {
        Backoff backoff = new Backoff(firstBackoff, MAX_WAIT);
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (TelegramApiException e) {
                throwIfInterrupted(e);
                long wait = retryWait(e, backoff);
                if (wait < 0 || attempt >= ATTEMPTS) {
                    throw new BotApiException(describe(name, e), code(e), e);
                }
                LOG.warn("Telegram {} failed ({}); retry {} of {} in {} ms", name, describe(name, e), attempt,
                        ATTEMPTS - 1, wait);
                Thread.sleep(wait);
            }
        }
    }

    /** @return how long to wait before retrying, or -1 when the error is final */
    static long retryWait(TelegramApiException error, Backoff backoff) {
        if (error instanceof TelegramApiValidationException) {
            return -1;
        }
        if (error instanceof TelegramApiRequestException request) {
            int code = request.getErrorCode() == null ? 0 : request.getErrorCode();
            if (code == 429) {
                Integer retryAfter = request.getParameters() == null ? null : request.getParameters().getRetryAfter();
                return Math.min(MAX_WAIT.toMillis(), Math.max(1, retryAfter == null ? 1 : retryAfter) * 1000L);
            }
            if (code >= 500) {
                return backoff.nextMillis();
            }
            // other errors, and answers that could not be read: Telegram may have acted on the request, and
            // sending it again could post a message twice (error pages of proxies arrive as 5xx, see ErrorBodies)
            return -1;
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (!(root instanceof IOException) || root instanceof JsonProcessingException) {
            return -1; // not a network error: the answer arrived but could not be read
        }
        if ("Canceled".equals(root.getMessage())) {
            return -1; // the channel is stopping and cancelled its calls
        }
        return backoff.nextMillis(); // network: refused, reset, timed out
    }

    private static void throwIfInterrupted(TelegramApiException e) throws InterruptedException {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof InterruptedException || cause instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted during a Telegram call");
            }
        }
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted during a Telegram call");
        }
    }

    private static int code(TelegramApiException e) {
        if (e instanceof TelegramApiRequestException request && request.getErrorCode() != null) {
            return request.getErrorCode();
        }
        return 0;
    }

    /** @return one line: the method and Telegram's description or the network error, never the token */
    static String describe(String method, TelegramApiException e) {
        if (e instanceof TelegramApiRequestException request && request.getApiResponse() != null) {
            return method + ": [" + request.getErrorCode() + "] " + request.getApiResponse();
        }
        return method + ": " + problem(e);
    }

    /** @return one line saying what went wrong short of an answer from Telegram (network, unreadable answer), never the token */
    static String problem(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = Problems.describe(root);
        if (root instanceof JsonProcessingException) {
            message = "unreadable answer: " + message;
        } else if (root instanceof IOException && !(root instanceof InterruptedIOException)) {
            message = "network error: " + message;
        } else if (root instanceof NullPointerException) {
            message = "the answer is not the Bot API's (check api_url)";
        }
        int lineEnd = message.indexOf('\n');
        if (lineEnd >= 0) {
            message = message.substring(0, lineEnd).strip(); // Jackson adds the location on lines of its own
        }
        return message.replaceAll("bot[0-9]+:[A-Za-z0-9_-]+", "bot<token>");
    }

    private static String extension(String mimeType) {
        return switch (mimeType) {
            case "image/png" -> ".png";
            case "image/jpeg" -> ".jpg";
            case "image/gif" -> ".gif";
            case "image/webp" -> ".webp";
            default -> "";
        };
    }

    /** @return whether an attachment can be sent as a Telegram photo */
    static boolean isPhoto(Attachment attachment) {
        return List.of("image/png", "image/jpeg", "image/gif", "image/webp").contains(attachment.mimeType());
    }
}
