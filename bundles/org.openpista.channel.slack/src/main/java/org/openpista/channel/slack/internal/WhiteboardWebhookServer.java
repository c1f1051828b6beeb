package org.openpista.channel.slack.internal;

import jakarta.servlet.Servlet;
import org.openpista.channel.support.WebhookWhiteboard;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Serves the Events API endpoint on the web channel's HTTP server (Felix HTTP on Jetty) by registering its
 * servlet with the HTTP whiteboard. The servlet API is there only with the web feature, so this
 * class is used only in Events API mode, and a missing API shows as a {@link LinkageError} when
 * serving.
 */
final class WhiteboardWebhookServer implements WebhookServer {

    private final BundleContext context;

    WhiteboardWebhookServer(BundleContext context) {
        this.context = context;
    }

    @Override
    public Serving serve(SlackWebhook webhook) {
        ServiceRegistration<?> registration = context.registerService(Servlet.class, new SlackWebhookServlet(webhook),
                WebhookWhiteboard.servletProperties(SlackWebhook.PATH, "openpista-slack-events"));
        return () -> WebhookWhiteboard.unregister(registration);
    }

    @Override
    public String problem() {
        return WebhookWhiteboard.problem(context, "the Events API endpoint");
    }
}
