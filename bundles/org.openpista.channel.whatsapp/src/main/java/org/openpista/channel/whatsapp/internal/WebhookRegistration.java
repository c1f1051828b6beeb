package org.openpista.channel.whatsapp.internal;

import jakarta.servlet.Servlet;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

/**
 * Registers the webhook servlet with the HTTP whiteboard. Kept apart from the component so the
 * servlet API is loaded only in cloud mode: bridge mode runs without any HTTP server.
 */
final class WebhookRegistration {

    private WebhookRegistration() {}

    static ServiceRegistration<?> register(BundleContext context, CloudWebhook webhook) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, WhatsAppSettings.WEBHOOK_PATH);
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "openpista-whatsapp-webhook");
        return context.registerService(Servlet.class, new CloudWebhookServlet(webhook), properties);
    }
}
