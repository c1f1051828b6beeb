package org.openpista.channel.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The files of the browser UI: from {@code static_dir} when configured, else bundled in this
 * bundle under {@code web/}. Only plain relative paths of safe characters are served, and a file
 * must lie inside the folder after symbolic links are resolved, so no request reaches outside it.
 */
final class StaticFiles {

    /** A file to send. */
    record Asset(byte[] bytes, String contentType) {}

    private static final long MAX_SIZE = 20L * 1024 * 1024;
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("txt", "text/plain; charset=utf-8"));

    private final Path folder;
    private final Function<String, URL> bundled;

    /**
     * @param folder {@code static_dir}, or {@code null} for the bundled UI
     * @param bundled finds a bundled file by its path below {@code web/}
     */
    StaticFiles(Path folder, Function<String, URL> bundled) {
        this.folder = folder;
        this.bundled = bundled;
    }

    /** @return whether static_dir is set but is no readable folder */
    String problem() {
        if (folder != null && !Files.isDirectory(folder)) {
            return "static_dir " + folder + " is not a folder";
        }
        return null;
    }

    /**
     * @param path the request path, for example {@code /app.js}
     * @return the file, if there is one to serve
     */
    Optional<Asset> find(String path) {
        String relative = path.startsWith("/") ? path.substring(1) : path;
        if (relative.isEmpty()) {
            relative = "index.html";
        }
        if (!safe(relative)) {
            return Optional.empty();
        }
        String type = TYPES.get(extension(relative));
        if (type == null) {
            return Optional.empty();
        }
        try {
            byte[] bytes = folder != null ? fromFolder(relative) : fromBundle(relative);
            return bytes == null ? Optional.empty() : Optional.of(new Asset(bytes, type));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private byte[] fromFolder(String relative) throws IOException {
        Path root = folder.toRealPath();
        Path file = root.resolve(relative).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            return null;
        }
        // a symbolic link inside the folder must not lead out of it
        if (!file.toRealPath().startsWith(root) || Files.size(file) > MAX_SIZE) {
            return null;
        }
        return Files.readAllBytes(file);
    }

    private byte[] fromBundle(String relative) throws IOException {
        URL url = bundled.apply(relative);
        if (url == null) {
            return null;
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readNBytes((int) MAX_SIZE + 1);
            return bytes.length > MAX_SIZE ? null : bytes;
        }
    }

    /** Letters, digits, {@code - _ .} and slashes between names; no dot files, no {@code ..}. */
    static boolean safe(String relative) {
        if (relative.length() > 200 || !relative.matches("[A-Za-z0-9._/-]+") || relative.startsWith("/")
                || relative.endsWith("/") || relative.contains("//")) {
            return false;
        }
        for (String segment : relative.split("/")) {
            if (segment.startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    private static String extension(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
