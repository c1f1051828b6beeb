package org.openpista.channel.telegram.internal;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves {@link TelegramWebhook} over HTTP, registered on the web channel's server through the HTTP
 * whiteboard. A request with a wrong secret is not looked at. A body is read only up to {@link
 * TelegramWebhook#MAX_BODY}: a larger one is refused without reading it (its declared length) or
 * once the cap is passed (chunked), and the connection is closed after the answer, since the rest of
 * the body is still on it. A refused small body is read and dropped, so the connection stays usable.
 */
final class TelegramWebhookServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient TelegramWebhook webhook;

    TelegramWebhookServlet(TelegramWebhook webhook) {
        this.webhook = webhook;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String secret = request.getHeader(TelegramWebhook.SECRET_HEADER);
        boolean authorized = webhook.authorized(secret);
        // a wrong secret is answered by the webhook (401, logged there) without its body
        TelegramWebhook.Response refusal = authorized ? null : webhook.deliver(new byte[0], secret);
        if (request.getContentLengthLong() > TelegramWebhook.MAX_BODY) {
            write(response, authorized ? new TelegramWebhook.Response(413, "too large") : refusal, true);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(TelegramWebhook.MAX_BODY + 1);
        }
        boolean tooLarge = body.length > TelegramWebhook.MAX_BODY;
        if (!authorized) {
            write(response, refusal, tooLarge);
        } else if (tooLarge) {
            write(response, new TelegramWebhook.Response(413, "too large"), true);
        } else {
            write(response, webhook.deliver(body, secret), false);
        }
    }

    private static void write(HttpServletResponse response, TelegramWebhook.Response answer, boolean bodyLeftUnread)
            throws IOException {
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        if (bodyLeftUnread) {
            response.setHeader("Connection", "close");
        }
        // plain text: Telegram would take a JSON answer as a Bot API call to make
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        if (answer.status() == 503) {
            response.setHeader("Retry-After", "1");
        }
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
