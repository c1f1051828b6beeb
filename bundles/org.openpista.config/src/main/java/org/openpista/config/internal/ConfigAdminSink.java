package org.openpista.config.internal;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Pushes configurations into Configuration Admin. Every configuration is bound to location
 * {@code "?"} so whichever bundle provides the component may use it, and carries the private
 * marker {@value #ORIGIN}, which is how configurations pushed by an earlier load (also in an
 * earlier run: Configuration Admin persists them) are found again and deleted when no longer
 * wanted. Configurations made by anyone else are never touched.
 */
final class ConfigAdminSink implements ConfigSink {

    /** Private property marking configurations pushed from {@code config.toml}. */
    static final String ORIGIN = ".openpista.origin";
    /** The value of {@value #ORIGIN}. */
    static final String ORIGIN_VALUE = "org.openpista.config";

    /** Location matching every bundle (Configuration Admin 1.6 multi-location). */
    private static final String ANY_BUNDLE = "?";

    private final ConfigurationAdmin admin;

    ConfigAdminSink(ConfigurationAdmin admin) {
        this.admin = admin;
    }

    @Override
    public void apply(Map<String, Map<String, Object>> configurations) throws IOException {
        for (Map.Entry<String, Map<String, Object>> entry : configurations.entrySet()) {
            Dictionary<String, Object> properties = new Hashtable<>(entry.getValue());
            properties.put(ORIGIN, ORIGIN_VALUE);
            configuration(entry.getKey()).updateIfDifferent(properties);
        }
        Configuration[] existing;
        try {
            existing = admin.listConfigurations(null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException("no filter given", e);
        }
        if (existing == null) {
            return;
        }
        for (Configuration configuration : existing) {
            Dictionary<String, Object> properties = configuration.getProperties();
            if (properties != null && ORIGIN_VALUE.equals(properties.get(ORIGIN))
                    && !configurations.containsKey(configuration.getPid())) {
                configuration.delete();
            }
        }
    }

    private Configuration configuration(String pid) throws IOException {
        int tilde = pid.indexOf('~');
        return tilde < 0
                ? admin.getConfiguration(pid, ANY_BUNDLE)
                : admin.getFactoryConfiguration(pid.substring(0, tilde), pid.substring(tilde + 1), ANY_BUNDLE);
    }
}
