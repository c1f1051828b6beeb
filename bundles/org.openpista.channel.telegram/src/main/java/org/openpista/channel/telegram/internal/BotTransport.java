package org.openpista.channel.telegram.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.openpista.channel.support.BoundedBody;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.botapimethods.BotApiMethod;
import org.telegram.telegrambots.meta.api.methods.botapimethods.PartialBotApiMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendMediaBotMethod;
import org.telegram.telegrambots.meta.api.methods.send.SendPhoto;
import org.telegram.telegrambots.meta.api.methods.updates.SetWebhook;
import org.telegram.telegrambots.meta.api.objects.InputFile;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * The Bot API over the JDK's HTTP client, as telegrambots' OkHttp client speaks it: a method is a
 * POST to {@code <api>/bot<token>/<method>} with the method written by Jackson, or, for uploads
 * and {@code setWebhook}, as a multipart form; the answer is read by the method's own {@code
 * deserializeResponse}, which throws {@code TelegramApiRequestException} with Telegram's {@code
 * error_code}, description and {@code retry_after}. Network errors arrive as a {@code
 * TelegramApiException} whose cause is the {@code IOException}, as from telegrambots.
 */
final class BotTransport implements AutoCloseable {
    /** The largest Bot API answer read: a hundred updates with their texts are well below. */
    static final long MAX_ANSWER = 16L * 1024 * 1024;

    /** How long a call waits for Telegram's answer (a long poll waits its timeout more). */
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Why a call fails when the token has characters a URL cannot carry (never the token itself). */
    static final String TOKEN_NOT_IN_URL = "the bot token has characters a URL cannot carry; check [channels.telegram] token";
    /** How long a file download may take, body included (20 MB at some 200 KB/s). */
    static final Duration DOWNLOAD_TIMEOUT = Duration.ofSeconds(120);

    @FunctionalInterface
    private interface Read<T> {
        T run() throws TelegramApiException;
    }

    private final HttpCalls calls;
    private final TelegramUrl url;
    private final String token;
    private final ObjectMapper json = new ObjectMapper();
    private final ClassLoader bundle = BotTransport.class.getClassLoader();

    BotTransport(HttpCalls calls, TelegramUrl url, String token) {
        this.calls = calls;
        this.url = url;
        this.token = token;
    }

    /** @return a transport to the same bot whose requests are cancelled on their own ({@link #close}) */
    BotTransport onOwnCalls() {
        return new BotTransport(calls.sibling(), url, token);
    }

    /** Calls a method whose parameters are JSON. */
    <T extends Serializable> T execute(BotApiMethod<T> method) throws TelegramApiException {
        return execute(method, TIMEOUT);
    }

    /** Calls a method whose parameters are JSON, waiting at most {@code timeout} for the answer. */
    <T extends Serializable> T execute(BotApiMethod<T> method, Duration timeout) throws TelegramApiException {
        method.validate();
        String plain = method instanceof PlainBody own ? own.json() : null;
        String body = plain != null ? plain : inBundle(() -> {
            try {
                return json.writeValueAsString(method);
            } catch (JsonProcessingException e) {
                throw new TelegramApiException("Unable to execute " + method.getMethod() + " method", e);
            }
        });
        HttpRequest request = HttpRequest.newBuilder(methodUri(method.getMethod())).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        return answer(method, request);
    }

    /** Uploads a photo (multipart). */
    Message execute(SendPhoto method) throws TelegramApiException {
        method.validate();
        MultipartForm form = new MultipartForm();
        upload(form, method.getFileField(), method.getFile());
        mediaFields(form, method);
        form.field(SendPhoto.CAPTION_FIELD, method.getCaption())
                .field(SendPhoto.PARSE_MODE_FIELD, method.getParseMode())
                .field(SendPhoto.HAS_SPOILER_FIELD, method.getHasSpoiler())
                .field(SendPhoto.BUSINESS_CONNECTION_ID_FIELD, method.getBusinessConnectionId())
                .field(SendPhoto.SHOW_CAPTION_ABOVE_MEDIA_FIELD, method.getShowCaptionAboveMedia())
                .field(SendPhoto.CAPTION_ENTITIES_FIELD, jsonOf(method, method.getCaptionEntities()));
        return answer(method, multipart(method.getMethod(), form));
    }

    /** Sets the webhook (multipart: it may carry a certificate). */
    Boolean execute(SetWebhook method) throws TelegramApiException {
        method.validate();
        MultipartForm form = new MultipartForm()
                .field(SetWebhook.URL_FIELD, method.getUrl())
                .field(SetWebhook.MAX_CONNECTIONS_FIELD, method.getMaxConnections())
                .field(SetWebhook.ALLOWED_UPDATES_FIELD, jsonOf(method, method.getAllowedUpdates()))
                .field(SetWebhook.IP_ADDRESS_FIELD, method.getIpAddress())
                .field(SetWebhook.DROP_PENDING_UPDATES_FIELD, method.getDropPendingUpdates())
                .field(SetWebhook.SECRET_TOKEN_FIELD, method.getSecretToken());
        upload(form, SetWebhook.CERTIFICATE_FIELD, method.getCertificate());
        return answer(method, multipart(method.getMethod(), form));
    }

    /**
     * Starts the download of a file from the file server, {@code <api root>/file/bot<token>/<file_path>}
     * (telegrambots' own download always goes to Telegram's server, whatever {@code api_url} says).
     *
     * @param maxBytes the largest file read: a larger one fails with {@link BoundedBody.TooLarge}
     * @return the answer, read whole within {@link #DOWNLOAD_TIMEOUT}
     */
    HttpResponse<byte[]> download(String filePath, long maxBytes) throws IOException, InterruptedException {
        URI file;
        try {
            file = URI.create(root() + "/file/bot" + token + "/" + filePath);
        } catch (IllegalArgumentException e) {
            throw new IOException("the file's path or the token cannot be part of a URL");
        }
        return calls.send(HttpRequest.newBuilder(file).timeout(DOWNLOAD_TIMEOUT).GET().build(), BoundedBody.upTo(maxBytes));
    }

    /** Aborts the requests under way of this transport's calls; later ones fail. */
    @Override
    public void close() {
        calls.close();
    }

    /** The fields every media method has (not the deprecated reply_to_message_id and allow_sending_without_reply: reply_parameters). */
    private void mediaFields(MultipartForm form, SendMediaBotMethod<?> method) throws TelegramApiException {
        form.field(SendMediaBotMethod.CHAT_ID_FIELD, method.getChatId())
                .field(SendMediaBotMethod.MESSAGE_THREAD_ID_FIELD, method.getMessageThreadId())
                .field(SendMediaBotMethod.DISABLE_NOTIFICATION_FIELD, method.getDisableNotification())
                .field(SendMediaBotMethod.PROTECT_CONTENT_FIELD, method.getProtectContent())
                .field(SendMediaBotMethod.MESSAGE_EFFECT_ID_FIELD, method.getMessageEffectId())
                .field(SendMediaBotMethod.ALLOW_PAID_BROADCAST_FIELD, method.getAllowPaidBroadcast())
                .field(SendMediaBotMethod.DIRECT_MESSAGES_TOPIC_ID_FIELD, method.getDirectMessagesTopicId())
                .field(SendMediaBotMethod.SUGGESTED_POST_PARAMETERS_FIELD, method.getSuggestedPostParameters());
        form.field(SendMediaBotMethod.REPLY_PARAMETERS_FIELD, jsonOf(method, method.getReplyParameters()))
                .field(SendMediaBotMethod.REPLY_MARKUP_FIELD, jsonOf(method, method.getReplyMarkup()));
    }

    /** A new file is uploaded as a part of its own and the field names it ({@code attach://<name>}); an old one is its id. */
    private static void upload(MultipartForm form, String field, InputFile file) throws TelegramApiException {
        if (file == null) {
            return;
        }
        if (file.isNew()) {
            try {
                byte[] bytes;
                if (file.getNewMediaFile() != null) {
                    bytes = java.nio.file.Files.readAllBytes(file.getNewMediaFile().toPath());
                } else {
                    try (InputStream in = file.getNewMediaStream()) {
                        bytes = in.readAllBytes();
                    }
                }
                form.file(file.getMediaName(), file.getMediaName(), bytes);
            } catch (IOException e) {
                throw new TelegramApiException("Unable to read the file to upload", e);
            }
        }
        form.field(field, file.getAttachName());
    }

    private String jsonOf(PartialBotApiMethod<?> method, Object value) throws TelegramApiException {
        if (value == null) {
            return null;
        }
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new TelegramApiException("Unable to execute " + method.getMethod() + " method", e);
        }
    }

    private HttpRequest multipart(String method, MultipartForm form) throws TelegramApiException {
        return HttpRequest.newBuilder(methodUri(method)).timeout(TIMEOUT).header("Content-Type", form.contentType())
                .POST(form.body()).build();
    }

    /** Sends the request and reads the answer as the method's result, or throws what Telegram answered. */
    private <T extends Serializable> T answer(PartialBotApiMethod<T> method, HttpRequest request) throws TelegramApiException {
        HttpResponse<byte[]> response;
        try {
            response = calls.send(request, BoundedBody.upTo(MAX_ANSWER));
        } catch (IOException | InterruptedException e) {
            throw new TelegramApiException("Unable to execute " + method.getMethod() + " method", e);
        }
        String body = ErrorBodies.asBotApi(response.statusCode(), response.headers(),
                new String(response.body(), StandardCharsets.UTF_8));
        T result = inBundle(() -> {
            try {
                return method.deserializeResponse(body);
            } catch (RuntimeException e) {
                // an answer without "ok" and the like: telegrambots unboxes what is not there
                throw new TelegramApiException("Unable to deserialize response", new UnreadableAnswer(e));
            }
        });
        if (result == null) {
            throw new TelegramApiException("Unable to deserialize response", new UnreadableAnswer(null));
        }
        return result;
    }

    /** An answer that is JSON but not the Bot API's: "ok" or "result" missing, or of the wrong kind. */
    static final class UnreadableAnswer extends com.fasterxml.jackson.core.JsonProcessingException {
        private static final long serialVersionUID = 1L;

        UnreadableAnswer(Throwable cause) {
            super("the answer is not the Bot API's (no \"ok\" or \"result\"; check api_url)", cause);
        }
    }

    /**
     * Runs Jackson with this bundle's class loader as the thread's context class loader: Jackson, in
     * its own bundle, resolves the class names telegrambots writes into {@code @JsonTypeInfo} through it.
     */
    private <T> T inBundle(Read<T> read) throws TelegramApiException {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(bundle);
        try {
            return read.run();
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    /** @throws TelegramApiException when the token cannot be part of a URL (the JDK's message would show it) */
    private URI methodUri(String method) throws TelegramApiException {
        try {
            return URI.create(root() + "/bot" + token + (url.isTestServer() ? "/test/" : "/") + method);
        } catch (IllegalArgumentException e) {
            throw new TelegramApiException(TOKEN_NOT_IN_URL);
        }
    }

    private String root() {
        return url.getSchema() + "://" + url.getHost() + ":" + url.getPort();
    }
}
