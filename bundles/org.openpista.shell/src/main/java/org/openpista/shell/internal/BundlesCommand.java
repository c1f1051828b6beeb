package org.openpista.shell.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.command.CliCommand;
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
 * {@code openpista bundles list | update NAME JAR | rollback NAME}: the built-in bundles of the
 * running daemon, swapped in place while turns run (what {@code openpista plugins} does for the
 * plugins). The daemon does the swap ({@code openpista:bundles}, {@link BuiltinBundles}); this
 * command hands it over the admin socket and prints its answer.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=bundles", scope = ServiceScope.PROTOTYPE)
@Command(name = "bundles", mixinStandardHelpOptions = true,
        description = {"Lists and swaps the built-in bundles of the running daemon (channels, providers, sandboxes, ...)."},
        subcommands = {BundlesCommand.ListBundles.class, BundlesCommand.Update.class, BundlesCommand.Rollback.class})
public final class BundlesCommand implements CliCommand, Runnable {

    private final DaemonClient daemon;

    @Spec
    CommandSpec spec;

    @Activate
    public BundlesCommand(@Reference DaemonClient daemon) {
        this.daemon = daemon;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Sends one {@code openpista:bundles} command to the daemon and prints its answer. @return the exit status */
    int send(CommandSpec command, String line, boolean swap) {
        PrintWriter out = command.commandLine().getOut();
        PrintWriter err = command.commandLine().getErr();
        if (daemon.running().isEmpty()) {
            err.println("openpista: no daemon is running; the built-in bundles are swapped in the running daemon "
                    + "(start it with 'openpista start')");
            return PluginsCommand.FAILED;
        }
        String answer;
        try {
            answer = daemon.execute(line);
        } catch (IOException e) {
            err.println("openpista: " + e.getMessage());
            return PluginsCommand.FAILED;
        }
        if (!swap) {
            out.print(answer);
            out.flush();
            return PluginsCommand.OK;
        }
        boolean ok = answer.lines().anyMatch(text -> text.strip().equals("status ok"));
        PrintWriter to = ok ? out : err;
        answer.lines().filter(text -> !text.startsWith("status ")).forEach(to::println);
        to.flush();
        return ok ? PluginsCommand.OK : PluginsCommand.FAILED;
    }

    static String quoted(String argument) {
        return "\"" + argument.replace("\"", "") + "\"";
    }

    /** {@code bundles list}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the built-in bundles with their version, state and the previous version kept for rollback.")
    static final class ListBundles implements Callable<Integer> {
        @ParentCommand
        BundlesCommand bundles;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            return bundles.send(spec, "openpista:bundles", false);
        }
    }

    /** {@code bundles update NAME JAR}. */
    @Command(name = "update", mixinStandardHelpOptions = true,
            description = {"Runs a new version of a built-in bundle in the running daemon, in place: turns in flight finish "
                    + "or run again on the new version, web clients reconnect and resume. The version it replaces is kept in "
                    + "HOME/bundles-previous/ for 'rollback'; a version that does not become active is rolled back at once, "
                    + "with the reason. The new version runs again after a restart, until openpista brings a newer one."})
    static final class Update implements Callable<Integer> {
        @ParentCommand
        BundlesCommand bundles;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NAME", description = "The bundle's symbolic name (see 'openpista bundles list').")
        String name;

        @Parameters(index = "1", paramLabel = "JAR", description = "The new version's jar (same Bundle-SymbolicName).")
        Path jar;

        @Override
        public Integer call() {
            return bundles.send(spec, "openpista:bundles update " + quoted(name) + " " + quoted(jar.toAbsolutePath().toString()),
                    true);
        }
    }

    /** {@code bundles rollback NAME}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = {"Puts back the version of a built-in bundle that the last update or rollback replaced; a second "
                    + "rollback undoes the first."})
    static final class Rollback implements Callable<Integer> {
        @ParentCommand
        BundlesCommand bundles;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME", description = "The bundle's symbolic name.")
        String name;

        @Override
        public Integer call() {
            return bundles.send(spec, "openpista:bundles rollback " + quoted(name), true);
        }
    }
}
