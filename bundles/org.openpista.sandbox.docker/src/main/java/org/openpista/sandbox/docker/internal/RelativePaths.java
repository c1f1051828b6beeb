package org.openpista.sandbox.docker.internal;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Checks the relative paths of files placed in a sandbox's working directory: a path that is
 * absolute, climbs with {@code ..}, holds a NUL or a backslash, or otherwise resolves outside the
 * directory is refused, whatever the encoding tricks it tries.
 */
final class RelativePaths {

    private RelativePaths() {}

    /**
     * @return {@code dir} resolved with {@code relative}, proven to lie inside {@code dir}
     * @throws IllegalArgumentException when it does not
     */
    static Path inside(Path dir, String relative) {
        if (relative == null || relative.isBlank() || relative.indexOf('\0') >= 0 || relative.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("file path " + quote(relative) + " is not a plain relative path");
        }
        Path path;
        try {
            path = Path.of(relative);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("file path " + quote(relative) + " is not valid");
        }
        if (path.isAbsolute() || relative.startsWith("/") || relative.startsWith("~")) {
            throw new IllegalArgumentException("file path " + quote(relative) + " must be relative");
        }
        for (Path part : path) {
            if (part.toString().equals("..")) {
                throw new IllegalArgumentException("file path " + quote(relative) + " must not contain ..");
            }
        }
        Path base = dir.toAbsolutePath().normalize();
        Path resolved = base.resolve(path).normalize();
        if (!resolved.startsWith(base) || resolved.equals(base)) {
            throw new IllegalArgumentException("file path " + quote(relative) + " leaves the sandbox folder");
        }
        return resolved;
    }

    static String quote(String text) {
        if (text == null) {
            return "null";
        }
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return "\"" + shown.replace("\0", "\\0") + "\"";
    }
}
