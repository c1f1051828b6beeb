package org.openpista.runtime;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.LogManager;
import org.openpista.api.command.CliCommand;
import org.openpista.api.command.PlainArguments;
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
 * daemon (the daemon bundle's {@code start}, or {@code DaemonLauncher}).
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
    static int inFramework(Main main, boolean daemon, boolean foreground, Work work) throws Exception {
        return inFramework(main, daemon, foreground, null, work);
    }

    /**
     * As {@link #inFramework(Main, boolean, boolean, Work)}; a bundle command that declares {@value
     * #LEVEL}{@code =1} runs before the framework rises past level 1 (nothing of level 2, such as
     * the memory bundle that migrates the database, has started then: {@code openpista upgrade --check}).
     *
     * @param command the bundle command's word, or {@code null}
     */
    static int inFramework(Main main, boolean daemon, boolean foreground, String command, Work work) throws Exception {
        PrintStream err = System.err;
        // a daemon keeps the log files (and a foreground one shows its log); other commands never
        // write them, which a running daemon holds
        Home home = daemon ? main.setUpLogging(foreground ? Level.INFO : null) : main.setUpClientLogging();
        Distribution distribution = Distribution.locate();
        Map<String, String> properties = new HashMap<>();
        if (main.logLevel != null) {
            properties.put("openpista.log.level", main.logLevel);
        }
        properties.put("openpista.debug", Boolean.toString(main.debug));
        try (OsgiRuntime runtime = OsgiRuntime.create(distribution, home, OsgiRuntime.EVERYTHING, properties, daemon)) {
            ConfigReport report;
            try {
                report = runtime.configuration(START_TIMEOUT);
            } catch (ConfigException e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            }
            report.warnings().forEach(warning -> err.println("openpista: warning: " + warning));
            if (command == null || !runsAtFirstLevel(runtime.context(), command)) {
                for (String failure : runtime.startAll()) {
                    err.println("openpista: warning: " + failure);
                }
            }
            return work.run(runtime);
        } finally {
            if (LogManager.getLogManager() instanceof DaemonLogManager) {
                DaemonLogManager.closeLog();
            }
        }
    }

    /** Service property of a {@link CliCommand}: the start level it runs at; only 1 is honoured. */
    static final String LEVEL = "openpista.command.level";

    private static boolean runsAtFirstLevel(BundleContext context, String name) throws InvalidSyntaxException {
        ServiceReference<CliCommand> reference = named(context, name);
        return reference != null && Integer.valueOf(1).equals(reference.getProperty(LEVEL));
    }

    /**
     * Runs {@code openpista <name> ...} through the bundle command of that name.
     *
     * @param name the command word
     * @param args all arguments, global options included
     */
    static int run(Main main, String name, String[] args) throws Exception {
        int status = runOnce(main, name, args);
        // onboarding succeeded: the command starts afresh with the provider it set up
        return status == RERUN ? runOnce(main, name, args) : status;
    }

    /** What a command's work returns when it should run once more in a new framework. */
    private static final int RERUN = Integer.MIN_VALUE + 2;

    private static int runOnce(Main main, String name, String[] args) throws Exception {
        // 'start --foreground', its background child ('start --detached') and any 'NAME start' make this
        // process a daemon, which keeps the log files; 'start' alone only launches the child and waits
        List<String> words = Main.commandWords(args);
        List<String> given = List.of(args);
        boolean launcher = words.get(0).equals("start") && !given.contains("--foreground") && !given.contains("-f");
        boolean daemon = words.contains("start") && !(launcher && !given.contains("--detached"));
        boolean foreground = daemon && !given.contains("--detached");
        return inFramework(main, daemon, foreground, name, runtime -> {
            BundleContext context = runtime.context();
            ServiceReference<CliCommand> reference = named(context, name);
            if (reference == null) {
                List<String> known = new ArrayList<>(List.of("run"));
                known.addAll(all(context).keySet());
                System.err.println("openpista: unknown command '" + name + "'; the commands are: " + String.join(", ", known));
                System.err.println("Run 'openpista --help' for usage.");
                return Main.USAGE;
            }
            if (onboarded(runtime, reference)) {
                return RERUN;
            }
            return execute(context, reference, args);
        });
    }

    /**
     * Offers onboarding before a command that needs a provider when none is usable.
     *
     * @return whether onboarding ran and succeeded, so the command should start afresh
     */
    private static boolean onboarded(OsgiRuntime runtime, ServiceReference<CliCommand> reference) throws InvalidSyntaxException {
        if (!Boolean.parseBoolean(String.valueOf(reference.getProperty(CliCommand.NEEDS_PROVIDER)))) {
            return false;
        }
        return OnboardingOffer.offer(runtime, System.in, System.err) == 0;
    }

    /**
     * {@code openpista run} found no usable provider: offers onboarding in a framework with every
     * feature (the one-shot framework has none of the onboarding's).
     *
     * @return the onboarding's exit status, {@link OnboardingOffer#NOT_MADE} or {@link OnboardingOffer#DECLINED}
     */
    static int offerOnboarding(Main main) throws Exception {
        return inFramework(main, false, false, runtime -> OnboardingOffer.offer(runtime, System.in, System.err));
    }

    /**
     * Runs {@code openpista [OPTIONS]} without a command word: the bundle command that says it is
     * the one for that ({@link CliCommand#BARE}, the terminal UI), with the arguments given, else
     * the overview.
     */
    static int runBare(Main main, String[] args) throws Exception {
        int status = runBareOnce(main, args);
        return status == RERUN ? runBareOnce(main, args) : status;
    }

    private static int runBareOnce(Main main, String[] args) throws Exception {
        return inFramework(main, false, false, runtime -> {
            ServiceReference<CliCommand> reference = find(runtime.context(), "(" + CliCommand.BARE + "=true)");
            if (reference == null) {
                return main.overview(runtime);
            }
            List<String> named = new ArrayList<>(List.of(String.valueOf(reference.getProperty(CliCommand.NAME))));
            named.addAll(List.of(args));
            if (onboarded(runtime, reference)) {
                return RERUN;
            }
            return execute(runtime.context(), reference, named.toArray(new String[0]));
        });
    }

    static int execute(BundleContext context, ServiceReference<CliCommand> reference, String[] args) {
        ServiceObjects<CliCommand> objects = context.getServiceObjects(reference);
        CliCommand command = objects.getService();
        try {
            // the plain forms of a command that reads them itself (the daemon's start) load no picocli class
            int word = Main.commandIndex(args);
            Callable<Integer> plain = command instanceof PlainArguments reads && word >= 0
                    && GlobalOptions.read(List.of(args).subList(0, word)) != null
                    ? reads.plain(List.of(args).subList(word + 1, args.length)) : null;
            if (plain != null) {
                return Main.call(plain);
            }
            CommandLine commandLine = Main.commandLine();
            commandLine.addSubcommand(String.valueOf(reference.getProperty(CliCommand.NAME)), new CommandLine(command.command()));
            return commandLine.execute(args);
        } finally {
            objects.ungetService(command);
        }
    }

    /**
     * @return the command that matches an LDAP filter, or {@code null}; of several, the one with the
     *     highest service ranking, then the one registered first (a built-in one before a plugin)
     */
    static ServiceReference<CliCommand> find(BundleContext context, String filter) throws InvalidSyntaxException {
        Collection<ServiceReference<CliCommand>> found = context.getServiceReferences(CliCommand.class, filter);
        return found.isEmpty() ? null : Collections.max(found);
    }

    /** @return the command registered under a word, or {@code null} */
    private static ServiceReference<CliCommand> named(BundleContext context, String name) throws InvalidSyntaxException {
        return find(context, "(" + CliCommand.NAME + "=" + name.replaceAll("[()*\\\\]", "") + ")");
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
}
