package org.openpista.upgrade.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code upgrade.properties} in the home: which distribution version used the home last. A home
 * from before this file existed has none, which says nothing about its version; its schemas (the
 * database header, {@code [upgrade] config_schema}) still do.
 */
final class HomeRecord {

    private static final String DISTRIBUTION = "distribution";

    private HomeRecord() {}

    /** @return the version that used the home last, if one wrote it */
    static Optional<String> distribution(Path file) throws IOException {
        return Optional.ofNullable(PrivateFiles.read(file).getProperty(DISTRIBUTION)).filter(v -> !v.isBlank());
    }

    /** Notes that a version now uses the home. */
    static void write(Path file, String distribution) throws IOException {
        Properties properties = new Properties();
        properties.setProperty(DISTRIBUTION, distribution);
        properties.setProperty("since", Instant.now().toString());
        PrivateFiles.write(file, properties, "the openpista version that used this home last (openpista upgrade)");
    }
}
