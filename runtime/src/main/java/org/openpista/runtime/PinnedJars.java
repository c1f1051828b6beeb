package org.openpista.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The distribution's bundle jars of a daemon, each pinned by a hard link in the user's cache ({@code
 * ~/.cache/openpista/jars/SET/FEATURE.NAME.jar}, or under {@code $XDG_CACHE_HOME}), so that Felix
 * may close them and open them again by path ({@code felix.cache.filelimit}) and still read the
 * same files when the distribution is replaced under a running process ({@code install.sh} moves
 * the installation aside and puts the new one at its path). A link names the file itself, as an
 * open descriptor does: replacing or deleting the distribution leaves it alone.
 *
 * <p>SET is a digest of the names, sizes, modification times and inode numbers of every jar of the
 * distribution, so it is the same for every run of one build (the saved bundle cache's key holds
 * these paths) and a rebuild gets a set of its own even when a reproducible build gives its jars the
 * same sizes and times. One set per build and per user, whatever the daemon installs and whichever
 * openpista home it runs with, because a new link changes the jar's change time (ctime), which
 * {@code bin/openpista} compares with its class-data archives and {@link InstalledBundles#key} hashes:
 * it changes once, when the build's first daemon starts. A process holds a shared lock on {@code
 * SET.lock} while it runs; a process that makes a new set deletes the sets unused for a day whose
 * lock nobody holds, never a running daemon's. When a link cannot be made (the cache on another file
 * system, a distribution owned by another user under {@code fs.protected_hardlinks}), the process
 * installs the distribution's files as before and must keep them open ({@link #complete()} is false).
 */
final class PinnedJars implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PinnedJars.class);
    /** How many bundle jars Felix keeps open when every jar is pinned: it opens the others again when read. */
    static final String FILE_LIMIT = "4";
    /** How long a set nobody started a process with stays. */
    static final long UNUSED = 86_400_000;

    private final Map<Path, Path> links;
    private final FileChannel lock;

    private PinnedJars(Map<Path, Path> links, FileChannel lock) {
        this.links = links;
        this.lock = lock;
    }

    /** @return where the sets are kept: {@code $XDG_CACHE_HOME/openpista/jars}, else {@code ~/.cache/openpista/jars} */
    static Path store(Map<String, String> env) {
        String cache = env.get("XDG_CACHE_HOME");
        Path base = cache != null && cache.startsWith("/") ? Path.of(cache) : Path.of(Home.expand("~/.cache"));
        return base.resolve("openpista").resolve("jars");
    }

    /**
     * Pins jars in a store, or leaves them as they are when one cannot be pinned.
     *
     * @param store where the sets of links are kept ({@link #store})
     * @param jars every bundle jar of the distribution
     */
    static PinnedJars pin(Path store, List<Path> jars) {
        FileChannel lock = null;
        try {
            String set = digest(jars);
            Files.createDirectories(store, ownerOnly("rwx------"));
            lock = FileChannel.open(store.resolve(set + ".lock"),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE), ownerOnly("rw-------"));
            lock.lock(0, Long.MAX_VALUE, true);
            Path dir = store.resolve(set);
            Files.createDirectories(dir, ownerOnly("rwx------"));
            Files.setLastModifiedTime(dir, FileTime.fromMillis(System.currentTimeMillis())); // in use
            Map<Path, Path> links = new HashMap<>();
            boolean made = false;
            for (Path jar : jars) {
                Path link = dir.resolve(jar.getParent().getFileName() + "." + jar.getFileName());
                if (!(Files.exists(link) && Files.isSameFile(link, jar))) {
                    Path partial = dir.resolve(link.getFileName() + ".partial-" + ProcessHandle.current().pid());
                    Files.deleteIfExists(partial);
                    Files.createLink(partial, jar);
                    Files.move(partial, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    made = true;
                }
                links.put(jar, link);
            }
            if (made) {
                prune(store, set);
            }
            return new PinnedJars(Map.copyOf(links), lock);
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot pin the bundle jars in {}; installing them from the distribution", store, e);
            closeQuietly(lock);
            return none();
        }
    }

    /** @return no jar pinned: each is installed from the distribution and kept open */
    static PinnedJars none() {
        return new PinnedJars(Map.of(), null);
    }

    /** @return the file to install a jar of the distribution from: its link, or itself when not pinned */
    Path path(Path jar) {
        return links.getOrDefault(jar, jar);
    }

    /** @return whether every jar is pinned, so that Felix may close them (the process's lock is held) */
    boolean complete() {
        return lock != null;
    }

    /** Lets the set go: the process no longer reads its jars. */
    @Override
    public void close() {
        closeQuietly(lock);
    }

    /** A digest of the jars' names, sizes, modification times and inodes: one set per build. */
    private static String digest(List<Path> jars) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path jar : jars) {
            // unix:ino is not there on other systems: an UnsupportedOperationException, so no pinning
            Map<String, Object> unix = Files.readAttributes(jar, "unix:size,lastModifiedTime,ino");
            String line = jar.getParent().getFileName() + "/" + jar.getFileName() + " " + unix.get("size") + " "
                    + ((FileTime) unix.get("lastModifiedTime")).toMillis() + " " + unix.get("ino") + "\n";
            digest.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return "set-" + HexFormat.of().formatHex(digest.digest(), 0, 12);
    }

    /**
     * Deletes the sets other than {@code kept} unused for a day whose lock no process holds. Their
     * lock files stay (empty): a process that opened one to lock it must lock the file the next
     * pruner looks at.
     */
    static void prune(Path store, String kept) {
        long now = System.currentTimeMillis();
        try (Stream<Path> entries = Files.list(store)) {
            for (Path dir : entries.filter(Files::isDirectory).toList()) {
                String name = dir.getFileName().toString();
                if (name.equals(kept) || now - Files.getLastModifiedTime(dir).toMillis() < UNUSED) {
                    continue;
                }
                try (FileChannel channel = FileChannel.open(store.resolve(name + ".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                        FileLock exclusive = channel.tryLock()) {
                    if (exclusive != null) {
                        InstalledBundles.delete(dir);
                    }
                } catch (IOException | OverlappingFileLockException e) {
                    LOG.debug("Cannot prune {}", dir, e);
                }
            }
        } catch (IOException e) {
            LOG.debug("Cannot prune {}", store, e);
        }
    }

    private static FileAttribute<?>[] ownerOnly(String mode) {
        try {
            return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode))};
        } catch (UnsupportedOperationException notPosix) {
            return new FileAttribute<?>[0];
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Cannot release a lock", e);
            }
        }
    }
}
