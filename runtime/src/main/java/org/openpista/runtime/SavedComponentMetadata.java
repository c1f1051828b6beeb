package org.openpista.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SCR's parsed component descriptors, kept beside the saved bundle cache ({@link InstalledBundles},
 * same key) so that the next process need not parse the XML of every bundle again.
 *
 * <p>With {@code ds.cache.metadata=true}, Felix SCR writes what it parsed into its data file {@value
 * #FILE} when it stops and reads it when it starts, using an entry only for the bundle of the same
 * id whose last-modified time is the one written beside it. Every process starts on a copy of the
 * saved bundle cache, so the built-in bundles have the same ids and times in every process of a key:
 * the store written by one process fits the next. It is saved once, by a process that ended with
 * exactly the bundles of the saved cache, unchanged; a process that had a plugin (installed by
 * FileInstall in each process, with ids after the saved ones) or an updated bundle (a new time) saves
 * none, so the saved store only ever holds the saved cache's own bundles and a plugin or an updated
 * bundle always has its descriptors parsed afresh. The store holds what the bundles' XML says (names,
 * classes, references, properties of the descriptors), nothing of the configuration or of what ran.
 */
final class SavedComponentMetadata {

    private static final Logger LOG = LoggerFactory.getLogger(SavedComponentMetadata.class);
    /** SCR's data file of its metadata store. */
    static final String FILE = "componentMetadataStore";
    /** The framework property that has SCR read and write it. */
    static final String PROPERTY = "ds.cache.metadata";

    private static final String SCR = "org.apache.felix.scr";

    private final Path folder;
    private final Path saved;
    private final long scr;
    private final Path data;
    private final Map<Long, Long> installed;

    private SavedComponentMetadata(Path folder, Path saved, long scr, Path data, Map<Long, Long> installed) {
        this.folder = folder;
        this.saved = saved;
        this.scr = scr;
        this.data = data;
        this.installed = installed;
    }

    /**
     * Puts the saved store, when there is one, where SCR reads it: to be called once the bundles are
     * installed or restored, before the framework starts.
     *
     * @param folder where the saved bundle caches are kept
     * @param key the saved bundle cache's key
     * @param context the framework's, its bundles as the saved cache has them
     * @param storage the framework's storage folder
     * @param restored whether the bundles come from the saved cache; if not, they were installed
     *     afresh (new times) and a store saved for an earlier copy is deleted
     * @return the store of this process, or {@code null} when the bundles have no SCR
     */
    static SavedComponentMetadata restore(Path folder, String key, BundleContext context, Path storage, boolean restored) {
        for (Bundle bundle : context.getBundles()) {
            if (SCR.equals(bundle.getSymbolicName())) {
                return restore(folder, key, stamps(context), storage, bundle.getBundleId(), restored);
            }
        }
        return null;
    }

    /**
     * @param installed each bundle's id and last-modified time as the framework starts ({@link #stamps})
     * @param scr SCR's bundle id
     */
    static SavedComponentMetadata restore(Path folder, String key, Map<Long, Long> installed, Path storage, long scr,
            boolean restored) {
        SavedComponentMetadata metadata = new SavedComponentMetadata(folder, folder.resolve(key + ".components"), scr,
                dataFile(storage, scr), Map.copyOf(installed));
        metadata.restore(restored);
        return metadata;
    }

    /** Felix's data file of a bundle in its storage folder. */
    static Path dataFile(Path storage, long bundleId) {
        return storage.resolve("bundle" + bundleId).resolve("data").resolve(FILE);
    }

    /** Each bundle's id and last-modified time. */
    static Map<Long, Long> stamps(BundleContext context) {
        Map<Long, Long> stamps = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            stamps.put(bundle.getBundleId(), bundle.getLastModified());
        }
        return stamps;
    }

    private void restore(boolean restored) {
        try {
            if (!restored) {
                Files.deleteIfExists(saved);
            } else if (Files.isRegularFile(saved)) {
                Files.createDirectories(data.getParent());
                Files.copy(saved, data, StandardCopyOption.REPLACE_EXISTING);
                // marks it as in use, for InstalledBundles' clean-up
                Files.setLastModifiedTime(saved, FileTime.fromMillis(System.currentTimeMillis()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot use the saved component metadata {}", saved, e);
        }
    }

    /**
     * @param context the framework's, before it stops
     * @return whether the framework still has exactly the bundles it started with, unchanged: only
     *     then may SCR's store be saved
     */
    boolean unchanged(BundleContext context) {
        return unchanged(stamps(context));
    }

    /** @param now each bundle's id and last-modified time now */
    boolean unchanged(Map<Long, Long> now) {
        return installed.equals(now);
    }

    /**
     * Has the store saved as soon as SCR has stopped (and written it), in the thread that stops the
     * framework: a daemon stopped by a signal exits once the framework has stopped.
     *
     * @param context the framework's, before it stops
     */
    void saveWhenScrStops(BundleContext context) {
        context.addBundleListener((SynchronousBundleListener) event -> {
            if (event.getType() == BundleEvent.STOPPED && event.getBundle().getBundleId() == scr) {
                save();
            }
        });
    }

    /**
     * Saves the store SCR wrote at its stop, unless one is saved already. A concurrent process saving
     * the same loses nothing: the copy is written under a private name and moved in place.
     */
    void save() {
        if (Files.exists(saved) || !Files.isRegularFile(data)) {
            return;
        }
        Path partial = folder.resolve(saved.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(folder);
            Files.copy(data, partial, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(partial, saved, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(partial);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot save the component metadata to {}", saved, e);
            InstalledBundles.delete(partial);
        }
    }
}
