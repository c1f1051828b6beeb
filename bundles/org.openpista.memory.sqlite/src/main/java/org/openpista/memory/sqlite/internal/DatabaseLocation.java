package org.openpista.memory.sqlite.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.memory.StoreException;

/**
 * Turns the configured {@code [database] url} (or its synonym {@code path}) into a file. Accepts a
 * plain path as well as the sqlx URLs of the original Rust openpista ({@code
 * sqlite://~/.openpista/memory.db?mode=rwc}): the {@code sqlite:} / {@code sqlite://} prefix and
 * any query string are stripped; then the path means what it means everywhere in config.toml
 * ({@link ConfigurationLoader#resolve}): a leading {@code ~} is {@code $HOME} as a shell has it,
 * and a relative path is relative to the openpista home, not to whatever directory the daemon
 * happened to start in.
 */
final class DatabaseLocation {

    /** The file name used when no url is configured. */
    static final String DEFAULT_FILE = "memory.db";

    private DatabaseLocation() {}

    /**
     * @param url the configured {@code url}, may be empty or {@code null}
     * @param path the configured {@code path}, used when {@code url} is empty
     * @param home the openpista home
     * @return the absolute, normalised database file
     * @throws StoreException when the setting names no usable file
     */
    static Path resolve(String url, String path, Path home) {
        boolean useUrl = url != null && !url.isBlank();
        String key = useUrl ? "url" : "path";
        String spec = useUrl ? url.strip() : path == null ? "" : path.strip();
        if (spec.isEmpty()) {
            return home.resolve(DEFAULT_FILE).toAbsolutePath().normalize();
        }
        String file = stripScheme(spec);
        int query = file.indexOf('?');
        if (query >= 0) {
            file = file.substring(0, query);
        }
        if (file.isEmpty()) {
            throw new StoreException("[database] " + key + " '" + spec + "' names no file", null);
        }
        if (file.equals(":memory:") || file.startsWith("file::memory:")) {
            throw new StoreException("[database] " + key + " '" + spec
                    + "' is an in-memory database; conversation memory needs a file", null);
        }
        try {
            return ConfigurationLoader.resolve(home, file);
        } catch (InvalidPathException e) {
            throw new StoreException("[database] " + key + " '" + spec + "' is not a valid path: " + e.getReason(), e);
        }
    }

    private static String stripScheme(String spec) {
        String lower = spec.toLowerCase(Locale.ROOT);
        if (lower.startsWith("sqlite://")) {
            return spec.substring("sqlite://".length());
        }
        if (lower.startsWith("sqlite:")) {
            return spec.substring("sqlite:".length());
        }
        return spec;
    }
}
