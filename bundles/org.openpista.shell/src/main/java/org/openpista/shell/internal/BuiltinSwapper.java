package org.openpista.shell.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Puts another version of a built-in bundle in place in the running daemon: the bundle is updated
 * in place ({@link Bundle#update(InputStream)} and a refresh of its wiring), so every other bundle
 * keeps running and the services it offers come back from the new version. The version it ran
 * before is kept in {@code HOME/bundles-previous/NAME.jar}, the version it runs now (when it is not
 * the distribution's own) in {@code HOME/bundles-updated/NAME.jar}, where the launcher finds it at
 * the next start and runs it again while the distribution brings no newer version; nothing inside
 * the distribution is written. Those folders are their owner's alone (700, files 600). A version
 * that does not become active with all its components is replaced by the one that ran before at once.
 */
final class BuiltinSwapper {

    /** Where the version a swap replaced is kept, under the home. */
    static final String PREVIOUS = "bundles-previous";
    /** Where the version a built-in bundle runs instead of the distribution's is kept, under the home. */
    static final String UPDATED = "bundles-updated";
    /** How long a new version may take to become active. */
    static final Duration WAIT = Duration.ofSeconds(30);

    /** What a swap did: whether the new version runs, and what to tell the user. */
    record Result(boolean ok, List<String> lines) {}

    private final BundleContext context;
    private final Path home;
    /** Why a bundle's component failed to activate, or {@code null}. */
    private final Function<Bundle, String> failedComponent;

    BuiltinSwapper(BundleContext context, Path home, Function<Bundle, String> failedComponent) {
        this.context = context;
        this.home = home;
        this.failedComponent = failedComponent;
    }

    Path previous(String name) {
        return home.resolve(PREVIOUS).resolve(name + ".jar");
    }

    Path updated(String name) {
        return home.resolve(UPDATED).resolve(name + ".jar");
    }

    /**
     * Runs {@code jar} instead of the bundle's current version, keeping the current one as the previous.
     *
     * @param verb what the user asked for, for the messages ({@code updated}, {@code rolled back})
     */
    Result swap(Bundle bundle, Path jar, String verb) throws IOException, InterruptedException {
        String name = bundle.getSymbolicName();
        Path running = runningJar(bundle);
        Path staging = privateDir(home.resolve(".bundles-staging"));
        // copies first: the jar given may be the previous version itself (a rollback)
        Path replaced = privateCopy(running, staging.resolve(name + ".replaced.jar"));
        Path incoming = privateCopy(jar, staging.resolve(name + ".incoming.jar"));
        Path distributed = distributedJar(bundle);
        String from = bundle.getVersion().toString();
        String problem = install(bundle, incoming);
        if (problem == null) {
            move(replaced, previous(name));
            if (distributed != null && Files.mismatch(incoming, distributed) == -1) {
                // the distribution's own version again: the next start runs it anyway, and a newer one it brings
                Files.deleteIfExists(incoming);
                Files.deleteIfExists(updated(name));
                Files.deleteIfExists(replacedRecord(name));
            } else {
                move(incoming, updated(name));
                recordReplaced(name, distributed);
            }
            return new Result(true, List.of(verb + " " + name + " " + from + " -> " + bundle.getVersion()
                    + ", active (previous version " + from + " kept for 'openpista bundles rollback " + name + "')"));
        }
        String back = install(bundle, replaced);
        Files.deleteIfExists(incoming);
        Files.deleteIfExists(replaced);
        return new Result(false, List.of(name + " " + PluginCommands.version(jar) + " cannot run: " + problem,
                back == null ? "rolled back to the version that ran before: " + name + " " + bundle.getVersion() + ", active"
                        : "rolled back to the version that ran before, but it is not active either: " + back));
    }

    /** @return the jar of the version running now: the one a swap put in place, else the distribution's */
    private Path runningJar(Bundle bundle) throws IOException {
        Path updated = updated(bundle.getSymbolicName());
        if (Files.isRegularFile(updated) && PluginCommands.version(updated).equals(bundle.getVersion().toString())) {
            return updated;
        }
        Path jar = distributedJar(bundle);
        if (jar != null) {
            return jar;
        }
        throw new IOException("the jar of " + bundle.getSymbolicName() + " " + bundle.getVersion() + " is not a file ("
                + bundle.getLocation() + "), so it could not be restored: nothing was changed");
    }

    /** The file beside the kept jar that names the distribution's version it replaced (the launcher reads it). */
    Path replacedRecord(String name) {
        return home.resolve(UPDATED).resolve(name + ".properties");
    }

    /**
     * Notes which version of the distribution the kept jar replaced: the launcher runs the kept jar
     * while the distribution brings that version or an older one than the kept jar, and drops it once
     * an upgrade brings a newer one.
     */
    private void recordReplaced(String name, Path distributed) throws IOException {
        Path record = replacedRecord(name);
        if (distributed == null) {
            Files.deleteIfExists(record);
            return;
        }
        Path staging = privateDir(home.resolve(".bundles-staging")).resolve(name + ".properties");
        Files.deleteIfExists(staging);
        try {
            Files.createFile(staging, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(staging);
        }
        Files.writeString(staging, "# the version of the distribution that bundles-updated/" + name + ".jar replaced\n"
                + "distribution.version=" + PluginCommands.version(distributed) + "\n");
        move(staging, record);
    }

    /** @return the distribution's jar of a built-in bundle (it is installed from there by reference), or {@code null} */
    private static Path distributedJar(Bundle bundle) {
        String location = bundle.getLocation();
        if (location.startsWith("reference:")) {
            location = location.substring("reference:".length());
        }
        try {
            Path jar = Path.of(URI.create(location));
            return Files.isRegularFile(jar) ? jar : null;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null; // not a file location
        }
    }

    /** Updates the bundle from a jar and waits until it runs. @return why it does not, or {@code null} */
    private String install(Bundle bundle, Path jar) throws IOException, InterruptedException {
        try (InputStream in = Files.newInputStream(jar)) {
            bundle.update(in);
        } catch (BundleException e) {
            return PluginCommands.explain(e.getMessage());
        }
        refresh(bundle);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (bundle.getState() != Bundle.ACTIVE) {
                try {
                    bundle.start();
                } catch (BundleException e) {
                    if (e.getType() != BundleException.STATECHANGE_ERROR) {
                        return PluginCommands.explain(e.getMessage());
                    }
                }
            } else {
                String failed = failedComponent.apply(bundle);
                if (failed != null) {
                    return failed;
                }
                // active means still active a moment later, with no component failing meanwhile
                Thread.sleep(PluginSwaps.STEADY.toMillis());
                if (bundle.getState() == Bundle.ACTIVE && failedComponent.apply(bundle) == null) {
                    return null;
                }
            }
            Thread.sleep(100);
        }
        return "not active after " + WAIT.toSeconds() + " s";
    }

    /** Rewires the bundle and whatever imports from it, so the old version's classes are let go. */
    private void refresh(Bundle bundle) throws InterruptedException {
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED || event.getType() == FrameworkEvent.ERROR) {
                refreshed.countDown();
            }
        });
        refreshed.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Creates a folder, or narrows an existing one, to its owner alone (700). @return the folder */
    static Path privateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // nothing to narrow on this file system
        }
        return dir;
    }

    /** Copies a jar into a private folder as a file only its owner can read (600). @return the copy */
    private static Path privateCopy(Path jar, Path copy) throws IOException {
        Files.deleteIfExists(copy);
        try {
            Files.createFile(copy, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(copy);
        }
        // written into the file just made (Files.copy would make a new one with the default mode)
        try (InputStream in = Files.newInputStream(jar); OutputStream out = Files.newOutputStream(copy)) {
            in.transferTo(out);
        }
        return copy;
    }

    private static void move(Path from, Path to) throws IOException {
        privateDir(to.getParent());
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
