package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * {@code gogo:telnetd} is not offered while Felix's Gogo runtime, shell and commands are, as in the
 * daemon: a real Felix framework with the real Gogo bundles, whichever starts first.
 */
class HiddenCommandsTest {

    @TempDir
    Path storage;

    Framework felix;
    BundleContext system;
    Bundle runtime;
    Bundle shell;
    Bundle commands;

    static String jar(String name) {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> new File(entry).getName().startsWith(name + "-")).findFirst()
                .map(entry -> new File(entry).toURI().toString())
                .orElseThrow(() -> new IllegalStateException(name + " is not on the test class path"));
    }

    @BeforeEach
    void start() throws Exception {
        Map<String, String> config = new HashMap<>();
        config.put(Constants.FRAMEWORK_STORAGE, storage.toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        // the test talks to Gogo through the same command API it compiles against
        config.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, "org.apache.felix.service.command;version=1.0.0");
        // as the daemon sets it: Gogo's own console never reads the terminal
        config.put("gosh.args", "--nointeractive --noshutdown");
        felix = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(config);
        felix.start();
        system = felix.getBundleContext();
        runtime = system.installBundle(jar("org.apache.felix.gogo.runtime"));
        shell = system.installBundle(jar("org.apache.felix.gogo.shell"));
        commands = system.installBundle(jar("org.apache.felix.gogo.command"));
    }

    @AfterEach
    void stop() throws Exception {
        felix.stop();
        felix.waitForStop(30_000);
    }

    void startGogo() throws Exception {
        runtime.start();
        commands.start();
        shell.start();
    }

    /** The component as the shell bundle activates it, in a bundle of its own. */
    HiddenCommands hide() throws Exception {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_MANIFESTVERSION, "2");
        manifest.getMainAttributes().putValue(Constants.BUNDLE_SYMBOLICNAME, "org.openpista.shell.test");
        Path jar = storage.resolve("shell-test.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        Bundle host = system.installBundle(jar.toUri().toString());
        host.start();
        return new HiddenCommands(host.getBundleContext());
    }

    CommandProcessor processor() {
        return system.getService(system.getServiceReference(CommandProcessor.class));
    }

    @SuppressWarnings("unchecked")
    static Collection<String> commandsOf(CommandProcessor processor) {
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), System.out, System.err);
        try {
            return (Collection<String>) session.get(".commands");
        } finally {
            session.close();
        }
    }

    void assertOnlyTelnetdIsGone() throws Exception {
        CommandProcessor processor = processor();
        assertThat(commandsOf(processor)).doesNotContain("gogo:telnetd")
                .contains("felix:lb", "felix:help", "felix:inspect", "gogo:echo", "gogo:grep");
        // the framework's own context is beyond service hooks (OSGi core, 55.3): only bundles are asked here
        assertThat(commands.getBundleContext().getAllServiceReferences(null, "(osgi.command.function=telnetd)"))
                .as("what other bundles see").isNull();
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), System.out, System.err);
        try {
            assertThatThrownBy(() -> session.execute("gogo:telnetd -p 0 start")).hasMessageContaining("telnetd");
            assertThatThrownBy(() -> session.execute("telnetd start")).hasMessageContaining("telnetd");
            assertThat(String.valueOf(session.execute("help"))).contains("felix:lb", "gogo:echo");
            assertThat(String.valueOf(session.execute("lb"))).contains("Apache Felix Gogo Shell", "Active");
        } finally {
            session.close();
        }
    }

    @Test
    void gogoStartedFirstLosesTelnetdWhenTheProcessorIsBound() throws Exception {
        startGogo();
        assertThat(commandsOf(processor())).as("what the daemon had").contains("gogo:telnetd");

        hide().addProcessor(processor());

        assertOnlyTelnetdIsGone();
    }

    @Test
    void gogoStartedAfterwardsNeverSeesTelnetdAlsoWhenTheShellAndCommandBundlesRestart() throws Exception {
        hide();
        startGogo();
        assertOnlyTelnetdIsGone();

        // (the Gogo runtime is not restarted: it swaps System.out for the whole JVM, which tests share)
        shell.stop();
        shell.start();
        commands.stop();
        commands.start();

        assertOnlyTelnetdIsGone();
    }

    @Test
    void functionsAreReadFromEveryFormTheServicePropertyTakes() {
        assertThat(HiddenCommands.functions("telnetd")).containsExactly("telnetd");
        assertThat(HiddenCommands.functions(new String[] {"lb", "help"})).containsExactly("lb", "help");
        assertThat(HiddenCommands.functions(java.util.List.of("a"))).containsExactly("a");
        assertThat(HiddenCommands.functions(null)).isEmpty();
    }
}
