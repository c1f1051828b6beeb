package org.openpista.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.openpista.api.config.ConfigurationLoader;

/**
 * The environment variables the start script kept out of this process's environment (anything
 * may be a secret, and {@code /proc/<pid>/environ} stays readable for the process's whole life):
 * it wrote them to a file of the owner's, named by the system property {@value #PROPERTY}, which is
 * read once and deleted at once. They reach the bundles as framework properties, read through
 * {@link ConfigurationLoader#getenv}.
 */
final class HandedOverEnvironment {

    /** System property: the file with the variables, {@code NAME=VALUE} entries separated by NUL. */
    static final String PROPERTY = "openpista.env.file";

    private HandedOverEnvironment() {}

    /** @return the variables as framework properties; empty when there is no file (any more) */
    static Map<String, String> read() {
        String name = System.getProperty(PROPERTY);
        Map<String, String> properties = new HashMap<>();
        if (name == null || name.isBlank()) {
            return properties;
        }
        Path file = Path.of(name);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            for (String entry : text.split("\0")) {
                int equals = entry.indexOf('=');
                if (equals > 0) {
                    properties.put(ConfigurationLoader.ENVIRONMENT_PREFIX + entry.substring(0, equals), entry.substring(equals + 1));
                }
            }
        } catch (IOException e) {
            // already read and deleted (a second framework in this process), or never written
            properties.put(ConfigurationLoader.ENVIRONMENT_NAMES, String.join(",", properties.keySet().stream()
                    .map(key -> key.substring(ConfigurationLoader.ENVIRONMENT_PREFIX.length())).sorted().toList()));
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a file of the owner's in a folder of the owner's; it goes with the temporary folder
            }
        }
        return properties;
    }
}
