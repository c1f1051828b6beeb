package org.openpista.runtime;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where openpista keeps its files: the home folder ({@code --home}, else {@code $OPENPISTA_HOME},
 * else {@code ~/.openpista}) and the configuration file in it ({@code --config} overrides).
 *
 * @param dir the home folder
 * @param configFile the configuration file
 */
record Home(Path dir, Path configFile) {

    static Home resolve(Path homeOption, Path configOption, Map<String, String> env) {
        Path dir;
        if (homeOption != null) {
            dir = homeOption;
        } else if (nonBlank(env.get("OPENPISTA_HOME"))) {
            dir = Path.of(expand(env.get("OPENPISTA_HOME")));
        } else if (nonBlank(env.get("openpista_HOME"))) {
            dir = Path.of(expand(env.get("openpista_HOME")));
        } else {
            dir = Path.of(System.getProperty("user.home"), ".openpista");
        }
        dir = dir.toAbsolutePath().normalize();
        Path config = configOption != null ? configOption.toAbsolutePath().normalize() : dir.resolve("config.toml");
        return new Home(dir, config);
    }

    Path logs() {
        return dir.resolve("logs");
    }

    static String expand(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return System.getProperty("user.home") + path.substring(1);
        }
        return path;
    }

    private static boolean nonBlank(String value) {
        return value != null && !value.isBlank();
    }
}
