package org.openpista.channel.telegram.internal;

import java.net.URI;
import org.openpista.channel.support.JettyServlet;

/**
 * Serves the webhook servlet in a plain Jetty 12 of the version Felix HTTP embeds, on 127.0.0.1,
 * where the daemon registers it with the HTTP whiteboard.
 */
final class JettyWebhookServer implements WebhookServer {

    private volatile JettyServlet jetty;
    private volatile URI endpoint;

    @Override
    public Serving serve(TelegramWebhook webhook) {
        JettyServlet server = JettyServlet.serve(new TelegramWebhookServlet(webhook), TelegramWebhook.PATH, 0);
        jetty = server;
        endpoint = server.endpoint();
        return () -> {
            server.close();
            jetty = null;
        };
    }

    @Override
    public String problem() {
        return jetty == null ? "not serving" : null;
    }

    /** @return where the webhook is served, once it is */
    URI endpoint() {
        return endpoint;
    }
}
