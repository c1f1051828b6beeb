package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;

/**
 * {@code openpista bundles} against a daemon made of the real parts: Felix with a "built-in"
 * bundle installed by reference from a distribution folder (as the launcher does), the admin socket
 * with Gogo and {@code openpista:bundles}, and the command talking to it through {@link
 * DaemonClientComponent}.
 */
class BundlesCommandTest {

    @TempDir
    Path home;

    TestDaemon daemon;
    BundleContext system;
    Path distributed;

    @BeforeEach
    void start() throws Exception {
        daemon = new TestDaemon(home, Map.of());
        system = daemon.system;
        Files.createDirectories(home.resolve("dist"));
        distributed = bundle("dist/channel.jar", "built.in", "1.0.0", null, null);
        system.installBundle("reference:" + distributed.toUri()).start();
    }

    void daemon() throws IOException {
        daemon.serve(new BuiltinBundles(system), "bundles");
    }

    @AfterEach
    void stop() throws Exception {
        daemon.stop();
    }

    TestDaemon.Run bundles(String... args) {
        return TestDaemon.run(new BundlesCommand(new DaemonClientComponent(home)), args);
    }

    Path bundle(String file, String symbolicName, String version, String header, String value) throws IOException {
        return daemon.bundle(file, symbolicName, version, header, value);
    }

    String version(String symbolicName) {
        for (org.osgi.framework.Bundle bundle : system.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle.getState() == org.osgi.framework.Bundle.ACTIVE ? bundle.getVersion().toString() : "not active";
            }
        }
        return "absent";
    }

    @Test
    void withoutADaemonItSaysSo() throws Exception {
        TestDaemon.Run update = bundles("update", "built.in", bundle("v2.jar", "built.in", "2.0.0", null, null).toString());
        assertThat(update.status()).isEqualTo(1);
        assertThat(update.err()).contains("no daemon is running").contains("openpista start");
        assertThat(version("built.in")).isEqualTo("1.0.0");
    }

    @Test
    void updateKeepsThePreviousVersionRollsBackWhatCannotRunAndRollbackRestoresIt() throws Exception {
        daemon();
        byte[] original = Files.readAllBytes(distributed);

        TestDaemon.Run updated = bundles("update", "built.in", bundle("v2.jar", "built.in", "2.0.0", null, null).toString());
        assertThat(updated.status()).as(updated.toString()).isZero();
        assertThat(updated.out()).isEqualTo("updated built.in 1.0.0 -> 2.0.0, active (previous version 1.0.0 kept for "
                + "'openpista bundles rollback built.in')\n");
        assertThat(version("built.in")).isEqualTo("2.0.0");
        assertThat(bundles("list").out()).containsPattern("built\\.in\\s+2\\.0\\.0\\s+active\\s+1\\.0\\.0");

        TestDaemon.Run unresolved = bundles("update", "built.in", bundle("v3.jar", "built.in", "3.0.0", "Import-Package",
                "com.example.missing").toString());
        assertThat(unresolved.status()).isEqualTo(1);
        assertThat(unresolved.err()).contains("built.in 3.0.0 cannot run: it imports the package com.example.missing")
                .contains("rolled back to the version that ran before: built.in 2.0.0, active");
        assertThat(version("built.in")).isEqualTo("2.0.0");

        TestDaemon.Run failing = bundles("update", "built.in", bundle("v4.jar", "built.in", "4.0.0", "Bundle-Activator",
                "com.example.Missing").toString());
        assertThat(failing.status()).isEqualTo(1);
        assertThat(failing.err()).contains("built.in 4.0.0 cannot run:")
                .contains("rolled back to the version that ran before: built.in 2.0.0, active");
        assertThat(version("built.in")).isEqualTo("2.0.0");
        assertThat(bundles("list").out()).as("the failed versions never became the previous one")
                .containsPattern("built\\.in\\s+2\\.0\\.0\\s+active\\s+1\\.0\\.0");

        TestDaemon.Run back = bundles("rollback", "built.in");
        assertThat(back.status()).as(back.toString()).isZero();
        assertThat(back.out()).startsWith("rolled back built.in 2.0.0 -> 1.0.0, active");
        assertThat(version("built.in")).isEqualTo("1.0.0");
        assertThat(home.resolve("bundles-updated/built.in.jar")).as("the distribution's own version needs no copy to run "
                + "after a restart").doesNotExist();
        assertThat(home.resolve("bundles-updated/built.in.properties")).doesNotExist();
        TestDaemon.Run again = bundles("rollback", "built.in");
        assertThat(again.status()).as("a second rollback undoes the first: " + again).isZero();
        assertThat(version("built.in")).isEqualTo("2.0.0");

        assertThat(Files.readAllBytes(distributed)).as("the distribution is never written").isEqualTo(original);
        assertThat(PluginCommands.version(home.resolve("bundles-previous/built.in.jar"))).isEqualTo("1.0.0");
        Path kept = home.resolve("bundles-updated/built.in.jar");
        assertThat(PluginCommands.version(kept)).as("what the launcher runs after a restart").isEqualTo("2.0.0");
        assertThat(Files.readString(home.resolve("bundles-updated/built.in.properties")))
                .as("the distribution's version it replaced").contains("distribution.version=1.0.0");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("bundles-previous/built.in.jar"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("bundles-previous"))))
                .isEqualTo("rwx------");
    }

    @Test
    void whatCannotBeSwappedIsRefusedWithTheReason() throws Exception {
        daemon();
        TestDaemon.Run unknown = bundles("update", "no.such", bundle("x.jar", "no.such", "1.0.0", null, null).toString());
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("no built-in bundle no.such");
        TestDaemon.Run other = bundles("update", "built.in", bundle("y.jar", "other.name", "1.0.0", null, null).toString());
        assertThat(other.status()).isEqualTo(1);
        assertThat(other.err()).contains("is other.name, not built.in");
        TestDaemon.Run nothingKept = bundles("rollback", "built.in");
        assertThat(nothingKept.status()).isEqualTo(1);
        assertThat(nothingKept.err()).contains("no previous version of built.in is kept");
        assertThat(version("built.in")).isEqualTo("1.0.0");
    }
}
