package org.openpista.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.openpista.api.config.ConfigurationLoader;
import org.slf4j.LoggerFactory;

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
            dir = ConfigurationLoader.userHome().resolve(".openpista");
        }
        dir = dir.toAbsolutePath().normalize();
        Path config = configOption != null ? configOption.toAbsolutePath().normalize() : dir.resolve("config.toml");
        return new Home(dir, config);
    }

    Path logs() {
        return dir.resolve("logs");
    }

    /**
     * Creates the home when it is missing and makes it its owner's alone (mode 700): it holds every
     * conversation, logs and secrets.
     */
    void makePrivate() throws IOException {
        Files.createDirectories(dir);
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
            Set<PosixFilePermission> ownerOnly = EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE);
            if (!ownerOnly.containsAll(mode)) {
                Files.setPosixFilePermissions(dir, ownerOnly);
                LoggerFactory.getLogger(Home.class).info("Made {} readable by its owner only (it was {})", dir,
                        PosixFilePermissions.toString(mode));
            }
        } catch (UnsupportedOperationException notPosix) {
            // nothing to narrow on this file system
        }
    }

    static String expand(String path) {
        return path.equals("~") || path.startsWith("~/") ? ConfigurationLoader.userHome() + path.substring(1) : path;
    }

    private static boolean nonBlank(String value) {
        return value != null && !value.isBlank();
    }
}
