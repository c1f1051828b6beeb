package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

class FrameworkPropertiesTest {

    @TempDir
    Path dir;

    @Test
    void felixKeepsOnlyAFewBundleJarsOpenAndReopensOneWhenItIsReadAgain() throws Exception {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd (Linux) to count open files");
        Map<String, Object> properties = new HashMap<>();
        try (InputStream defaults = OsgiRuntime.class.getResourceAsStream("framework.properties")) {
            Properties file = new Properties();
            file.load(defaults);
            file.forEach((key, value) -> properties.put(key.toString(), value));
        }
        properties.put(Constants.FRAMEWORK_STORAGE, dir.resolve("storage").toString());
        Path jars = Files.createDirectories(dir.resolve("jars"));
        Framework framework = InstalledBundles.newFramework(properties);
        framework.init();
        try {
            Bundle first = null;
            for (int i = 0; i < 10; i++) {
                Path jar = bundle(jars.resolve("b" + i + ".jar"), "test.b" + i);
                Bundle bundle = framework.getBundleContext().installBundle("reference:" + jar.toUri());
                first = first == null ? bundle : first;
            }
            assertThat(openFilesIn(fds, jars)).isBetween(1L, 4L);

            // the first bundle's jar was closed when the fifth opened: Felix opens it again to read it
            assertThat(first.getEntry("data.txt")).isNotNull();
            try (InputStream in = first.getEntry("data.txt").openStream()) {
                assertThat(new String(in.readAllBytes())).isEqualTo("test.b0");
            }
            assertThat(openFilesIn(fds, jars)).isBetween(1L, 4L);
        } finally {
            framework.stop();
            framework.waitForStop(10_000);
        }
    }

    private static long openFilesIn(Path fds, Path folder) throws IOException {
        try (Stream<Path> links = Files.list(fds)) {
            return links.filter(link -> {
                try {
                    return Files.readSymbolicLink(link).startsWith(folder);
                } catch (IOException | UnsupportedOperationException e) {
                    return false; // closed meanwhile, or not a link
                }
            }).count();
        }
    }

    private static Path bundle(Path jar, String name) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.putNextEntry(new JarEntry("data.txt"));
            zip.write(name.getBytes());
            zip.closeEntry();
        }
        return jar;
    }
}
