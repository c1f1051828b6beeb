package org.openpista.runtime;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.openpista.api.admin.DaemonControl;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folder Felix keeps a process's bundle cache in (its storage): the revisions of the installed
 * bundles, the jars of the plugins FileInstall installed and of the bundle versions {@code openpista
 * bundles update} kept, and Configuration Admin's configurations, secrets included. Each process has
 * one of its own, made owner-only (mode 700) and deleted when the framework stops.
 *
 * <p>A command or a {@code run -e} ends soon: its storage is a temporary folder ({@code
 * java.io.tmpdir}). A daemon's is in the home, {@code HOME/cache/felix-PID-NNN}: a daemon whose
 * jars are all pinned keeps only a few of them open ({@code felix.cache.filelimit}) and opens the
 * others again by path, and a cleaner that ages files out of the temporary folder (systemd-tmpfiles)
 * could delete a plugin's jar under a daemon idle for days, which could then not load a class of
 * that plugin. A daemon's folder goes also when it stops on a signal ({@link #deleteWhenStopped}).
 * A daemon killed without stopping leaves its folder; the next daemon of the home
 * deletes the folders of processes that are gone and whose Felix lock ({@code cache.lock}) nobody
 * holds, never a running daemon's.
 */
final class FelixStorage {

    private static final Logger LOG = LoggerFactory.getLogger(FelixStorage.class);
    private static final Pattern NAME = Pattern.compile("felix-(\\d+)-\\d+");
    /** Felix's lock of a running cache, held from the framework's init until it stops. */
    private static final String LOCK = "cache.lock";

    /** How long a daemon's shutdown waits for the framework to stop before the JVM ends and its storage goes. */
    private static final long STOP_LIMIT = 60_000;

    private final Path dir;
    private final boolean daemon;
    private Thread hook;
    private boolean closed;

    private FelixStorage(Path dir, boolean daemon) {
        this.dir = dir;
        this.daemon = daemon;
    }

    /**
     * Makes the empty storage folder of this process (owner-only).
     *
     * @param home the home's folder
     * @param daemon whether the process runs until stopped: its storage is then in the home
     */
    static FelixStorage create(Path home, boolean daemon) throws IOException {
        if (!daemon) {
            return new FelixStorage(Files.createTempDirectory("openpista-felix-"), false);
        }
        Path cache = Files.createDirectories(home.resolve("cache"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        deleteStale(cache);
        return new FelixStorage(Files.createTempDirectory(cache, "felix-" + ProcessHandle.current().pid() + "-"), true);
    }

    /** @return the folder */
    Path dir() {
        return dir;
    }

    /**
     * Makes a daemon's storage go also when the JVM ends on a signal (SIGTERM, {@code openpista stop},
     * Ctrl-C): the daemon's own shutdown hook lets the JVM end as soon as the framework stopped, before
     * the launcher's {@link #close()} would run. A hook of the storage's own waits for that stop and
     * deletes the folder; it is added once the daemon serves ({@link DaemonControl} registered, after
     * the daemon's hook), so that it never waits for a stop nobody makes: a JVM ending while the daemon
     * starts leaves the folder to the next daemon's {@link #deleteStale}. Other processes leave theirs
     * to the temporary folder's cleaner then.
     */
    void deleteWhenStopped(Framework framework) {
        if (!daemon) {
            return;
        }
        BundleContext context = framework.getBundleContext();
        ServiceListener serving = new ServiceListener() {
            @Override
            public void serviceChanged(ServiceEvent event) {
                if (event.getType() == ServiceEvent.REGISTERED) {
                    context.removeServiceListener(this);
                    addHook(framework);
                }
            }
        };
        try {
            context.addServiceListener(serving, "(" + Constants.OBJECTCLASS + "=" + DaemonControl.class.getName() + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized void addHook(Framework framework) {
        if (hook != null || closed) {
            return;
        }
        Thread stopped = new Thread(() -> {
            try {
                framework.waitForStop(STOP_LIMIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            InstalledBundles.delete(dir);
        }, "openpista-storage");
        try {
            Runtime.getRuntime().addShutdownHook(stopped);
            hook = stopped;
        } catch (IllegalStateException shuttingDown) {
            // too late: the next daemon deletes the folder
        }
    }

    /** Deletes the folder and what it holds, once the framework stopped; the shutdown hook does when the JVM is ending. */
    synchronized void close() {
        closed = true;
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return; // the hook is running: it deletes the folder once the framework stopped
            }
        }
        InstalledBundles.delete(dir);
    }

    /**
     * Deletes the storage folders in a home's cache that no process uses: left by a daemon that was
     * killed. A folder is in use while its process runs or while some process holds its Felix lock
     * (a daemon of another PID namespace sharing the home).
     */
    static void deleteStale(Path cache) {
        long self = ProcessHandle.current().pid();
        try (Stream<Path> entries = Files.list(cache)) {
            for (Path dir : entries.toList()) {
                Matcher name = NAME.matcher(dir.getFileName().toString());
                if (!name.matches()) {
                    continue;
                }
                long pid = Long.parseLong(name.group(1));
                // this process's own are left alone: opening and closing a file another channel of this
                // process locked would release that lock (POSIX locks belong to the process)
                boolean running = pid == self || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!running && !locked(dir)) {
                    LOG.debug("Deleting the storage {} of a process that is gone", dir);
                    InstalledBundles.delete(dir);
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("Cannot look for stale storage in {}", cache, e);
        }
    }

    /** @return whether another process holds the Felix lock of a storage folder */
    private static boolean locked(Path dir) {
        try (FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock()) {
            return lock == null;
        } catch (NoSuchFileException none) {
            return false;
        } catch (IOException | OverlappingFileLockException e) {
            LOG.debug("Cannot tell whether {} is in use", dir, e);
            return true;
        }
    }
}
