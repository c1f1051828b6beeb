package org.openpista.runtime;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code openpista} command line: Felix start-up and a dispatcher. Its own command is {@code
 * run} (a one-shot turn, kept here to start as little as possible); every other word is a command a
 * bundle brings ({@link BundleCommands}), {@code start}, {@code stop} and {@code shell} included.
 */
@Command(
        name = "openpista",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "An autonomous AI agent that controls your computer and talks to you through every messenger.",
            "",
            "Configuration: $OPENPISTA_HOME/config.toml (default ~/.openpista/config.toml)."
        },
        subcommands = {RunCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Run 'openpista COMMAND --help' for the options of a command."})
public final class Main implements Runnable {

    /** Exit code for a failed turn or command. */
    static final int FAILED = 1;
    /** Exit code for bad usage or configuration. */
    static final int USAGE = 2;
    /** The launcher's own commands; any other word is a bundle's. */
    static final Set<String> BUILT_IN = Set.of("run", "help");

    @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The openpista home folder (default: $OPENPISTA_HOME or ~/.openpista).")
    Path home;

    @Option(names = "--config", paramLabel = "PATH", scope = ScopeType.INHERIT,
            description = "The configuration file (default: HOME/config.toml).")
    Path config;

    @Option(names = "--log-level", paramLabel = "LEVEL", scope = ScopeType.INHERIT,
            description = "Log level on standard error: trace, debug, info, warn, error (default: none; "
                    + "the log file HOME/logs/openpista.0.log always gets info).")
    String logLevel;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Write a debug log to HOME/debug.log.")
    boolean debug;

    @Option(names = {"-s", "--session"}, paramLabel = "SESSION", hidden = true,
            description = "The terminal UI's session (the TUI is not here yet).")
    String session;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        commonPoolOfTwo(System.getProperties(), Runtime.getRuntime().availableProcessors());
        System.exit(execute(args));
    }

    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

    /**
     * On one or two cores the JDK's common pool has a single thread, and {@code CompletableFuture} then
     * starts a new thread for every asynchronous step instead: the JDK's HTTP client takes one per
     * request, which made a web chat turn ~20% dearer in CPU (docs/DEVELOPING.md). Two threads avoid
     * that; the property must be set before anything touches {@code ForkJoinPool}, and a value given
     * with {@code -D} wins.
     */
    static void commonPoolOfTwo(Properties system, int cores) {
        if (cores <= 2 && system.getProperty(COMMON_POOL_PARALLELISM) == null) {
            system.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
    }

    static int execute(String... args) {
        // picocli's classes (Java 5 bytecode, which class-data sharing cannot archive) are most of what
        // 'openpista --version' would load
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            for (String line : new Version().getVersion()) {
                System.out.println(line);
            }
            return 0;
        }
        RunCommand fast = FastRun.parse(args);
        if (fast != null) {
            try {
                return fast.call();
            } catch (Exception e) {
                return failed(e, new PrintWriter(System.err, true));
            }
        }
        // a command that only talks to the running daemon (stop, shell -c), served by it before anything else loads;
        // the class-data archive is recorded in a run that starts the framework
        if (!Boolean.getBoolean("openpista.cds.recording")) {
            int served = DaemonCommand.serve(args, System.out, System.err);
            if (served != DaemonCommand.NOT_SERVED) {
                return served;
            }
        }
        List<String> words = commandWords(args);
        if (!words.isEmpty() && words.get(0).equals("help")
                && (words.size() == 1 || !BUILT_IN.contains(words.get(1)))) {
            // 'openpista help web setup' is 'openpista web setup --help'; 'openpista help' the overview
            List<String> asked = new ArrayList<>(List.of(args));
            asked.remove("help");
            asked.add("--help");
            return execute(asked.toArray(new String[0]));
        }
        if (words.isEmpty() && (List.of(args).contains("--version") || List.of(args).contains("-V"))
                || !words.isEmpty() && BUILT_IN.contains(words.get(0))) {
            return commandLine().execute(args);
        }
        // a bundle's command, or none (the overview): the global options first, for the framework's home
        List<String> globals = new ArrayList<>(List.of(args).subList(0, words.isEmpty() ? args.length
                : List.of(args).indexOf(words.get(0))));
        boolean help = globals.removeAll(List.of("--help", "-h"));
        try {
            Main plain = GlobalOptions.read(globals);
            Main main = plain != null ? plain : new Main();
            if (plain == null) {
                new CommandLine(main).setUnmatchedArgumentsAllowed(true).parseArgs(globals.toArray(new String[0]));
            }
            if (words.isEmpty()) {
                // 'openpista' in a pipe or a script gets the usage rather than a screen it cannot use
                boolean overview = help || main.session == null && System.console() == null;
                return overview ? main.overview() : BundleCommands.runBare(main, args);
            }
            return BundleCommands.run(main, words.get(0), args);
        } catch (Exception e) {
            // no catch clause for picocli's exception: verifying this class would load picocli
            return e instanceof CommandLine.ParameterException bad ? usage(bad) : failed(e, new PrintWriter(System.err, true));
        }
    }

    /** Runs a command that read its arguments without picocli, with the same error handling as {@link #commandLine()}. */
    static int call(Callable<Integer> command) {
        try {
            Integer status = command.call();
            return status == null ? 0 : status;
        } catch (Exception e) {
            return failed(e, new PrintWriter(System.err, true));
        }
    }

    /** @return the command line with the launcher's own commands and its error handling */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> failed(error, cmd.getErr()));
        commandLine.setParameterExceptionHandler((error, arguments) -> usage(error));
        return commandLine;
    }

    private static int usage(CommandLine.ParameterException error) {
        PrintWriter err = error.getCommandLine().getErr();
        err.println("openpista: " + error.getMessage());
        err.println("Run '" + error.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
        return USAGE;
    }

    private static int failed(Exception error, PrintWriter err) {
        LoggerFactory.getLogger(Main.class).error("openpista failed", error);
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        err.println("openpista: " + message);
        return error instanceof RuntimeProblem.ComponentFailed ? USAGE : FAILED;
    }

    /** @return the index of the first word that is neither an option nor an option value, or -1 */
    static int commandIndex(String[] args) {
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home", "--config", "--log-level", "-s", "--session" -> i++;
                default -> {
                    if (!args[i].startsWith("-")) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** @return the words that are neither options nor option values: the command and its verbs */
    static List<String> commandWords(String[] args) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--home", "--config", "--log-level", "-s", "--session" -> i++;
                default -> {
                    if (!args[i].startsWith("-")) {
                        words.add(args[i]);
                    }
                }
            }
        }
        return words;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code openpista --help}: the usage, with the commands the installed bundles bring. */
    int overview() {
        try {
            return BundleCommands.inFramework(this, false, false, this::overview);
        } catch (Exception e) {
            commandLine().usage(System.out);
            return 0;
        }
    }

    /**
     * {@code openpista} without a command and no bundle command for that ({@link
     * org.openpista.api.command.CliCommand#BARE}): the usage.
     */
    int overview(OsgiRuntime runtime) throws Exception {
        if (session != null) {
            System.err.println("openpista: no terminal UI is installed; continue a session with: "
                    + "openpista run -s " + session + " -e \"...\"");
            return USAGE;
        }
        fullCommandLine(runtime).usage(System.out);
        return 0;
    }

    /** @return the command line with the launcher's commands and every installed bundle's */
    CommandLine fullCommandLine(OsgiRuntime runtime) throws Exception {
        CommandLine full = commandLine();
        for (Map.Entry<String, Object> command : BundleCommands.all(runtime.context()).entrySet()) {
            if (!BUILT_IN.contains(command.getKey())) {
                full.addSubcommand(command.getKey(), new CommandLine(command.getValue()));
            }
        }
        return full;
    }

    /** @return the home folder and configuration file this invocation uses */
    Home resolveHome() {
        return Home.resolve(home, config, System.getenv());
    }

    /** Logging of a command that is no daemon: no log files, standard error only with --log-level. */
    Home setUpClientLogging() {
        ClientLogging.setUp(this);
        return resolveHome();
    }

    /** Sets up logging for a command; {@code consoleDefault} applies without --log-level. */
    Home setUpLogging(Level consoleDefault) {
        Home resolved = resolveHome();
        Level console = logLevel == null ? consoleDefault : LogSetup.parse(logLevel);
        LogSetup.configure(resolved, Level.INFO, console, debug);
        return resolved;
    }

    /** Reads the version from the launcher jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "openpista " + (version == null ? "(development build)" : version),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
            };
        }
    }
}
