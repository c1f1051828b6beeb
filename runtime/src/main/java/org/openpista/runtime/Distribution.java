package org.openpista.runtime;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The installed distribution: {@code lib/} (this launcher's class path) and {@code
 * bundles/<feature>/} (the bundle sets). Found through the {@code openpista.dist} system property
 * the start script sets, else next to the launcher jar.
 *
 * @param dir the distribution folder
 */
record Distribution(Path dir) {

    static Distribution locate() {
        String property = System.getProperty("openpista.dist");
        if (property != null && !property.isBlank()) {
            return new Distribution(Path.of(property).toAbsolutePath().normalize());
        }
        try {
            Path jar = Path.of(Distribution.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return new Distribution(jar.getParent().getParent());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the openpista distribution; set -Dopenpista.dist", e);
        }
    }

    /** @return the bundle jars of a feature, sorted by file name */
    List<Path> bundles(String feature) {
        Path folder = dir.resolve("bundles").resolve(feature);
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("the distribution has no feature \"" + feature + "\" (missing " + folder + ")");
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> jars = new ArrayList<>(files.filter(path -> path.toString().endsWith(".jar")).sorted().toList());
            return jars;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + folder + ": " + e.getMessage(), e);
        }
    }
}
