package org.openpista.channel.whatsapp.internal;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Serves {@link CloudWebhook} over HTTP, registered on the web channel's server through the HTTP whiteboard. */
final class CloudWebhookServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient CloudWebhook webhook;

    CloudWebhookServlet(CloudWebhook webhook) {
        this.webhook = webhook;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(response, webhook.verify(request.getParameter("hub.mode"), request.getParameter("hub.verify_token"),
                request.getParameter("hub.challenge")));
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (request.getContentLengthLong() > CloudWebhook.MAX_BODY) {
            tooLarge(response);
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(CloudWebhook.MAX_BODY + 1);
        }
        if (body.length > CloudWebhook.MAX_BODY) {
            tooLarge(response);
            return;
        }
        write(response, webhook.deliver(body, request.getHeader(WebhookSignature.HEADER)));
    }

    /** 413, closing the connection after it: the rest of the body is still on it, unread. */
    private static void tooLarge(HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        write(response, new CloudWebhook.Response(413, "too large"));
    }

    private static void write(HttpServletResponse response, CloudWebhook.Response answer) throws IOException {
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        response.setStatus(answer.status());
        response.setContentType("text/plain;charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
