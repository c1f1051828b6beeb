package org.openpista.channel.slack.internal;

import jakarta.servlet.Servlet;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.servlet.whiteboard.HttpWhiteboardConstants;

/**
 * Serves the Events API endpoint on the web channel's HTTP server (Felix HTTP on Jetty) by registering its
 * servlet with the HTTP whiteboard. The servlet API is there only with the web feature, so this
 * class is used only in Events API mode, and a missing API shows as a {@link LinkageError} when
 * serving.
 */
final class WhiteboardWebhookServer implements WebhookServer {

    /** The service Felix HTTP registers while it serves the whiteboard; looked up by name, the class may be absent. */
    private static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";

    private final BundleContext context;

    WhiteboardWebhookServer(BundleContext context) {
        this.context = context;
    }

    @Override
    public Serving serve(SlackWebhook webhook) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN, SlackWebhook.PATH);
        properties.put(HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME, "openpista-slack-events");
        ServiceRegistration<?> registration = context.registerService(Servlet.class, new SlackWebhookServlet(webhook),
                properties);
        return () -> {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is stopping the bundle
            }
        };
    }

    @Override
    public String problem() {
        try {
            return context.getServiceReference(HTTP_RUNTIME) == null
                    ? "no HTTP server runs: the Events API endpoint is served by the web chat's server ([channels.web] enabled = true)"
                    : null;
        } catch (IllegalStateException stopping) {
            return "stopping";
        }
    }
}
