package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The launcher's use of the built-in bundles' versions kept in the home, against a real Felix
 * initialised as the launcher does (bundles installed by reference, before the framework starts).
 */
class BundleOverridesTest {

    @TempDir
    Path home;

    Framework felix;
    Bundle distributed;

    @BeforeEach
    void install() throws Exception {
        felix = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, home.resolve(".felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        felix.init();
        Path jar = bundle(home.resolve("dist/channel.jar"), "built.in", "1.0.0");
        distributed = felix.getBundleContext().installBundle("reference:" + jar.toUri());
    }

    @AfterEach
    void stop() throws Exception {
        felix.stop();
        felix.waitForStop(30_000);
    }

    static Path bundle(Path jar, String symbolicName, String version) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        main.putValue(Constants.BUNDLE_VERSION, version);
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
    }

    @Test
    void withoutKeptVersionsTheDistributionsBundleRuns() {
        BundleOverrides.in(home).apply(distributed);

        assertThat(distributed.getVersion()).hasToString("1.0.0");
    }

    @Test
    void aKeptVersionNotLowerThanTheDistributionsRunsInItsPlace() throws Exception {
        bundle(home.resolve("bundles-updated/built.in.jar"), "built.in", "1.0.1");

        BundleOverrides.in(home).apply(distributed);

        assertThat(distributed.getVersion()).hasToString("1.0.1");
        assertThat(distributed.getLocation()).as("still the distribution's bundle").endsWith("dist/channel.jar");
        felix.start();
        distributed.start();
        assertThat(distributed.getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(distributed.getVersion()).hasToString("1.0.1");
        assertThat(home.resolve("bundles-updated/built.in.jar")).as("kept for the next start").isRegularFile();
    }

    @Test
    void aNewerDistributionWinsAndTheStaleVersionBecomesThePreviousOne() throws Exception {
        bundle(home.resolve("bundles-updated/built.in.jar"), "built.in", "0.9.0");
        bundle(home.resolve("bundles-previous/built.in.jar"), "built.in", "0.8.0");

        BundleOverrides.in(home).apply(distributed);

        assertThat(distributed.getVersion()).hasToString("1.0.0");
        assertThat(home.resolve("bundles-updated/built.in.jar")).doesNotExist();
        try (JarFile previous = new JarFile(home.resolve("bundles-previous/built.in.jar").toFile())) {
            assertThat(previous.getManifest().getMainAttributes().getValue(Constants.BUNDLE_VERSION))
                    .as("what ran before the upgrade, for 'bundles rollback'").isEqualTo("0.9.0");
        }
    }

    @Test
    void aLowerVersionPutInPlaceOnThisDistributionStaysWhileTheDistributionIsTheSame() throws Exception {
        bundle(home.resolve("bundles-updated/built.in.jar"), "built.in", "0.9.0");
        Files.writeString(home.resolve("bundles-updated/built.in.properties"), "distribution.version=1.0.0\n");

        BundleOverrides.in(home).apply(distributed);

        assertThat(distributed.getVersion()).as("a deliberate downgrade").hasToString("0.9.0");
        assertThat(home.resolve("bundles-updated/built.in.jar")).isRegularFile();
    }

    @Test
    void aDowngradeMadeOnAnOlderDistributionIsStaleOnANewerOne() throws Exception {
        bundle(home.resolve("bundles-updated/built.in.jar"), "built.in", "0.9.0");
        Files.writeString(home.resolve("bundles-updated/built.in.properties"), "distribution.version=0.9.5\n");

        BundleOverrides.in(home).apply(distributed);

        assertThat(distributed.getVersion()).hasToString("1.0.0");
        assertThat(home.resolve("bundles-updated/built.in.jar")).doesNotExist();
        assertThat(home.resolve("bundles-updated/built.in.properties")).doesNotExist();
        assertThat(home.resolve("bundles-previous/built.in.jar")).isRegularFile();
    }

    @Test
    void aKeptJarOfAnotherBundleOrNoJarAtAllIsIgnored() throws Exception {
        bundle(home.resolve("bundles-updated/built.in.jar"), "other.name", "2.0.0");
        BundleOverrides.in(home).apply(distributed);
        assertThat(distributed.getVersion()).hasToString("1.0.0");

        Files.writeString(home.resolve("bundles-updated/built.in.jar"), "not a jar");
        BundleOverrides.in(home).apply(distributed);
        assertThat(distributed.getVersion()).hasToString("1.0.0");
        assertThat(home.resolve("bundles-updated/built.in.jar")).as("left alone").isRegularFile();
    }
}
