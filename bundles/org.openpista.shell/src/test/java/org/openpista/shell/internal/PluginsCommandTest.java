package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/**
 * {@code openpista plugins} against a daemon made of the real parts that matter: Felix with
 * FileInstall watching {@code HOME/plugins}, the admin socket with Gogo and {@code openpista:plugins},
 * the PID file, and the command talking to it through {@link DaemonClientComponent}.
 */
class PluginsCommandTest {

    @TempDir
    Path home;

    TestDaemon daemon;
    BundleContext system;

    @BeforeEach
    void start() throws Exception {
        // as the daemon sets FileInstall up
        daemon = new TestDaemon(home, Map.of(PluginCommands.DIR_PROPERTY, home.resolve("plugins").toString(),
                "felix.fileinstall.poll", "200", "felix.fileinstall.noInitialDelay", "true",
                "felix.fileinstall.filter", ".*\\.jar"));
        system = daemon.system;
        Files.createDirectories(home.resolve("plugins"));
        system.installBundle(HiddenCommandsTest.jar("org.apache.felix.fileinstall")).start();
    }

    void daemon() throws IOException {
        daemon.serve(new PluginCommands(system), "plugins");
    }

    @AfterEach
    void stop() throws Exception {
        daemon.stop();
    }

    TestDaemon.Run plugins(String... args) {
        return TestDaemon.run(new PluginsCommand(system, new DaemonClientComponent(home)), args);
    }

    Path bundle(String file, String symbolicName, String header, String value) throws IOException {
        return bundle(file, symbolicName, "1.0.0", header, value);
    }

    Path bundle(String file, String symbolicName, String version, String header, String value) throws IOException {
        return daemon.bundle(file, symbolicName, version, header, value);
    }

    @Test
    void withoutADaemonEveryVerbSaysSo() throws Exception {
        Path jar = bundle("good.jar", "good.plugin", null, null);

        TestDaemon.Run list = plugins("list");
        TestDaemon.Run install = plugins("install", jar.toString());

        assertThat(list.status()).isEqualTo(1);
        assertThat(list.err()).contains("no daemon is running for " + home).contains("openpista start");
        assertThat(install.status()).isEqualTo(1);
        assertThat(home.resolve("plugins/good.jar")).doesNotExist();
    }

    @Test
    void whatIsNoBundleIsAUsageError() throws Exception {
        Files.writeString(home.resolve("text.jar"), "not a jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(home.resolve("library.jar")), manifest)) {
            out.flush();
        }

        assertThat(plugins("install", home.resolve("missing.jar").toString()).status()).isEqualTo(2);
        TestDaemon.Run text = plugins("install", home.resolve("text.jar").toString());
        assertThat(text.status()).isEqualTo(2);
        assertThat(text.err()).contains("is not a jar");
        TestDaemon.Run library = plugins("install", home.resolve("library.jar").toString());
        assertThat(library.status()).isEqualTo(2);
        assertThat(library.err()).contains("is not an OSGi bundle (its manifest has no Bundle-SymbolicName)");
        TestDaemon.Run none = plugins("remove", "nothing-here");
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).contains("no plugin nothing-here in " + home.resolve("plugins"));
    }

    @Test
    void installWaitsUntilActiveRefusesWhatCannotResolveAndRemoveWaitsUntilGone() throws Exception {
        daemon();

        TestDaemon.Run installed = plugins("install", bundle("good.jar", "good.plugin", null, null).toString());
        assertThat(installed.status()).as(installed.toString()).isZero();
        assertThat(installed.out()).isEqualTo("installed good.jar: good.plugin 1.0.0 [" + bundleId("good.plugin")
                + "], active\n");
        assertThat(plugins("list").out()).contains("good.jar").contains("active");

        TestDaemon.Run refused = plugins("install", bundle("broken.jar", "broken.plugin", "Import-Package", "com.example.missing")
                .toString());
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("it imports the package com.example.missing").contains("nothing was installed");
        assertThat(home.resolve("plugins/broken.jar")).doesNotExist();

        TestDaemon.Run removed = plugins("remove", "good.plugin");
        assertThat(removed.status()).as(removed.toString()).isZero();
        assertThat(removed.out()).startsWith("removed good.jar (kept in " + home.resolve("plugins-previous"));
        assertThat(bundleId("good.plugin")).isEqualTo(-1);
    }

    @Test
    void updateKeepsThePreviousVersionRollsBackWhatCannotRunAndRollbackRestoresIt() throws Exception {
        daemon();
        BundleSwaps swaps = new BundleSwaps(system, null);
        assertThat(plugins("install", bundle("good.jar", "good.plugin", "1.0.0", null, null).toString()).status()).isZero();
        long id = bundleId("good.plugin");

        TestDaemon.Run updated = plugins("update", bundle("good-2.jar", "good.plugin", "2.0.0", null, null).toString());
        assertThat(updated.status()).as(updated.toString()).isZero();
        assertThat(updated.out()).isEqualTo("updated good.jar: good.plugin 2.0.0 [" + id + "], active (previous version "
                + "1.0.0 kept for 'openpista plugins rollback')\n");
        assertThat(version("good.plugin")).isEqualTo("2.0.0");
        assertThat(plugins("list").out()).contains("good.plugin 2.0.0").contains("active").contains("1.0.0");
        assertThat(swaps.lastSwap("good.plugin")).get().extracting(BundleSwaps.Swap::describe).asString()
                .startsWith("updated 1.0.0 -> 2.0.0 in ");

        TestDaemon.Run unresolved = plugins("update", bundle("good-3.jar", "good.plugin", "3.0.0", "Import-Package", "com.example.missing")
                .toString());
        assertThat(unresolved.status()).isEqualTo(1);
        assertThat(unresolved.err()).contains("good.jar cannot run: it imports the package com.example.missing")
                .contains("rolled back to the version that ran before: good.plugin 2.0.0 [" + id + "], active");
        assertThat(version("good.plugin")).isEqualTo("2.0.0");

        TestDaemon.Run failing = plugins("update", bundle("good-4.jar", "good.plugin", "4.0.0", "Bundle-Activator", "com.example.Missing")
                .toString());
        assertThat(failing.status()).isEqualTo(1);
        assertThat(failing.err()).contains("good.jar cannot run:").contains("com.example.Missing")
                .contains("rolled back to the version that ran before: good.plugin 2.0.0");
        assertThat(version("good.plugin")).isEqualTo("2.0.0");
        assertThat(plugins("list").out()).as("the failed versions never became the previous one").contains("1.0.0");

        TestDaemon.Run back = plugins("rollback", "good.plugin");
        assertThat(back.status()).as(back.toString()).isZero();
        assertThat(back.out()).startsWith("rolled back good.jar: good.plugin 1.0.0 [" + id + "], active (previous version 2.0.0");
        assertThat(version("good.plugin")).isEqualTo("1.0.0");
        TestDaemon.Run again = plugins("rollback", "good.jar");
        assertThat(again.status()).as("a second rollback undoes the first: " + again).isZero();
        assertThat(version("good.plugin")).isEqualTo("2.0.0");

        assertThat(plugins("remove", "good.plugin").status()).isZero();
        assertThat(bundleId("good.plugin")).isEqualTo(-1);
        TestDaemon.Run restored = plugins("rollback", "good.plugin");
        assertThat(restored.status()).as(restored.toString()).isZero();
        assertThat(version("good.plugin")).isEqualTo("2.0.0");
        assertThat(plugins("rollback", "nothing").err()).contains("no previous version of nothing is kept");
        TestDaemon.Run notInstalled = plugins("update", bundle("other.jar", "other.plugin", null, null).toString());
        assertThat(notInstalled.status()).isEqualTo(1);
        assertThat(notInstalled.err()).contains("no plugin other.plugin in").contains("install it with");
        swaps.deactivate();
    }

    String version(String symbolicName) {
        for (org.osgi.framework.Bundle bundle : system.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle.getState() == org.osgi.framework.Bundle.ACTIVE ? bundle.getVersion().toString() : "not active";
            }
        }
        return "absent";
    }

    long bundleId(String symbolicName) {
        for (org.osgi.framework.Bundle bundle : system.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle.getBundleId();
            }
        }
        return -1;
    }
}
