package org.openpista.channel.support;

import jakarta.servlet.Servlet;
import java.net.InetSocketAddress;
import java.net.URI;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One servlet at one path in a plain Jetty 12 of the version Felix HTTP embeds, on 127.0.0.1: a
 * channel's webhook servlet in unit tests, where the daemon registers it with the HTTP whiteboard of
 * the web chat's server. Served until closed.
 */
public final class JettyServlet implements AutoCloseable {

    private final Server server;
    private final URI endpoint;

    private JettyServlet(Server server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    /**
     * @param servlet what answers
     * @param path where ({@code /telegram/webhook})
     * @param port the port, 0 for an ephemeral one
     * @throws IllegalStateException when Jetty cannot start, with the reason
     */
    public static JettyServlet serve(Servlet servlet, String path, int port) {
        Server server = new Server(new InetSocketAddress("127.0.0.1", port));
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), path);
        server.setHandler(context);
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start Jetty: " + e.getMessage(), e);
        }
        return new JettyServlet(server,
                URI.create("http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort() + path));
    }

    /** @return where the servlet is served */
    public URI endpoint() {
        return endpoint;
    }

    /** Stops Jetty. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
