package org.openpista.channel.support;

import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * What the channels that serve a webhook on the web channel's HTTP server (Felix HTTP on Jetty)
 * share: the HTTP whiteboard's service properties of their servlet, whether a server runs, and the
 * end of the registration. The servlet itself is registered by the channel's bundle, which imports
 * the servlet API (optionally: it is there only with the web feature); this bundle does not need it.
 */
public final class WebhookWhiteboard {

    /** The service Felix HTTP registers while it serves the whiteboard; looked up by name, the class may be absent. */
    private static final String HTTP_RUNTIME = "org.osgi.service.servlet.runtime.HttpServiceRuntime";
    /** {@code HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_PATTERN}, spelt out: the servlet API may be absent */
    static final String SERVLET_PATTERN = "osgi.http.whiteboard.servlet.pattern";
    /** {@code HttpWhiteboardConstants.HTTP_WHITEBOARD_SERVLET_NAME} */
    static final String SERVLET_NAME = "osgi.http.whiteboard.servlet.name";

    private WebhookWhiteboard() {}

    /**
     * @param path the servlet's path on the server ({@code /telegram/webhook})
     * @param name the servlet's name ({@code openpista-telegram-webhook})
     * @return the service properties that put a servlet at that path
     */
    public static Dictionary<String, Object> servletProperties(String path, String name) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(SERVLET_PATTERN, path);
        properties.put(SERVLET_NAME, name);
        return properties;
    }

    /**
     * @param what what the web chat's server would serve ("the webhook"), for the message
     * @return why the webhook cannot be served (no HTTP server runs, the bundle is stopping), null when it can
     */
    public static String problem(BundleContext context, String what) {
        try {
            return context.getServiceReference(HTTP_RUNTIME) == null
                    ? "no HTTP server runs: " + what + " is served by the web chat's server ([channels.web] enabled = true)"
                    : null;
        } catch (IllegalStateException stopping) {
            return "stopping";
        }
    }

    /** Unregisters a servlet, quietly when the framework is stopping the bundle and took it already. */
    public static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is stopping the bundle
        }
    }
}
