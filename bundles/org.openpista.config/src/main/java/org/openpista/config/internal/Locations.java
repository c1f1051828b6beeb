package org.openpista.config.internal;

import java.nio.file.Path;
import java.util.function.Function;
import org.openpista.api.config.ConfigurationLoader;

/**
 * Where openpista keeps its files, and how paths written in {@code config.toml} become absolute.
 *
 * @param home the openpista home folder
 * @param file the configuration file
 * @param userHome the user's home folder, which {@code ~} stands for
 */
record Locations(Path home, Path file, Path userHome) {

    /**
     * @param property looks up a framework property, {@code null} when unset
     * @param userHome the user's home folder
     * @return home from {@value ConfigurationLoader#HOME_PROPERTY} (default {@code ~/.openpista}),
     *     file from {@value ConfigurationLoader#FILE_PROPERTY} (default {@code $home/config.toml})
     */
    static Locations of(Function<String, String> property, Path userHome) {
        String homeText = property.apply(ConfigurationLoader.HOME_PROPERTY);
        Path home = homeText == null || homeText.isBlank()
                ? userHome.resolve(".openpista")
                : expand(homeText.trim(), userHome).toAbsolutePath();
        String fileText = property.apply(ConfigurationLoader.FILE_PROPERTY);
        Path file = fileText == null || fileText.isBlank()
                ? home.resolve("config.toml")
                : expand(fileText.trim(), userHome).toAbsolutePath();
        return new Locations(home.normalize(), file.normalize(), userHome);
    }

    /** @return the path with a leading {@code ~} replaced by the user's home folder */
    static Path expand(String path, Path userHome) {
        if (path.equals("~")) {
            return userHome;
        }
        if (path.startsWith("~/") || path.startsWith("~\\")) {
            return userHome.resolve(path.substring(2));
        }
        return Path.of(path);
    }

    /** @return the path with {@code ~} expanded, relative paths taken from the home folder */
    Path underHome(String path) {
        return home.resolve(expand(path.trim(), userHome)).normalize();
    }

    /** @return the path with {@code ~} expanded, otherwise as written */
    String expanded(String path) {
        return path.isBlank() ? path : expand(path.trim(), userHome).toString();
    }
}
