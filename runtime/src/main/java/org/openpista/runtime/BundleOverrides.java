package org.openpista.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions of built-in bundles that {@code openpista bundles update} put in place of the
 * distribution's, kept in {@code HOME/bundles-updated/NAME.jar} (NAME: the Bundle-SymbolicName), so
 * that they run again after a restart. Only the launcher can put them in place before anything
 * starts: it installs the distribution's bundle, then updates it from the kept jar before the
 * framework starts it. {@code NAME.properties} beside the jar names the distribution's version the
 * swap replaced ({@code distribution.version}). When another distribution (an upgrade of openpista)
 * brings a newer version than the kept one, the distribution wins: the kept jar is stale and moves
 * to {@code HOME/bundles-previous/NAME.jar}, where {@code openpista bundles rollback NAME} finds it.
 * So a deliberate downgrade lasts as long as the distribution it was made on, and nothing changes
 * for a command that starts while the daemon runs such a version. A kept jar that cannot be read or
 * installed is left alone and the distribution's version runs.
 */
final class BundleOverrides {

    private static final Logger LOG = LoggerFactory.getLogger(BundleOverrides.class);

    /** Where the updated versions are kept, under the home (the shell bundle's swap writes them). */
    static final String UPDATED = "bundles-updated";
    /** Where the version a swap replaced is kept, under the home. */
    static final String PREVIOUS = "bundles-previous";
    /** The property of {@code NAME.properties} that names the distribution's version a kept jar replaced. */
    static final String REPLACED = "distribution.version";

    private final Path home;
    /** The kept jars by the symbolic name their file is named after. */
    private final Map<String, Path> jars;

    private BundleOverrides(Path home, Map<String, Path> jars) {
        this.home = home;
        this.jars = jars;
    }

    /** @return the updated versions kept in the home; none when it keeps none (no file is read then) */
    static BundleOverrides in(Path home) {
        Map<String, Path> jars = new HashMap<>();
        Path dir = home.resolve(UPDATED);
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(file -> file.getFileName().toString().endsWith(".jar") && Files.isRegularFile(file))
                        .forEach(file -> jars.put(file.getFileName().toString().replaceFirst("\\.jar$", ""), file));
            } catch (IOException e) {
                LOG.warn("Cannot read {}; the distribution's bundles run: {}", dir, e.getMessage());
            }
        }
        return new BundleOverrides(home, jars);
    }

    /**
     * Runs the kept version of a just installed built-in bundle instead of the distribution's, or
     * drops a kept version the distribution has overtaken. Called before the bundle is started.
     */
    void apply(Bundle bundle) {
        Path jar = jars.get(bundle.getSymbolicName());
        if (jar == null) {
            return;
        }
        Version kept;
        try {
            kept = version(jar, bundle.getSymbolicName());
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("Ignoring {}: {}; {} {} of the distribution runs", jar, e.getMessage(), bundle.getSymbolicName(),
                    bundle.getVersion());
            return;
        }
        Path record = jar.resolveSibling(bundle.getSymbolicName() + ".properties");
        if (kept.compareTo(bundle.getVersion()) < 0 && !bundle.getVersion().equals(replaced(record))) {
            Path previous = home.resolve(PREVIOUS).resolve(jar.getFileName());
            try {
                Files.createDirectories(previous.getParent());
                Files.move(jar, previous, StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(record);
            } catch (IOException e) {
                LOG.debug("Could not move {} to {}", jar, previous, e);
            }
            LOG.info("Bundle {}: the distribution's version {} is newer than {} that 'openpista bundles update' put in place; "
                    + "running {} ({} kept for 'openpista bundles rollback {}')", bundle.getSymbolicName(), bundle.getVersion(),
                    kept, bundle.getVersion(), kept, bundle.getSymbolicName());
            return;
        }
        Version distributed = bundle.getVersion();
        try (InputStream in = Files.newInputStream(jar)) {
            bundle.update(in);
            LOG.info("Bundle {}: running {} from {} instead of the distribution's {}", bundle.getSymbolicName(), kept, jar,
                    distributed);
        } catch (IOException | BundleException | IllegalStateException e) {
            LOG.warn("Cannot install {}: {}; {} {} of the distribution runs", jar, e.getMessage(), bundle.getSymbolicName(),
                    distributed);
        }
    }

    /** @return the distribution's version a kept jar replaced, or {@code null} when that is not known */
    private static Version replaced(Path record) {
        if (!Files.isRegularFile(record)) {
            return null;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(record)) {
            properties.load(in);
            String version = properties.getProperty(REPLACED);
            return version == null ? null : Version.parseVersion(version.strip());
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("Cannot read {}", record, e);
            return null;
        }
    }

    /** @return the Bundle-Version of a jar that must carry the symbolic name */
    private static Version version(Path jar, String symbolicName) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String name = manifest == null ? null : manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            if (name == null || !name.split(";")[0].strip().equals(symbolicName)) {
                throw new IOException("it is not a jar of " + symbolicName + " (" + name + ")");
            }
            return Version.parseVersion(manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION));
        }
    }
}
