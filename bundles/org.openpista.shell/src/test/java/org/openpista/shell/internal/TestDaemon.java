package org.openpista.shell.internal;

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
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import picocli.CommandLine;

/**
 * The real parts of a daemon that the {@code bundles} and {@code plugins} commands talk to: Felix
 * with its home, and once {@link #serve} is called the admin socket with Gogo, one {@code openpista:}
 * command and the PID file.
 */
final class TestDaemon {

    /** What a command printed: exit status, standard output, standard error. */
    record Run(int status, String out, String err) {}

    final Path home;
    final Framework felix;
    final BundleContext system;
    private final ThreadIOImpl threadIo = new ThreadIOImpl();
    private CommandProcessorImpl processor;
    private AdminSocketServer server;

    /** Starts Felix with the home's properties and the given ones. */
    TestDaemon(Path home, Map<String, String> properties) throws BundleException {
        this.home = home;
        Map<String, String> config = new HashMap<>(properties);
        config.put(Constants.FRAMEWORK_STORAGE, home.resolve(".felix").toString());
        config.put(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);
        config.put(ConfigurationLoader.HOME_PROPERTY, home.toString());
        felix = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow().newFramework(config);
        felix.start();
        system = felix.getBundleContext();
    }

    /** Opens the admin socket with {@code openpista:<function>} and writes the PID file: a daemon runs. */
    void serve(Object commands, String function) throws IOException {
        threadIo.start();
        processor = new CommandProcessorImpl(threadIo);
        processor.addCommand("openpista", commands, function);
        server = new AdminSocketServer(processor, home.resolve("admin.sock"), 4);
        Files.writeString(home.resolve("openpista.pid"), ProcessHandle.current().pid() + "\n");
    }

    void stop() throws BundleException, InterruptedException {
        if (server != null) {
            server.deactivate();
            processor.stop();
            threadIo.stop();
        }
        felix.stop();
        felix.waitForStop(30_000);
    }

    /** Runs a picocli command as the launcher would, capturing what it prints. */
    static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int status = commandLine.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    /** Writes an empty bundle to a file of the home; {@code header} (when not null) is one more manifest header. */
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
}
