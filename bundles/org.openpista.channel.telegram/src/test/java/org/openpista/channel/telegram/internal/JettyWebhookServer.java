package org.openpista.channel.telegram.internal;

import java.net.InetSocketAddress;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Serves the webhook servlet in a plain Jetty 12 of the version Felix HTTP embeds, on 127.0.0.1,
 * where the daemon registers it with the HTTP whiteboard.
 */
final class JettyWebhookServer implements WebhookServer {

    private volatile Server jetty;
    private volatile URI endpoint;

    @Override
    public Serving serve(TelegramWebhook webhook) {
        Server server = new Server(new InetSocketAddress("127.0.0.1", 0));
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new TelegramWebhookServlet(webhook)), TelegramWebhook.PATH);
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Jetty: " + e.getMessage(), e);
        }
        jetty = server;
        endpoint = URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort()
                + TelegramWebhook.PATH);
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

    /** @return where the webhook is served, once it is */
    URI endpoint() {
        return endpoint;
    }
}
