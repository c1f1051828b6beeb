package org.openpista.channel.telegram.internal;

import jakarta.servlet.Servlet;
import org.openpista.channel.support.WebhookWhiteboard;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Serves the webhook on the web channel's HTTP server (Felix HTTP on Jetty) by registering its
 * servlet with the HTTP whiteboard. The servlet API is there only with the web feature, so this
 * class is used only in webhook mode, and a missing API shows as a {@link LinkageError} when
 * serving.
 */
final class WhiteboardWebhookServer implements WebhookServer {

    private final BundleContext context;

    WhiteboardWebhookServer(BundleContext context) {
        this.context = context;
    }

    @Override
    public Serving serve(TelegramWebhook webhook) {
        ServiceRegistration<?> registration = context.registerService(Servlet.class, new TelegramWebhookServlet(webhook),
                WebhookWhiteboard.servletProperties(TelegramWebhook.PATH, "openpista-telegram-webhook"));
        return () -> WebhookWhiteboard.unregister(registration);
    }

    @Override
    public String problem() {
        return WebhookWhiteboard.problem(context, "the webhook");
    }
}
