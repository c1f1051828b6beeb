package org.openpista.channel.slack.internal;

import java.net.InetSocketAddress;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Serves the Events API servlet in a plain Jetty 12 of the version Felix HTTP embeds, on 127.0.0.1,
 * where the daemon registers it with the HTTP whiteboard.
 */
final class JettyWebhookServer implements WebhookServer {

    private final int port;
    private volatile Server jetty;

    /** @param port the port, 0 for an ephemeral one */
    JettyWebhookServer(int port) {
        this.port = port;
    }

    private volatile URI endpoint;

    @Override
    public Serving serve(SlackWebhook webhook) {
        Server server = new Server(new InetSocketAddress("127.0.0.1", port));
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new SlackWebhookServlet(webhook)), SlackWebhook.PATH);
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Jetty: " + e.getMessage(), e);
        }
        jetty = server;
        endpoint = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                + SlackWebhook.PATH);
        return () -> {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
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
