package org.openpista.shell.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code openpista plugins list | install JAR | update JAR | rollback NAME | remove NAME}: the
 * drop-in bundles of the running daemon, in {@code HOME/plugins/}. FileInstall in the daemon does
 * the installing; these commands put the jar there or take it away and then ask the daemon, over
 * its admin socket ({@code openpista:plugins NAME}), until the bundle is active (or gone), so
 * nothing is left half-installed. The version a jar replaces, and a removed jar, are kept in {@code
 * HOME/plugins-previous/} for {@code rollback}; see {@link PluginSwaps}.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=plugins", scope = ServiceScope.PROTOTYPE)
@Command(name = "plugins", mixinStandardHelpOptions = true,
        description = {"Manages the drop-in plugin bundles of the running daemon (HOME/plugins/)."},
        subcommands = {PluginsCommand.ListPlugins.class, PluginSwaps.Install.class, PluginSwaps.Update.class,
            PluginSwaps.Rollback.class, PluginsCommand.Remove.class})
public final class PluginsCommand implements CliCommand, Runnable {

    /** Exit statuses of the command line. */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    /** How long the daemon may take to install or uninstall a plugin. */
    static final Duration WAIT = Duration.ofSeconds(30);

    private final BundleContext context;
    private final DaemonClient daemon;

    @Spec
    CommandSpec spec;

    @Activate
    public PluginsCommand(BundleContext context, @Reference DaemonClient daemon) {
        this.context = context;
        this.daemon = daemon;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    Path home() {
        return ConfigurationLoader.home(context);
    }

    Path dir() {
        return PluginCommands.pluginDir(context);
    }

    Path previousDir() {
        return PluginCommands.previousDir(context);
    }

    /** @return whether a daemon runs; when none does, says so */
    boolean daemonRuns(PrintWriter err) {
        if (daemon.running().isPresent()) {
            return true;
        }
        err.println("openpista: no daemon is running for " + home() + "; start it with 'openpista start' (it loads the "
                + "plugins in " + dir() + " when it starts)");
        return false;
    }

    /** @return the lines "key value" of {@code openpista:plugins NAME} */
    Map<String, String> detail(String name) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : daemon.execute("openpista:plugins \"" + name.replace("\"", "") + "\"").split("\n")) {
            String[] parts = line.strip().split("\\s+", 2);
            if (parts.length == 2) {
                fields.put(parts[0], parts[1]);
            }
        }
        return fields;
    }

    /** @return whether the daemon has no bundle of that jar any more, waiting for it up to {@link #WAIT} */
    boolean awaitAbsent(String fileName) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (detail(fileName).getOrDefault("state", "absent").equals("absent")) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** @return the jar's Bundle-SymbolicName, or {@code null} when it has none */
    static String symbolicName(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String name = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
            if (name == null || name.isBlank()) {
                return null;
            }
            int semicolon = name.indexOf(';');
            return (semicolon < 0 ? name : name.substring(0, semicolon)).strip();
        }
    }

    /** {@code plugins list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the plugin jars and the state of their bundles.")
    static final class ListPlugins implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            if (!plugins.daemonRuns(err)) {
                return FAILED;
            }
            try {
                spec.commandLine().getOut().print(plugins.daemon.execute("openpista:plugins"));
                spec.commandLine().getOut().flush();
                return OK;
            } catch (IOException e) {
                err.println("openpista: " + e.getMessage());
                return FAILED;
            }
        }
    }

    /** {@code plugins remove NAME}. */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Deletes a plugin jar from HOME/plugins/ and waits until the daemon uninstalled its bundle.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The jar's file name, or the bundle's symbolic name.")
        String name;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path dir = plugins.dir();
            Path jar = find(dir, name);
            if (jar == null) {
                err.println("openpista: no plugin " + name + " in " + dir + " (see 'openpista plugins list')");
                return FAILED;
            }
            if (!plugins.daemonRuns(err)) {
                return FAILED;
            }
            String fileName = jar.getFileName().toString();
            Files.createDirectories(plugins.previousDir());
            Files.move(jar, plugins.previousDir().resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
            if (!plugins.awaitAbsent(fileName)) {
                err.println("openpista: deleted " + jar + ", but the daemon still has its bundle after " + WAIT.toSeconds()
                        + " s; see the log");
                return FAILED;
            }
            out.println("removed " + fileName + " (kept in " + plugins.previousDir() + " for 'openpista plugins rollback "
                    + fileName.replaceFirst("\\.jar$", "") + "')");
            return OK;
        }
    }

    /** @return the jar in {@code dir} of that file name (with or without {@code .jar}) or symbolic name, or {@code null} */
    static Path find(Path dir, String name) throws IOException {
        Path direct = dir.resolve(name.endsWith(".jar") ? name : name + ".jar");
        if (Files.isRegularFile(direct)) {
            return direct;
        }
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path jar : files.filter(path -> path.toString().endsWith(".jar")).sorted().toList()) {
                try {
                    if (name.equals(symbolicName(jar))) {
                        return jar;
                    }
                } catch (IOException notAJar) {
                    // skip it
                }
            }
        }
        return null;
    }
}
