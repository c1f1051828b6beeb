package org.openpista.runtime;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista plugins list | install JAR | remove NAME}: the drop-in bundles of the running
 * daemon, in {@code HOME/plugins/}. FileInstall in the daemon does the installing; these commands
 * put the jar there or take it away and then ask the daemon, over its admin socket, until the
 * bundle is active (or gone), so nothing is left half-installed.
 */
@Command(
        name = "plugins",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"Manages the drop-in plugin bundles of the running daemon (HOME/plugins/)."},
        subcommands = {PluginsCommand.ListPlugins.class, PluginsCommand.Install.class, PluginsCommand.Remove.class})
final class PluginsCommand implements Runnable {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A connection to the daemon of this home, or an error message and {@code null}. */
    AdminClient daemon(Home home, PrintStream err) {
        AdminClient client = AdminClient.connect(AdminClient.socket(home));
        if (client == null) {
            err.println("openpista: no daemon is running for " + home.dir() + "; start it with 'openpista start' "
                    + "(it loads the plugins in " + home.dir().resolve("plugins") + " when it starts)");
        }
        return client;
    }

    Home home() {
        ClientLogging.setUp(main);
        return main.resolveHome();
    }

    /** The lines "key value" of {@code openpista:plugins NAME}. */
    static Map<String, String> detail(AdminClient client, String name) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : client.query("openpista:plugins \"" + name.replace("\"", "") + "\"").split("\n")) {
            String[] parts = line.strip().split("\\s+", 2);
            if (parts.length == 2) {
                fields.put(parts[0], parts[1]);
            }
        }
        return fields;
    }

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

    /** {@code plugins list} */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the plugin jars and the state of their bundles.")
    static final class ListPlugins implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Override
        public Integer call() {
            Home home = plugins.home();
            AdminClient client = plugins.daemon(home, System.err);
            if (client == null) {
                return Main.FAILED;
            }
            try (client) {
                return client.execute("openpista:plugins", System.out, System.err);
            }
        }
    }

    /** {@code plugins install JAR} */
    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Copies a bundle jar into HOME/plugins/ and waits until the daemon runs it; if it cannot "
                    + "(a missing package, a newer Java), says why and takes it out again. Installing a jar of the "
                    + "same name again updates the bundle."})
    static final class Install implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Parameters(paramLabel = "JAR", description = "The bundle jar.")
        Path jar;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Home home = plugins.home();
            if (!Files.isRegularFile(jar)) {
                err.println("openpista: no such file: " + jar);
                return Main.USAGE;
            }
            String name;
            try {
                name = symbolicName(jar);
            } catch (IOException e) {
                err.println("openpista: " + jar + " is not a jar: " + e.getMessage());
                return Main.USAGE;
            }
            if (name == null) {
                err.println("openpista: " + jar + " is not an OSGi bundle (its manifest has no Bundle-SymbolicName)");
                return Main.USAGE;
            }
            AdminClient client = plugins.daemon(home, err);
            if (client == null) {
                return Main.FAILED;
            }
            try (client) {
                Path dir = home.dir().resolve("plugins");
                Files.createDirectories(dir);
                String fileName = jar.getFileName().toString();
                Path target = dir.resolve(fileName);
                long since = System.currentTimeMillis();
                copyIn(jar, target, home);
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (true) {
                    Map<String, String> detail = detail(client, fileName);
                    String state = detail.getOrDefault("state", "waiting");
                    long modified = Long.parseLong(detail.getOrDefault("modified", "0"));
                    if (state.equals("active") && modified >= since) {
                        out.println("installed " + fileName + ": " + detail.get("bundle") + ", active");
                        return 0;
                    }
                    if (state.equals("failed")) {
                        err.println("openpista: " + fileName + " cannot run: " + detail.getOrDefault("problem", "see the log"));
                        Files.deleteIfExists(target);
                        awaitAbsent(client, fileName);
                        err.println("openpista: took " + fileName + " out of " + dir + " again; nothing was installed");
                        return Main.FAILED;
                    }
                    if (System.nanoTime() > deadline) {
                        err.println("openpista: " + fileName + " is not active after " + WAIT.toSeconds() + " s (state: "
                                + state + "); it stays in " + dir + ", see " + home.logs().resolve("openpista.0.log"));
                        return Main.FAILED;
                    }
                    Thread.sleep(200);
                }
            }
        }

        /** Copies next to the target first and renames, so FileInstall never sees half a jar. */
        private static void copyIn(Path jar, Path target, Home home) throws IOException {
            Path staging = home.dir().resolve(".plugins-staging");
            Files.createDirectories(staging);
            Path temporary = staging.resolve(target.getFileName());
            Files.copy(jar, temporary, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
            // the copy's time tells FileInstall the jar changed, also when the same file is installed again
            Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        }
    }

    /** {@code plugins remove NAME} */
    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Deletes a plugin jar from HOME/plugins/ and waits until the daemon uninstalled its bundle.")
    static final class Remove implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Parameters(paramLabel = "NAME", description = "The jar's file name, or the bundle's symbolic name.")
        String name;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Home home = plugins.home();
            Path dir = home.dir().resolve("plugins");
            Path jar = find(dir, name);
            if (jar == null) {
                err.println("openpista: no plugin " + name + " in " + dir + " (see 'openpista plugins list')");
                return Main.FAILED;
            }
            AdminClient client = plugins.daemon(home, err);
            if (client == null) {
                return Main.FAILED;
            }
            try (client) {
                Files.delete(jar);
                String fileName = jar.getFileName().toString();
                if (!awaitAbsent(client, fileName)) {
                    err.println("openpista: deleted " + jar + ", but the daemon still has its bundle after "
                            + WAIT.toSeconds() + " s; see the log");
                    return Main.FAILED;
                }
                out.println("removed " + fileName);
                return 0;
            }
        }

        private static Path find(Path dir, String name) throws IOException {
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

    static boolean awaitAbsent(AdminClient client, String fileName) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (List.of("absent").contains(detail(client, fileName).getOrDefault("state", "absent"))) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }
}
