package org.openpista.upgrade.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code openpista upgrade [--check]}: brings the home up to this distribution. Runs at start level
 * 1 ({@value #LEVEL}), so nothing has opened, let alone migrated, the database yet: {@code --check}
 * only reads (the database header, config.toml, the bundles' declared migrations) and changes
 * nothing; the upgrade itself takes the snapshot, then raises the framework to the memory bundle's
 * level so that it migrates, and checks the result. config.toml has been loaded by this version
 * before the command runs: one it cannot read ends {@code openpista upgrade} with status 2 before
 * anything changed, and a running daemon is never touched for that.
 */
@Component(service = CliCommand.class, scope = ServiceScope.PROTOTYPE,
        property = {CliCommand.NAME + "=upgrade", UpgradeCommand.LEVEL + ":Integer=1"})
@Command(name = "upgrade", mixinStandardHelpOptions = true,
        description = {"Brings this home (config.toml, the database) up to this openpista version, after a snapshot "
                + "in HOME/backups/<time>/ that 'openpista rollback' restores.",
            "",
            "Any command of a new version does the same when it first meets an older home (snapshot, then migration); "
                + "this command does it on purpose and says what it did. --check only tells what would change."})
public final class UpgradeCommand implements CliCommand, Callable<Integer> {

    /** Service property the launcher reads: the start level a command runs at (its bundles' level and below). */
    static final String LEVEL = "openpista.command.level";
    private static final Duration MIGRATION_TIMEOUT = Duration.ofSeconds(60);
    /** The memory bundle's service: registered once its file is open and migrated. */
    private static final String STORE = "org.openpista.api.memory.ConversationStore";

    private final BundleContext context;
    private final HomeGuard guard;
    private final ConfigurationLoader loader;

    @Option(names = "--check", description = "Say what would change (distribution version, pending database migrations, "
            + "config keys), and change nothing.")
    boolean check;

    @Option(names = "--stop", description = "Stop a running daemon first (it runs the version it started with until then).")
    boolean stop;

    @Activate
    public UpgradeCommand(BundleContext context, @Reference HomeGuard guard, @Reference ConfigurationLoader loader) {
        this.context = context;
        this.guard = guard;
        this.loader = loader;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        HomeState state = guard.state();
        List<String> warnings;
        try {
            warnings = loader.report().warnings();
        } catch (ConfigException e) {
            err.println("openpista: " + e.getMessage());
            return 2;
        }
        out.println("home " + state.files().home());
        state.report(warnings).forEach(out::println);
        if (check) {
            out.println(state.upgradeNeeded() ? "nothing was changed (--check); run 'openpista upgrade' to upgrade"
                    : "nothing to upgrade; nothing was changed (--check)");
            return 0;
        }
        if (state.databaseAhead() || state.configAhead()) {
            err.println("openpista: this home was written by a newer openpista; upgrade openpista instead, or restore "
                    + "an older snapshot with 'openpista rollback'");
            return 1;
        }
        if (!stopDaemon(state.files(), err, out)) {
            return 1;
        }
        Snapshot snapshot = guard.snapshot("openpista upgrade to " + guard.distribution(), state);
        out.println("snapshot: " + snapshot.dir() + " (" + snapshot.fact("files").orElse("no files") + ")");
        Optional<Bundle> memory = guard.databaseBundle();
        if (memory.isPresent() && state.databaseSchema().isPresent()) {
            OptionalInt migrated = migrate(memory.get(), state);
            if (migrated.isEmpty() || migrated.getAsInt() < state.latestDatabaseSchema()) {
                err.println("openpista: the database " + state.files().database() + " was not migrated (schema "
                        + (migrated.isEmpty() ? "unknown" : migrated.getAsInt()) + "); the log says why ("
                        + "--log-level info). The snapshot is unchanged: 'openpista rollback' restores it.");
                return 1;
            }
            out.println("database: schema " + state.databaseSchema().getAsInt() + " → " + migrated.getAsInt());
        }
        HomeRecord.write(state.files().record(), guard.distribution());
        out.println("upgraded this home to openpista " + guard.distribution() + "; 'openpista rollback' restores "
                + snapshot.dir().getFileName() + " (kept: the last " + guard.keepBackups() + " snapshots)");
        return 0;
    }

    /** @return whether no daemon runs (any more) */
    private boolean stopDaemon(HomeFiles files, PrintStream err, PrintStream out) throws IOException, InterruptedException {
        Optional<Long> daemon = DaemonState.running(files.pidFile());
        if (daemon.isEmpty()) {
            return true;
        }
        if (!stop) {
            err.println("openpista: the daemon runs (pid " + daemon.get() + ") and keeps the version it started with; "
                    + "stop it first (openpista stop), or run: openpista upgrade --stop");
            return false;
        }
        out.println("stopping the daemon (pid " + daemon.get() + ") …");
        if (!DaemonState.stop(daemon.get(), Duration.ofSeconds(30))) {
            err.println("openpista: the daemon (pid " + daemon.get() + ") did not stop within 30 s; nothing was changed");
            return false;
        }
        out.println("stopped the daemon; start it again with: openpista start");
        return true;
    }

    /** Raises the framework to the memory bundle's level, where it migrates, and reads the schema it reached. */
    private OptionalInt migrate(Bundle memory, HomeState state) throws IOException, InterruptedException {
        int level = memory.adapt(BundleStartLevel.class).getStartLevel();
        FrameworkStartLevel framework = context.getBundle(0).adapt(FrameworkStartLevel.class);
        if (framework.getStartLevel() < level) {
            CountDownLatch raised = new CountDownLatch(1);
            framework.setStartLevel(level, event -> raised.countDown());
            raised.await(MIGRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        long deadline = System.nanoTime() + MIGRATION_TIMEOUT.toNanos();
        // the store migrates as its component activates, right after its bundle started, and registers once done
        while (context.getServiceReference(STORE) == null && memory.getState() == Bundle.ACTIVE && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return DatabaseHeader.userVersion(state.files().database());
    }
}
