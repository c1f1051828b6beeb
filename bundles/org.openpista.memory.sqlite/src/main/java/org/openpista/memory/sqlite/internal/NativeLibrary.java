package org.openpista.memory.sqlite.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteJDBCLoader;
import org.sqlite.util.LibraryLoaderUtil;

/**
 * Keeps one copy of the SQLite driver's native library in the openpista home and points the driver
 * at it. Left alone, the driver extracts the library (1 MB) to a new file in the temporary folder
 * in every process and compares it with the jar's copy byte by byte: a good part of the CPU time of
 * a one-shot {@code openpista run}. The copy is per driver version, written to a temporary name and
 * moved in place, so a concurrent process sees it whole or not at all; when anything goes wrong the
 * driver simply does its own extraction.
 */
final class NativeLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static final String PATH_PROPERTY = "org.sqlite.lib.path";
    private static final String NAME_PROPERTY = "org.sqlite.lib.name";

    private NativeLibrary() {}

    /**
     * Makes sure the library is in {@code HOME/cache/sqlite-jdbc-VERSION/} and tells the driver to
     * load it from there, unless a location was chosen already ({@code -Dorg.sqlite.lib.path}).
     *
     * @param home the openpista home
     * @return the home, for use in a constructor's first statement
     */
    static Path copiedInto(Path home) {
        if (System.getProperty(PATH_PROPERTY) != null) {
            return home;
        }
        try {
            String name = LibraryLoaderUtil.getNativeLibName();
            URL resource = SQLiteJDBCLoader.class.getResource(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name);
            if (resource == null) {
                return home; // no library for this platform in the jar: the driver looks on java.library.path
            }
            Path dir = home.resolve("cache").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion());
            Path library = dir.resolve(name);
            URLConnection connection = resource.openConnection();
            long size = connection.getContentLengthLong();
            if (!Files.isRegularFile(library) || size >= 0 && Files.size(library) != size) {
                Files.createDirectories(dir);
                Path partial = Files.createTempFile(dir, name, ".partial");
                try (InputStream in = connection.getInputStream()) {
                    Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(partial, library, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(partial);
                }
            }
            System.setProperty(NAME_PROPERTY, name);
            System.setProperty(PATH_PROPERTY, dir.toString());
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot keep the SQLite library in {}; the driver extracts its own", home, e);
        }
        return home;
    }
}
