package org.openpista.channel.slack.internal;

import java.net.URI;
import org.openpista.channel.support.JettyServlet;

/**
 * Serves the Events API servlet in a plain Jetty 12 of the version Felix HTTP embeds, on 127.0.0.1,
 * where the daemon registers it with the HTTP whiteboard.
 */
final class JettyWebhookServer implements WebhookServer {

    private final int port;
    private volatile JettyServlet jetty;
    private volatile URI endpoint;

    /** @param port the port, 0 for an ephemeral one */
    JettyWebhookServer(int port) {
        this.port = port;
    }

    @Override
    public Serving serve(SlackWebhook webhook) {
        JettyServlet server = JettyServlet.serve(new SlackWebhookServlet(webhook), SlackWebhook.PATH, port);
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

    /** @return where the endpoint is served, once it is */
    URI endpoint() {
        return endpoint;
    }
}
