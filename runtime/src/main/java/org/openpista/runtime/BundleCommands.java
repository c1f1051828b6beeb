package org.openpista.runtime;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.logging.LogManager;
import org.openpista.api.admin.DaemonLauncher;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceObjects;
import org.osgi.framework.ServiceReference;
import picocli.CommandLine;

/**
 * Commands that bundles bring ({@link CliCommand} services): {@code openpista web setup} starts a
 * framework with every feature and the plugins of the home, loads the configuration, and runs the
 * command registered as {@code web}. The launcher knows no bundle's command; a plugin's command is
 * found the same way. Channels do not run here unless the command turns the process into the
 * daemon ({@link DaemonLauncher}).
 */
final class BundleCommands {

    /** How long a framework may take to come up. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private BundleCommands() {}

    /** Something to do with the started framework. */
    @FunctionalInterface
    interface Work {
        int run(OsgiRuntime runtime) throws Exception;
    }

    /**
     * Starts the framework of a command: every feature, configured, started; runs the work; stops it.
     * A configuration that cannot be loaded ends it with exit status 2 before anything else starts.
     */
    static int inFramework(Main main, Work work) throws Exception {
        PrintStream err = System.err;
        Home home = main.setUpLogging(null);
        Distribution distribution = Distribution.locate();
        try (OsgiRuntime runtime = OsgiRuntime.create(distribution, home, OsgiRuntime.EVERYTHING, false, Map.of())) {
            ConfigReport report;
            try {
                report = runtime.configuration(START_TIMEOUT);
            } catch (ConfigException e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            }
            report.warnings().forEach(warning -> err.println("openpista: warning: " + warning));
            for (String failure : runtime.startAll()) {
                err.println("openpista: warning: " + failure);
            }
            return work.run(runtime);
        } finally {
            if (LogManager.getLogManager() instanceof DaemonLogManager) {
                DaemonLogManager.closeLog();
            }
        }
    }

    /**
     * Runs {@code openpista <name> ...} through the bundle command of that name.
     *
     * @param name the command word
     * @param args all arguments, global options included
     */
    static int run(Main main, String name, String[] args) throws Exception {
        return inFramework(main, runtime -> {
            BundleContext context = runtime.context();
            context.registerService(DaemonLauncher.class, (channels, onReady) -> runDaemon(main, runtime, channels, onReady),
                    null);
            ServiceReference<CliCommand> reference = find(context, name);
            if (reference == null) {
                System.err.println("openpista: unknown command '" + name + "'; the commands are: "
                        + String.join(", ", Main.commandNames(names(context))));
                System.err.println("Run 'openpista --help' for usage.");
                return Main.USAGE;
            }
            ServiceObjects<CliCommand> objects = context.getServiceObjects(reference);
            CliCommand command = objects.getService();
            try {
                CommandLine commandLine = Main.commandLine();
                commandLine.addSubcommand(name, new CommandLine(command.command()));
                return commandLine.execute(args);
            } finally {
                objects.ungetService(command);
            }
        });
    }

    /** @return the command of that name, or {@code null} */
    static ServiceReference<CliCommand> find(BundleContext context, String name) throws InvalidSyntaxException {
        Collection<ServiceReference<CliCommand>> found = context.getServiceReferences(CliCommand.class,
                "(" + CliCommand.NAME + "=" + name.replaceAll("[()*\\\\]", "") + ")");
        return found.isEmpty() ? null : found.iterator().next();
    }

    /** @return every bundle command by name, as picocli commands (for the overall help) */
    static Map<String, Object> all(BundleContext context) throws InvalidSyntaxException {
        Map<String, Object> commands = new TreeMap<>();
        for (ServiceReference<CliCommand> reference : context.getServiceReferences(CliCommand.class, null)) {
            Object name = reference.getProperty(CliCommand.NAME);
            CliCommand command = context.getServiceObjects(reference).getService();
            if (name != null && command != null) {
                commands.putIfAbsent(name.toString(), command.command());
            }
        }
        return commands;
    }

    /** {@link DaemonLauncher}: this command's framework becomes the daemon with the channels named. */
    private static int runDaemon(Main main, OsgiRuntime runtime, Set<String> channels, Callable<Integer> onReady)
            throws Exception {
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("name at least one channel to run");
        }
        // a foreground daemon logs to its terminal
        Home home = main.setUpLogging(java.util.logging.Level.INFO);
        return new Daemon(home, new Daemon.Options(Set.copyOf(channels), true, false)).run(runtime, onReady);
    }

    /** @return the names of the command services, sorted */
    static List<String> names(BundleContext context) throws InvalidSyntaxException {
        return new ArrayList<>(all(context).keySet());
    }
}
