package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@code openpista plugins} against a daemon made of the real parts that matter: Felix with
 * FileInstall watching {@code HOME/plugins}, the admin socket with Gogo and {@code openpista:plugins},
 * the PID file, and the command talking to it through {@link DaemonClientComponent}.
 */
class PluginsCommandTest {

    @TempDir
    Path home;

    Framework felix;
    BundleContext system;
    final ThreadIOImpl threadIo = new ThreadIOImpl();
    CommandProcessorImpl processor;
    AdminSocketServer server;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, home.resolve(".felix").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(ConfigurationLoader.HOME_PROPERTY, home.toString());
        // as the daemon sets FileInstall up
        config.put(PluginCommands.DIR_PROPERTY, home.resolve("plugins").toString());
        config.put("felix.fileinstall.poll", "200");
        config.put("felix.fileinstall.noInitialDelay", "true");
        config.put("felix.fileinstall.filter", ".*\\.jar");
        felix = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(config);
        felix.start();
        system = felix.getBundleContext();
        Files.createDirectories(home.resolve("plugins"));
        system.installBundle(HiddenCommandsTest.jar("org.apache.felix.fileinstall")).start();
    }

    void daemon() throws IOException {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("openpista", new PluginCommands(system), "plugins");
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

    /** What a command printed: exit status, standard output, standard error. */
    record Run(int status, String out, String err) {}

    Run plugins(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = new CommandLine(new PluginsCommand(system, new DaemonClientComponent(home)));
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        int status = command.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    Path bundle(String file, String symbolicName, String header, String value) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        main.putValue(Constants.BUNDLE_SYMBOLICNAME, symbolicName);
        main.putValue(Constants.BUNDLE_VERSION, "1.0.0");
        if (header != null) {
            main.putValue(header, value);
        }
        Path jar = home.resolve(file);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        return jar;
    }

    @Test
    void withoutADaemonEveryVerbSaysSo() throws Exception {
        Path jar = bundle("good.jar", "good.plugin", null, null);

        Run list = plugins("list");
        Run install = plugins("install", jar.toString());

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
        Run text = plugins("install", home.resolve("text.jar").toString());
        assertThat(text.status()).isEqualTo(2);
        assertThat(text.err()).contains("is not a jar");
        Run library = plugins("install", home.resolve("library.jar").toString());
        assertThat(library.status()).isEqualTo(2);
        assertThat(library.err()).contains("is not an OSGi bundle (its manifest has no Bundle-SymbolicName)");
        Run none = plugins("remove", "nothing-here");
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).contains("no plugin nothing-here in " + home.resolve("plugins"));
    }

    @Test
    void installWaitsUntilActiveRefusesWhatCannotResolveAndRemoveWaitsUntilGone() throws Exception {
        daemon();

        Run installed = plugins("install", bundle("good.jar", "good.plugin", null, null).toString());
        assertThat(installed.status()).as(installed.toString()).isZero();
        assertThat(installed.out()).isEqualTo("installed good.jar: good.plugin 1.0.0 [" + bundleId("good.plugin")
                + "], active\n");
        assertThat(plugins("list").out()).contains("good.jar").contains("active");

        Run refused = plugins("install", bundle("broken.jar", "broken.plugin", "Import-Package", "com.example.missing")
                .toString());
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).contains("it imports the package com.example.missing").contains("nothing was installed");
        assertThat(home.resolve("plugins/broken.jar")).doesNotExist();

        Run removed = plugins("remove", "good.plugin");
        assertThat(removed.status()).as(removed.toString()).isZero();
        assertThat(removed.out()).isEqualTo("removed good.jar\n");
        assertThat(bundleId("good.plugin")).isEqualTo(-1);
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
