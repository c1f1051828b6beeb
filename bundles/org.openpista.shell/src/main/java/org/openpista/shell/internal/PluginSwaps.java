package org.openpista.shell.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The verbs of {@code openpista plugins} that swap a bundle in the running daemon: {@code install},
 * {@code update} and {@code rollback}. Each puts a jar into {@code HOME/plugins/} (FileInstall then
 * installs or updates the bundle in place while turns run; the agent core lets turns in flight
 * finish or retries them on the new version), keeps the jar it replaced in {@code
 * HOME/plugins-previous/}, and waits until the daemon runs the new version. A version that cannot
 * resolve or activate is replaced by the previous one again at once, and the command says why.
 */
final class PluginSwaps {

    /** How long a bundle must stay active after a swap before the swap counts as done. */
    static final Duration STEADY = Duration.ofMillis(400);

    private PluginSwaps() {}

    /** What became of a swap: the daemon's view of the plugin once it was active, failed or the wait ran out. */
    record Outcome(String state, Map<String, String> detail) {
        boolean active() {
            return state.equals("active");
        }

        String bundle() {
            return detail.getOrDefault("bundle", "?");
        }

        String problem() {
            return detail.getOrDefault("problem", "see the log");
        }
    }

    /** Waits until the daemon runs the jar modified at or after {@code since}, or finds it cannot. */
    static Outcome await(PluginsCommand plugins, String fileName, long since) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + PluginsCommand.WAIT.toNanos();
        while (true) {
            Map<String, String> detail = plugins.detail(fileName);
            String state = detail.getOrDefault("state", "waiting");
            long modified = Long.parseLong(detail.getOrDefault("modified", "0"));
            if (state.equals("active") && modified >= since) {
                // FileInstall refreshes the bundle right after updating it: active means still active a moment later
                Thread.sleep(STEADY.toMillis());
                Map<String, String> again = plugins.detail(fileName);
                if (again.getOrDefault("state", "").equals("active") && again.getOrDefault("modified", "").equals(
                        detail.get("modified"))) {
                    return new Outcome("active", again);
                }
                continue;
            }
            if (state.equals("failed") && modified >= since) {
                // a failure must last too: a bundle looked at in the middle of FileInstall's update and refresh
                Thread.sleep(STEADY.toMillis());
                Map<String, String> again = plugins.detail(fileName);
                if (again.getOrDefault("state", "").equals("failed")) {
                    return new Outcome("failed", again);
                }
                continue;
            }
            if (System.nanoTime() > deadline) {
                return new Outcome("timeout (" + state + ")", detail);
            }
            Thread.sleep(100);
        }
    }

    /** Copies next to the target first and renames, so FileInstall never sees half a jar. */
    static void copyIn(Path jar, Path target, Path home) throws IOException {
        Path staging = home.resolve(".plugins-staging");
        Files.createDirectories(staging);
        Path temporary = staging.resolve(target.getFileName());
        Files.copy(jar, temporary, StandardCopyOption.REPLACE_EXISTING);
        move(temporary, target);
        // the copy's time tells FileInstall the jar changed, also when the same file is installed again
        Files.setLastModifiedTime(target, FileTime.fromMillis(System.currentTimeMillis()));
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Puts {@code jar} in place of {@code target}, keeping what was there as the previous version, and
     * waits for the daemon; rolls back to the previous version when the new one cannot run.
     *
     * @return the exit status
     */
    static int swapIn(PluginsCommand plugins, Path jar, Path target, String verb, PrintWriter out, PrintWriter err)
            throws IOException, InterruptedException {
        String fileName = target.getFileName().toString();
        Path previous = plugins.previousDir().resolve(fileName);
        boolean replacing = Files.isRegularFile(target);
        Path kept = null;
        if (replacing) {
            // the replaced jar becomes the previous version only once the new one runs
            kept = plugins.home().resolve(".plugins-staging").resolve(fileName + ".replaced");
            Files.createDirectories(kept.getParent());
            Files.copy(target, kept, StandardCopyOption.REPLACE_EXISTING);
        }
        long since = System.currentTimeMillis();
        copyIn(jar, target, plugins.home());
        Outcome outcome = await(plugins, fileName, since);
        if (outcome.active()) {
            String note = "";
            if (kept != null) {
                Files.createDirectories(previous.getParent());
                move(kept, previous);
                note = " (previous version " + PluginCommands.version(previous) + " kept for 'openpista plugins rollback')";
            }
            out.println(verb + " " + fileName + ": " + outcome.bundle() + ", active" + note);
            return PluginsCommand.OK;
        }
        err.println("openpista: " + fileName + " cannot run: " + (outcome.state().equals("failed") ? outcome.problem()
                : "not active after " + PluginsCommand.WAIT.toSeconds() + " s, " + outcome.state()));
        if (kept == null) {
            Files.deleteIfExists(target);
            plugins.awaitAbsent(fileName);
            err.println("openpista: took " + fileName + " out of " + plugins.dir() + " again; nothing was installed");
            return PluginsCommand.FAILED;
        }
        long back = System.currentTimeMillis();
        copyIn(kept, target, plugins.home());
        Files.deleteIfExists(kept);
        Outcome restored = await(plugins, fileName, back);
        if (restored.active()) {
            err.println("openpista: rolled back to the version that ran before: " + restored.bundle() + ", active");
        } else {
            err.println("openpista: rolled back to the version that ran before, but it is not active either ("
                    + restored.state() + "); see " + plugins.home().resolve("logs/openpista.0.log"));
        }
        return PluginsCommand.FAILED;
    }

    /** @return the symbolic name of a jar given on the command line; {@code null} after saying why there is none */
    static String checkJar(Path jar, PrintWriter err) {
        if (!Files.isRegularFile(jar)) {
            err.println("openpista: no such file: " + jar);
            return null;
        }
        try {
            String name = PluginsCommand.symbolicName(jar);
            if (name == null) {
                err.println("openpista: " + jar + " is not an OSGi bundle (its manifest has no Bundle-SymbolicName)");
            }
            return name;
        } catch (IOException e) {
            err.println("openpista: " + jar + " is not a jar: " + e.getMessage());
            return null;
        }
    }

    /** {@code plugins install JAR}. */
    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Copies a bundle jar into HOME/plugins/ and waits until the daemon runs it; if it cannot (a missing "
                    + "package, a newer Java, a failing activator), says why and takes it out again. Installing a bundle that "
                    + "is already there updates it (see update)."})
    static final class Install implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "JAR", description = "The bundle jar.")
        Path jar;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            String name = checkJar(jar, err);
            if (name == null) {
                return PluginsCommand.USAGE;
            }
            if (!plugins.daemonRuns(err)) {
                return PluginsCommand.FAILED;
            }
            Files.createDirectories(plugins.dir());
            Path installed = PluginsCommand.find(plugins.dir(), name);
            Path target = installed != null ? installed : plugins.dir().resolve(jar.getFileName().toString());
            return swapIn(plugins, jar, target, installed != null ? "updated" : "installed", spec.commandLine().getOut(), err);
        }
    }

    /** {@code plugins update JAR}. */
    @Command(name = "update", mixinStandardHelpOptions = true,
            description = {"Replaces an installed plugin with a new version of its bundle (same Bundle-SymbolicName) while "
                    + "the daemon runs: turns in flight finish on the old version or run again on the new one. The version "
                    + "it replaces is kept for 'rollback'; a new version that cannot resolve or activate is rolled back at "
                    + "once, with the reason."})
    static final class Update implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "JAR", description = "The new version of the bundle jar.")
        Path jar;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            String name = checkJar(jar, err);
            if (name == null) {
                return PluginsCommand.USAGE;
            }
            Path installed = PluginsCommand.find(plugins.dir(), name);
            if (installed == null) {
                err.println("openpista: no plugin " + name + " in " + plugins.dir() + " to update; install it with "
                        + "'openpista plugins install " + jar + "'");
                return PluginsCommand.FAILED;
            }
            if (!plugins.daemonRuns(err)) {
                return PluginsCommand.FAILED;
            }
            return swapIn(plugins, jar, installed, "updated", spec.commandLine().getOut(), err);
        }
    }

    /** {@code plugins rollback NAME}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Puts the previous version of a plugin back in the running daemon: the one an install or update "
                    + "replaced, or a removed plugin. The version it replaces becomes the previous one, so a second "
                    + "rollback undoes the first."})
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        PluginsCommand plugins;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The jar's file name, or the bundle's symbolic name.")
        String name;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            Path current = PluginsCommand.find(plugins.dir(), name);
            Path previous = current != null ? plugins.previousDir().resolve(current.getFileName())
                    : PluginsCommand.find(plugins.previousDir(), name);
            if (previous == null || !Files.isRegularFile(previous)) {
                err.println("openpista: no previous version of " + name + " is kept in " + plugins.previousDir());
                return PluginsCommand.FAILED;
            }
            if (!plugins.daemonRuns(err)) {
                return PluginsCommand.FAILED;
            }
            Files.createDirectories(plugins.dir());
            Path target = plugins.dir().resolve(previous.getFileName());
            Path restoring = plugins.home().resolve(".plugins-staging").resolve(previous.getFileName() + ".previous");
            Files.createDirectories(restoring.getParent());
            move(previous, restoring);
            int status = swapIn(plugins, restoring, target, "rolled back", spec.commandLine().getOut(), err);
            if (status != PluginsCommand.OK && !Files.isRegularFile(previous)) {
                // nothing was swapped: the previous version stays the previous version
                move(restoring, previous);
            }
            Files.deleteIfExists(restoring);
            return status;
        }
    }
}
