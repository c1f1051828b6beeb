package org.openpista.api.sandbox;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Checks the relative paths of {@link SandboxRequest#files() files} placed in a sandbox's working
 * folder. Every sandbox applies the same rule: a path that is absolute, starts with {@code ~},
 * climbs with {@code ..}, holds a NUL or a backslash, or otherwise resolves outside the folder is
 * refused, whatever encoding trick it tries.
 */
public final class SandboxPaths {

    private SandboxPaths() {}

    /**
     * @param dir the sandbox's working folder
     * @param relative a file path from a request
     * @return {@code dir} resolved with {@code relative}, proven to lie inside {@code dir}
     * @throws IllegalArgumentException with a message naming the path when it does not
     */
    public static Path inside(Path dir, String relative) {
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

    /**
     * @param text a path from a request, possibly hostile
     * @return the path quoted for a message: cut at 80 characters, NUL made visible
     */
    public static String quote(String text) {
        if (text == null) {
            return "null";
        }
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return "\"" + shown.replace("\0", "\\0") + "\"";
    }
}
