package org.openpista.channel.web.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Configures Felix HTTP (PID {@value #PID}): the address and port of {@code [channels.web]},
 * Jetty's WebSocket support switched on, no server header, and an error handler that puts the
 * {@link SecurityHeaders} on Jetty's own error pages. The runtime starts Felix HTTP with
 * {@code org.apache.felix.http.require.config=true}, so Jetty listens only once this configuration
 * exists, and stops when the web channel deletes it again.
 */
final class HttpServerConfig {

    static final String PID = "org.apache.felix.http";
    /** Marks the configuration as the web channel's, so it deletes only its own. */
    static final String OWNER = ".openpista.owner";
    static final String OWNER_VALUE = "org.openpista.channel.web";

    private HttpServerConfig() {}

    /**
     * @param keystore what HTTPS is served with, or {@code null} for plain HTTP (then only HTTP listens;
     *     with it only HTTPS, on the same port)
     */
    static Dictionary<String, Object> properties(WebSettings settings, TlsKeystore keystore) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("org.apache.felix.http.host", settings.bind());
        if (keystore == null) {
            properties.put("org.osgi.service.http.port", Integer.toString(settings.port()));
            properties.put("org.apache.felix.http.enable", "true");
            properties.put("org.apache.felix.https.enable", "false");
        } else {
            properties.put("org.osgi.service.http.port.secure", Integer.toString(settings.port()));
            properties.put("org.apache.felix.http.enable", "false");
            properties.put("org.apache.felix.https.enable", "true");
            properties.put("org.apache.felix.https.keystore", keystore.file().toString());
            properties.put("org.apache.felix.https.keystore.type", "PKCS12");
            properties.put("org.apache.felix.https.keystore.password", keystore.password());
            properties.put("org.apache.felix.https.keystore.key.password", keystore.password());
            properties.put("org.apache.felix.https.jetty.protocols.included", "TLSv1.3,TLSv1.2");
        }
        properties.put("org.apache.felix.jetty.websocket.enable", "true");
        properties.put("org.apache.felix.http.jetty.sendServerHeader", "false");
        // Felix installs a server-wide error handler that adds these to the errors Jetty answers itself
        properties.put("org.apache.felix.http.jetty.errorPageCustomHeaders", SecurityHeaders.forErrorPages());
        properties.put(OWNER, OWNER_VALUE);
        return properties;
    }

    static void apply(ConfigurationAdmin admin, WebSettings settings, TlsKeystore keystore) throws IOException {
        Configuration configuration = admin.getConfiguration(PID, "?");
        configuration.updateIfDifferent(properties(settings, keystore));
    }

    static void remove(ConfigurationAdmin admin) throws IOException {
        Configuration[] existing;
        try {
            existing = admin.listConfigurations("(" + org.osgi.framework.Constants.SERVICE_PID + "=" + PID + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (existing == null) {
            return;
        }
        for (Configuration configuration : existing) {
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties != null && OWNER_VALUE.equals(properties.get(OWNER))) {
                configuration.delete();
            }
        }
    }
}
