package org.openpista.channel.support;

import jakarta.servlet.Servlet;
import java.net.URI;
import java.util.function.Function;

/**
 * Serves a channel's webhook servlet in a plain Jetty 12 of the version Felix HTTP embeds, on
 * 127.0.0.1, where the daemon registers it with the HTTP whiteboard.
 *
 * @param <W> the channel's webhook
 */
public final class JettyWebhookServer<W> implements WebhookServer<W> {

    private final String path;
    private final int port;
    private final Function<W, Servlet> servlet;
    private volatile JettyServlet jetty;
    private volatile URI endpoint;

    /**
     * @param path where the servlet is served
     * @param port the port, 0 for an ephemeral one
     * @param servlet makes the channel's servlet for a webhook
     */
    public JettyWebhookServer(String path, int port, Function<W, Servlet> servlet) {
        this.path = path;
        this.port = port;
        this.servlet = servlet;
    }

    @Override
    public Serving serve(W webhook) {
        JettyServlet server = JettyServlet.serve(servlet.apply(webhook), path, port);
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
    public URI endpoint() {
        return endpoint;
    }
}
