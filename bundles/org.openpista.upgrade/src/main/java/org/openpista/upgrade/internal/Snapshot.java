package org.openpista.upgrade.internal;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * One folder of {@code backups/}: copies of config.toml, credentials.toml and the database as they
 * were before a migration, and {@value #FACTS} saying what they are.
 *
 * @param dir the folder, named after the time it was taken ({@code 20261207T052600Z})
 * @param facts the contents of {@value #FACTS}
 */
record Snapshot(Path dir, Properties facts) {

    /** The file that describes a snapshot. */
    static final String FACTS = "snapshot.properties";
    /** The name of the configuration copy. */
    static final String CONFIG = "config.toml";
    /** The name of the credentials copy. */
    static final String CREDENTIALS = "credentials.toml";
    /** The name of the database copy. */
    static final String DATABASE = "memory.db";

    /** @return the folder's name */
    String name() {
        return dir.getFileName().toString();
    }

    /** @return a fact, or empty */
    Optional<String> fact(String key) {
        return Optional.ofNullable(facts.getProperty(key)).filter(v -> !v.isBlank());
    }

    /** @return the version that used the home when the snapshot was taken, or "unknown" */
    String distribution() {
        return fact("distribution").orElse("an earlier version");
    }
}
