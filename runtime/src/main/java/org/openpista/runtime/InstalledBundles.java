package org.openpista.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A saved copy of Felix's bundle cache as it is right after the distribution's bundles are
 * installed and before anything starts, so that the next process copies it instead of installing
 * every bundle again (installing parses each manifest, builds revisions and writes the cache: about
 * a fifth of a {@code run -e}, bench/run-once.sh).
 *
 * <p>Each process still gets a private cache of its own (Felix locks it, and configuration admin
 * keeps configurations, secrets included, in it): the copy is made into the process's
 * storage ({@link FelixStorage}) and deleted with it. The saved copy never saw a started bundle, a plugin or a
 * configuration. It is kept under a key made of the bundles to install (path, size, modification
 * and change time, start level) and the launcher's own jars, the framework among them, so an
 * upgrade or a rebuild makes a new one; a new one being saved deletes those unused for a day.
 */
final class InstalledBundles {

    private static final Logger LOG = LoggerFactory.getLogger(InstalledBundles.class);
    /** Felix's lock of a running cache, not part of what is installed. */
    private static final String LOCK = "cache.lock";
    /**
     * The file of a bundle revision that names its jar: Felix writes it once, when it creates the
     * revision's folder, and only reads it later (an update makes a new revision folder), so a copy
     * may share it through a hard link instead of a copy of its own. Every other file (bundle.info
     * above all) Felix rewrites in place, so a link would change the saved copy too.
     */
    private static final String WRITTEN_ONCE = "revision.location";

    private final Path folder;
    private final Path saved;

    /**
     * @param folder where saved copies are kept
     * @param key what the copy holds ({@link #key})
     */
    InstalledBundles(Path folder, String key) {
        this.folder = folder;
        this.saved = folder.resolve(key);
    }

    /**
     * @param plan one line per bundle to install: its start level and jar
     * @param lib the launcher's class path folder (framework, API)
     * @return a digest of the plan, the jars' sizes and times, and the launcher's jars
     */
    static String key(List<String> plan, List<Path> jars, Path lib) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (String line : plan) {
            digest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        List<Path> launcher;
        try (Stream<Path> files = Files.list(lib)) {
            launcher = files.filter(path -> path.toString().endsWith(".jar")).sorted().toList();
        }
        for (Path jar : Stream.concat(jars.stream(), launcher.stream()).toList()) {
            digest.update((jar + " " + stamp(jar) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        digest.update(("java " + System.getProperty("java.version") + "\n").getBytes(StandardCharsets.UTF_8));
        return "felix-" + HexFormat.of().formatHex(digest.digest(), 0, 12);
    }

    /**
     * A jar's size, modification and change time (reproducible builds give every jar the same
     * modification time), from one look at the file.
     */
    private static String stamp(Path jar) throws IOException {
        try {
            Map<String, Object> unix = Files.readAttributes(jar, "unix:size,lastModifiedTime,ctime");
            return unix.get("size") + " " + ((FileTime) unix.get("lastModifiedTime")).toMillis() + " "
                    + ((FileTime) unix.get("ctime")).toMillis();
        } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
            return Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() + " 0";
        }
    }

    /**
     * Copies the saved cache into an empty storage folder.
     *
     * @return whether there was one to copy
     */
    boolean restore(Path storage) {
        if (!Files.isDirectory(saved)) {
            return false;
        }
        try {
            copy(saved, storage);
            // marks it as in use, for save's clean-up
            Files.setLastModifiedTime(saved, FileTime.fromMillis(System.currentTimeMillis()));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot copy the saved bundle cache {}", saved, e);
            clear(storage);
            return false;
        }
    }

    /**
     * Saves a copy of a cache in which the bundles were just installed, nothing started yet, and
     * deletes the copies of other keys. A concurrent process saving the same key loses nothing: the
     * copy is written under a private name and moved in place.
     */
    void save(Path storage) {
        Path partial = folder.resolve(saved.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(folder);
            copy(storage, partial);
            try {
                Files.move(partial, saved, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                delete(partial);
            }
            try (Stream<Path> others = Files.list(folder)) {
                for (Path other : others.filter(path -> !path.equals(saved)).toList()) {
                    // another key's copy unused for a day (an older distribution's; run -e and the daemon
                    // install different sets, each has its own), or a partial one of a process that died
                    long age = System.currentTimeMillis() - Files.getLastModifiedTime(other).toMillis();
                    if (age > (other.getFileName().toString().contains(".partial-") ? 60_000 : 86_400_000)) {
                        delete(other);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot save the bundle cache to {}", saved, e);
            delete(partial);
        }
    }

    static Framework newFramework(Map<String, Object> properties) {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, InstalledBundles.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        @SuppressWarnings({"unchecked", "rawtypes"}) // Felix takes Map<String, Object> through a raw Map
        Framework framework = factory.newFramework((Map) properties);
        return framework;
    }

    /**
     * Starts a framework on a copy of the saved cache.
     *
     * @return the framework, or {@code null} when the copy cannot be used (then forgotten and the
     *     storage emptied, to install afresh)
     */
    Framework initialized(Map<String, Object> properties, Path storage) {
        Framework framework = newFramework(properties);
        try {
            framework.init();
            return framework;
        } catch (BundleException | RuntimeException e) {
            LOG.debug("The saved bundle cache cannot be used; installing afresh", e);
            try {
                framework.stop();
                framework.waitForStop(10_000);
            } catch (BundleException | RuntimeException stop) {
                LOG.debug("Could not stop the framework", stop);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            forget();
            clear(storage);
            return null;
        }
    }

    /** Deletes the saved copy (it could not be used). */
    void forget() {
        delete(saved);
    }

    private static void copy(Path from, Path to) throws IOException {
        boolean link = true;
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                String name = path.getFileName().toString();
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else if (name.equals(LOCK)) {
                    continue;
                } else if (link && name.equals(WRITTEN_ONCE)) {
                    try {
                        Files.createLink(target, path);
                        continue;
                    } catch (FileAlreadyExistsException e) {
                        // copied over below
                    } catch (IOException | UnsupportedOperationException otherFileSystem) {
                        link = false; // the temporary folder is on another file system: copy the rest
                    }
                }
                Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Empties a folder, keeping it. */
    static void clear(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).filter(path -> !path.equals(dir)).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            LOG.debug("Could not empty {}", dir, e);
        }
    }

    static void delete(Path dir) {
        clear(dir);
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("Could not delete {}", dir, e);
        }
    }
}
