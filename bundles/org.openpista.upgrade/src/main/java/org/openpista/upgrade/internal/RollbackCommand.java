package org.openpista.upgrade.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.openpista.api.command.CliCommand;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openpista rollback}: puts back config.toml, credentials.toml and the database of the
 * newest snapshot (or {@code --snapshot NAME}), and the previous distribution when one is installed
 * beside this one ({@code install.sh} keeps it as {@code <dir>.previous}). Runs at start level 1,
 * before anything opens the database; refuses while the daemon runs unless {@code --stop}. What it
 * replaces is first copied into a snapshot of its own, so a rollback can be undone with {@code
 * --snapshot}.
 */
@Component(service = CliCommand.class, scope = ServiceScope.PROTOTYPE,
        property = {CliCommand.NAME + "=rollback", UpgradeCommand.LEVEL + ":Integer=1"})
@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Restores the previous openpista: config.toml, credentials.toml and the database from the newest "
                + "snapshot in HOME/backups/, and the previous distribution when install.sh kept one beside this one.",
            "",
            "The files it replaces are kept in a snapshot of their own first (shown as 'before rollback' by --list)."})
public final class RollbackCommand implements CliCommand, Callable<Integer> {

    /** Fact of the snapshot a rollback takes of what it replaces; never the one a plain rollback restores. */
    static final String BEFORE_ROLLBACK = "before-rollback";

    private final HomeGuard guard;
    private final String dist;

    @Option(names = "--stop", description = "Stop a running daemon first.")
    boolean stop;

    @Option(names = "--snapshot", paramLabel = "NAME", description = "Restore this snapshot of HOME/backups/ (default: the newest "
            + "one taken before an upgrade).")
    String name;

    @Option(names = "--list", description = "List the snapshots and change nothing.")
    boolean list;

    @Activate
    public RollbackCommand(BundleContext context, @Reference HomeGuard guard) {
        this.guard = guard;
        this.dist = context.getProperty("openpista.dist");
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        HomeFiles files = guard.files();
        Snapshots snapshots = guard.snapshots();
        if (list) {
            List<Snapshot> all = snapshots.list();
            if (all.isEmpty()) {
                out.println("no snapshots in " + files.backups());
            }
            for (Snapshot snapshot : all) {
                out.println(snapshot.name() + "  " + snapshot.fact("files").orElse("") + "  database schema "
                        + snapshot.fact("database_schema").orElse("-") + "  " + snapshot.fact("reason").orElse(""));
            }
            return 0;
        }
        Optional<Snapshot> chosen = name != null ? snapshots.find(name)
                : snapshots.list().stream().filter(s -> s.fact("kind").isEmpty()).reduce((first, second) -> second);
        if (chosen.isEmpty() && (name != null || !hasPrevious())) {
            err.println("openpista: " + (name != null ? "no snapshot " + name + " in " + files.backups()
                    : "no snapshot in " + files.backups() + " to roll back to (one is taken before an upgrade migrates "
                            + "the home), and no previous installation beside this one") + "; see: openpista rollback --list");
            return 1;
        }
        if (!daemonStopped(files, out, err)) {
            return 1;
        }
        if (chosen.isEmpty()) {
            // the files were never migrated by this version: only the installation goes back
            out.println("rolled back the installation; no snapshot in " + files.backups()
                    + ", so config.toml, credentials.toml and the database stay as they are");
            out.println("  " + distribution(Optional.empty()));
            return 0;
        }
        Snapshot snapshot = chosen.get();
        Properties facts = new Properties();
        facts.setProperty("reason", "before rollback to " + snapshot.name());
        facts.setProperty("kind", BEFORE_ROLLBACK);
        facts.setProperty("distribution", guard.distribution());
        DatabaseHeader.userVersion(files.database()).ifPresent(v -> facts.setProperty("database_schema", Integer.toString(v)));
        Snapshot replaced = snapshots.take(files, facts);
        List<String> restored = restore(snapshot, files);
        out.println("rolled back to snapshot " + snapshot.name() + " (" + snapshot.fact("created").orElse("?") + ", "
                + snapshot.fact("reason").orElse("") + "):");
        restored.forEach(line -> out.println("  " + line));
        out.println("  " + distribution(Optional.of(snapshot)));
        out.println("the files it replaced are in " + replaced.dir() + " (openpista rollback --snapshot "
                + replaced.name() + " puts them back)");
        return 0;
    }

    private boolean daemonStopped(HomeFiles files, PrintStream out, PrintStream err) throws IOException, InterruptedException {
        Optional<Long> daemon = DaemonState.running(files.pidFile());
        if (daemon.isEmpty()) {
            return true;
        }
        if (!stop) {
            err.println("openpista: the daemon runs (pid " + daemon.get() + "); a rollback replaces the files it uses. Stop it "
                    + "first (openpista stop), or run: openpista rollback --stop");
            return false;
        }
        out.println("stopping the daemon (pid " + daemon.get() + ") …");
        if (!DaemonState.stop(daemon.get(), Duration.ofSeconds(30))) {
            err.println("openpista: the daemon (pid " + daemon.get() + ") did not stop within 30 s; nothing was restored");
            return false;
        }
        out.println("stopped the daemon; start it again with: openpista start");
        return true;
    }

    /** @return whether install.sh kept a previous installation beside this one */
    private boolean hasPrevious() {
        if (dist == null || dist.isBlank()) {
            return false;
        }
        Path current = Path.of(dist).toAbsolutePath().normalize();
        return Files.isExecutable(current.resolveSibling(current.getFileName() + ".previous").resolve("bin/openpista"));
    }

    /** Copies the snapshot's files over the home's; each file is replaced in one step. */
    static List<String> restore(Snapshot snapshot, HomeFiles files) throws IOException {
        List<String> lines = new ArrayList<>();
        Path config = snapshot.dir().resolve(Snapshot.CONFIG);
        if (Files.isRegularFile(config)) {
            PrivateFiles.copy(config, files.config());
            lines.add("config.toml → " + files.config());
        } else {
            lines.add("config.toml: none in the snapshot; " + files.config() + " left as it is");
        }
        Path credentials = snapshot.dir().resolve(Snapshot.CREDENTIALS);
        if (Files.isRegularFile(credentials)) {
            PrivateFiles.copy(credentials, files.credentials());
            lines.add("credentials.toml → " + files.credentials() + " (mode 600)");
        } else {
            lines.add("credentials.toml: none in the snapshot; " + files.credentials() + " left as it is");
        }
        Path database = snapshot.dir().resolve(Snapshot.DATABASE);
        if (Files.isRegularFile(database)) {
            Files.createDirectories(files.database().toAbsolutePath().getParent());
            Path temporary = PrivateFiles.temporary(files.database());
            try {
                Files.copy(database, temporary, StandardCopyOption.REPLACE_EXISTING);
                // the log of the replaced file belongs to it alone: SQLite would apply it to the restored one
                Files.deleteIfExists(Path.of(files.database() + "-wal"));
                Files.deleteIfExists(Path.of(files.database() + "-shm"));
                PrivateFiles.replace(temporary, files.database());
            } finally {
                Files.deleteIfExists(temporary);
            }
            lines.add("memory.db → " + files.database() + " (schema " + snapshot.fact("database_schema").orElse("?") + ")");
        } else {
            lines.add("database: none in the snapshot; " + files.database() + " left as it is");
        }
        return lines;
    }

    /**
     * Swaps this distribution with the previous one beside it ({@code <dir>.previous}, kept by
     * install.sh), so that the next {@code openpista} runs that one; the current one becomes the
     * previous, and a second rollback returns to it.
     *
     * @return what was done
     */
    private String distribution(Optional<Snapshot> snapshot) throws IOException {
        if (dist == null || dist.isBlank()) {
            return "distribution: unchanged (this openpista does not run from a distribution folder)";
        }
        Path current = Path.of(dist).toAbsolutePath().normalize();
        Path previous = current.resolveSibling(current.getFileName() + ".previous");
        if (!Files.isExecutable(previous.resolve("bin/openpista"))) {
            return "distribution: unchanged, " + current + " (no previous installation in " + previous
                    + "; install.sh keeps one when it installs over an earlier version). This version migrates the "
                    + "database again when it next starts, after a new snapshot";
        }
        Path aside = current.resolveSibling(current.getFileName() + ".rollback." + ProcessHandle.current().pid());
        Files.move(current, aside);
        try {
            Files.move(previous, current);
        } catch (IOException e) {
            Files.move(aside, current);
            throw e;
        }
        Files.move(aside, previous);
        String restored = snapshot.flatMap(s -> s.fact("distribution")).orElse("");
        HomeRecord.write(guard.files().record(), restored);
        return "distribution: " + current + " holds the previous installation again"
                + (restored.isEmpty() ? "" : " (" + restored + ")") + "; this one (" + guard.distribution() + ") is kept in "
                + previous;
    }
}
