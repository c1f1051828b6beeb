package org.openpista.memory.sqlite.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
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
 * driver simply does its own extraction. The driver's choice of library runs {@code uname -o} and
 * reads the name of every file mapped into the process; a file beside the copy notes the platform it
 * was chosen for ({@link #platform()}), so later processes of the same boot skip that.
 */
final class NativeLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibrary.class);
    private static final String PATH_PROPERTY = "org.sqlite.lib.path";
    private static final String NAME_PROPERTY = "org.sqlite.lib.name";
    /** The file beside the library that notes for which platform it was chosen. */
    static final String MARKER = "platform";

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
            Path dir = home.resolve("cache").resolve("sqlite-jdbc-" + SQLiteJDBCLoader.getVersion());
            Path marker = dir.resolve(MARKER);
            String platform = platform();
            String known = known(marker, platform, dir);
            if (known != null) {
                System.setProperty(NAME_PROPERTY, known);
                System.setProperty(PATH_PROPERTY, dir.toString());
                return home;
            }
            // the driver's own platform detection: runs uname -o and reads every mapped file's name
            String name = LibraryLoaderUtil.getNativeLibName();
            URL resource = SQLiteJDBCLoader.class.getResource(LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name);
            if (resource == null) {
                return home; // no library for this platform in the jar: the driver looks on java.library.path
            }
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
            remember(marker, platform, name, Files.size(library));
            System.setProperty(NAME_PROPERTY, name);
            System.setProperty(PATH_PROPERTY, dir.toString());
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot keep the SQLite library in {}; the driver extracts its own", home, e);
        }
        return home;
    }

    /**
     * What the driver's choice of library depends on, read without running anything: the system and
     * processor, the Java VM's vendor (Android), this boot of the kernel (Termux on Android, where
     * {@code uname -o} says so) and whether this process runs on musl's C library (Alpine).
     */
    static String platform() {
        String boot = "";
        boolean musl = false;
        try {
            boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            musl = Files.readString(Path.of("/proc/self/maps")).contains("musl");
        } catch (IOException | RuntimeException e) {
            // not Linux: the system and processor decide
        }
        return String.join("/", System.getProperty("os.name"), System.getProperty("os.arch"),
                String.valueOf(System.getProperty("java.vm.vendor")), boot, musl ? "musl" : "libc");
    }

    /** @return the library's name when the marker says it was chosen for this platform and it is still whole, else null */
    private static String known(Path marker, String platform, Path dir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(marker);
        } catch (IOException | RuntimeException e) {
            return null; // none yet
        }
        try {
            if (lines.size() == 3 && lines.get(0).equals(platform)) {
                Path library = dir.resolve(lines.get(1));
                if (library.getParent().equals(dir) && Files.isRegularFile(library)
                        && Files.size(library) == Long.parseLong(lines.get(2))) {
                    return lines.get(1);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Ignoring {}", marker, e);
        }
        return null;
    }

    /** Notes which library the driver chose for this platform, written whole or not at all. */
    private static void remember(Path marker, String platform, String name, long size) throws IOException {
        Path partial = Files.createTempFile(marker.getParent(), MARKER, ".partial");
        try {
            Files.writeString(partial, platform + "\n" + name + "\n" + size + "\n");
            Files.move(partial, marker, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
