package org.openpista.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The installed distribution: {@code lib/} (this launcher's class path) and {@code
 * bundles/<feature>/} (the resolved bundle sets, each with a {@code feature.properties} naming its
 * start level). Found through the {@code openpista.dist} system property the start script sets,
 * else next to the launcher jar.
 *
 * @param dir the distribution folder
 */
record Distribution(Path dir) {

    /** The start level of a feature without {@code feature.properties}: after the infrastructure. */
    static final int DEFAULT_START_LEVEL = 2;

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

    /** @return every feature with its start level, lowest level first, then by name */
    Map<String, Integer> startLevels() {
        List<String> features = new ArrayList<>();
        try (Stream<Path> folders = Files.list(dir.resolve("bundles"))) {
            folders.filter(Files::isDirectory).map(folder -> folder.getFileName().toString()).forEach(features::add);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + dir.resolve("bundles") + ": " + e.getMessage(), e);
        }
        // each level read once: a comparator that reads feature.properties reads it n log n times
        Map<String, Integer> levels = new HashMap<>();
        features.forEach(feature -> levels.put(feature, startLevel(feature)));
        features.sort(Comparator.comparing((String feature) -> levels.get(feature)).thenComparing(Comparator.naturalOrder()));
        Map<String, Integer> sorted = new LinkedHashMap<>();
        features.forEach(feature -> sorted.put(feature, levels.get(feature)));
        return sorted;
    }

    /** @return the start level of a feature's bundles, from its {@code feature.properties} */
    private int startLevel(String feature) {
        Path file = folder(feature).resolve("feature.properties");
        if (!Files.exists(file)) {
            return DEFAULT_START_LEVEL;
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
            return Integer.parseInt(properties.getProperty("start.level", "" + DEFAULT_START_LEVEL).strip());
        } catch (IOException | NumberFormatException e) {
            throw new IllegalStateException("cannot read the start level in " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the bundle jars of a feature, sorted by file name */
    List<Path> bundles(String feature) {
        try (Stream<Path> files = Files.list(folder(feature))) {
            return files.filter(path -> path.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + folder(feature) + ": " + e.getMessage(), e);
        }
    }

    private Path folder(String feature) {
        Path folder = dir.resolve("bundles").resolve(feature);
        if (!Files.isDirectory(folder)) {
            throw new IllegalStateException("the distribution has no feature \"" + feature + "\" (missing " + folder + ")");
        }
        return folder;
    }
}
