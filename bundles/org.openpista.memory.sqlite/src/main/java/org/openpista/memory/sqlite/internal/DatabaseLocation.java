package org.openpista.memory.sqlite.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import org.openpista.api.memory.StoreException;

/**
 * Turns the configured {@code [database] url} into a file path. Accepts a plain path as well as
 * the sqlx URLs of the original Rust openpista ({@code sqlite://~/.openpista/memory.db?mode=rwc}):
 * the {@code sqlite:} / {@code sqlite://} prefix and any query string are stripped, a leading
 * {@code ~} is the user's home, and a relative path is taken relative to the openpista home (the
 * folder of {@code config.toml}), not to whatever directory the daemon happened to start in.
 */
final class DatabaseLocation {

    /** The file name used when no url is configured. */
    static final String DEFAULT_FILE = "memory.db";

    private DatabaseLocation() {}

    /**
     * @param url the configured url or path, may be empty or {@code null}
     * @param openpistaHome the {@code openpista.home} framework property, may be {@code null}
     * @param userHome the user's home folder ({@code user.home})
     * @return the absolute, normalised database file
     * @throws StoreException when the url names no usable file
     */
    static Path resolve(String url, String openpistaHome, String userHome) {
        Path home = home(openpistaHome, userHome);
        String spec = url == null ? "" : url.strip();
        if (spec.isEmpty()) {
            return home.resolve(DEFAULT_FILE);
        }
        String path = stripScheme(spec);
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (path.isEmpty()) {
            throw new StoreException("[database] url '" + spec + "' names no file", null);
        }
        if (path.equals(":memory:") || path.startsWith("file::memory:")) {
            throw new StoreException(
                    "[database] url '" + spec + "' is an in-memory database; conversation memory needs a file", null);
        }
        try {
            Path file = Path.of(expandTilde(path, userHome));
            return home.resolve(file).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new StoreException("[database] url '" + spec + "' is not a valid path: " + e.getReason(), e);
        }
    }

    /** @return the openpista home: the framework property, else {@code ~/.openpista} */
    static Path home(String openpistaHome, String userHome) {
        if (openpistaHome != null && !openpistaHome.isBlank()) {
            return Path.of(expandTilde(openpistaHome.strip(), userHome)).toAbsolutePath().normalize();
        }
        return Path.of(userHome, ".openpista").toAbsolutePath().normalize();
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

    /** Expands {@code ~} and {@code ~/…}; {@code ~user} is left alone (no portable way to look it up). */
    static String expandTilde(String path, String userHome) {
        if (path.equals("~")) {
            return userHome;
        }
        if (path.startsWith("~/") || path.startsWith("~\\")) {
            return userHome + path.substring(1);
        }
        return path;
    }
}
