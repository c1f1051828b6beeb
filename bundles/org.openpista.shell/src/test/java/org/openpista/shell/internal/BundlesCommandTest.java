package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import picocli.CommandLine;

/**
 * {@code openpista bundles} against a daemon made of the real parts: Felix with a "built-in"
 * bundle installed by reference from a distribution folder (as the launcher does), the admin socket
 * with Gogo and {@code openpista:bundles}, and the command talking to it through {@link
 * DaemonClientComponent}.
 */
class BundlesCommandTest {

    @TempDir
    Path home;

    Framework felix;
    BundleContext system;
    final ThreadIOImpl threadIo = new ThreadIOImpl();
    CommandProcessorImpl processor;
    AdminSocketServer server;
    Path distributed;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, home.resolve(".felix").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(ConfigurationLoader.HOME_PROPERTY, home.toString());
        felix = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(config);
        felix.start();
        system = felix.getBundleContext();
        Files.createDirectories(home.resolve("dist"));
        distributed = bundle("dist/channel.jar", "built.in", "1.0.0", null, null);
        system.installBundle("reference:" + distributed.toUri()).start();
    }

    void daemon() throws IOException {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("openpista", new BuiltinBundles(system), "bundles");
        server = new AdminSocketServer(processor, home.resolve("admin.sock"), 4);
        Files.writeString(home.resolve("openpista.pid"), ProcessHandle.current().pid() + "\n");
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.deactivate();
            processor.stop();
            threadIo.stop();
        }
        felix.stop();
        felix.waitForStop(30_000);
    }

    record Run(int status, String out, String err) {}

    Run bundles(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new BundlesCommand(new DaemonClientComponent(home)));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int status = command.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    Path bundle(String file, String symbolicName, String version, String header, String value) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        main.putValue(Constants.BUNDLE_VERSION, version);
        if (header != null) {
            main.putValue(header, value);
        }
        Path jar = home.resolve(file);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
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
        Run update = bundles("update", "built.in", bundle("v2.jar", "built.in", "2.0.0", null, null).toString());
        assertThat(update.status()).isEqualTo(1);
        assertThat(update.err()).contains("no daemon is running").contains("openpista start");
        assertThat(version("built.in")).isEqualTo("1.0.0");
    }

    @Test
    void updateKeepsThePreviousVersionRollsBackWhatCannotRunAndRollbackRestoresIt() throws Exception {
        daemon();
        byte[] original = Files.readAllBytes(distributed);

        Run updated = bundles("update", "built.in", bundle("v2.jar", "built.in", "2.0.0", null, null).toString());
        assertThat(updated.status()).as(updated.toString()).isZero();
        assertThat(updated.out()).isEqualTo("updated built.in 1.0.0 -> 2.0.0, active (previous version 1.0.0 kept for "
                + "'openpista bundles rollback built.in')\n");
        assertThat(version("built.in")).isEqualTo("2.0.0");
        assertThat(bundles("list").out()).containsPattern("built\\.in\\s+2\\.0\\.0\\s+active\\s+1\\.0\\.0");

        Run unresolved = bundles("update", "built.in", bundle("v3.jar", "built.in", "3.0.0", "Import-Package",
                "com.example.missing").toString());
        assertThat(unresolved.status()).isEqualTo(1);
        assertThat(unresolved.err()).contains("built.in 3.0.0 cannot run: it imports the package com.example.missing")
                .contains("rolled back to the version that ran before: built.in 2.0.0, active");
        assertThat(version("built.in")).isEqualTo("2.0.0");

        Run failing = bundles("update", "built.in", bundle("v4.jar", "built.in", "4.0.0", "Bundle-Activator",
                "com.example.Missing").toString());
        assertThat(failing.status()).isEqualTo(1);
        assertThat(failing.err()).contains("built.in 4.0.0 cannot run:")
                .contains("rolled back to the version that ran before: built.in 2.0.0, active");
        assertThat(version("built.in")).isEqualTo("2.0.0");
        assertThat(bundles("list").out()).as("the failed versions never became the previous one")
                .containsPattern("built\\.in\\s+2\\.0\\.0\\s+active\\s+1\\.0\\.0");

        Run back = bundles("rollback", "built.in");
        assertThat(back.status()).as(back.toString()).isZero();
        assertThat(back.out()).startsWith("rolled back built.in 2.0.0 -> 1.0.0, active");
        assertThat(version("built.in")).isEqualTo("1.0.0");
        assertThat(home.resolve("bundles-updated/built.in.jar")).as("the distribution's own version needs no copy to run "
                + "after a restart").doesNotExist();
        assertThat(home.resolve("bundles-updated/built.in.properties")).doesNotExist();
        Run again = bundles("rollback", "built.in");
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
        Run unknown = bundles("update", "no.such", bundle("x.jar", "no.such", "1.0.0", null, null).toString());
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).contains("no built-in bundle no.such");
        Run other = bundles("update", "built.in", bundle("y.jar", "other.name", "1.0.0", null, null).toString());
        assertThat(other.status()).isEqualTo(1);
        assertThat(other.err()).contains("is other.name, not built.in");
        Run nothingKept = bundles("rollback", "built.in");
        assertThat(nothingKept.status()).isEqualTo(1);
        assertThat(nothingKept.err()).contains("no previous version of built.in is kept");
        assertThat(version("built.in")).isEqualTo("1.0.0");
    }
}
