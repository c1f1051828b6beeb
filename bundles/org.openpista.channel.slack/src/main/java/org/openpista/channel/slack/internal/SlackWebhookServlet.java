package org.openpista.channel.slack.internal;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Serves {@link SlackWebhook} over HTTP, registered on the web channel's server through the HTTP
 * whiteboard. A body is read only up to {@link SlackWebhook#MAX_BODY}: a larger one is refused
 * without reading it (its declared length) or once the cap is passed (chunked), and the connection
 * is closed after the answer, since the rest of the body is still on it.
 */
final class SlackWebhookServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient SlackWebhook webhook;

    SlackWebhookServlet(SlackWebhook webhook) {
        this.webhook = webhook;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getContentLengthLong() > SlackWebhook.MAX_BODY) {
            write(response, SlackWebhook.Response.text(413, "too large"), true);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(SlackWebhook.MAX_BODY + 1);
        }
        if (body.length > SlackWebhook.MAX_BODY) {
            write(response, SlackWebhook.Response.text(413, "too large"), true);
            return;
        }
        write(response, webhook.deliver(request.getContentType(), body, request.getHeader("X-Slack-Request-Timestamp"),
                request.getHeader("X-Slack-Signature")), false);
    }

    private static void write(HttpServletResponse response, SlackWebhook.Response answer, boolean bodyLeftUnread)
            throws IOException {
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        if (bodyLeftUnread) {
            response.setHeader("Connection", "close");
        }
        response.setContentType(answer.contentType());
        response.setHeader("Cache-Control", "no-store");
        if (answer.status() == 503) {
            response.setHeader("Retry-After", "1");
        }
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
