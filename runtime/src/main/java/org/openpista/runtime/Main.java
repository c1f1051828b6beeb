package org.openpista.runtime;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.logging.Level;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code openpista} command line. */
@Command(
        name = "openpista",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "An autonomous AI agent that controls your computer and talks to you through every messenger.",
            "",
            "Configuration: $OPENPISTA_HOME/config.toml (default ~/.openpista/config.toml)."
        },
        subcommands = {RunCommand.class, StartCommand.class, StopCommand.class, ShellCommand.class, PluginsCommand.class,
            WebCommand.class, WhatsAppCommand.class, TelegramCommand.class, AuthCommand.class, ModelCommand.class, SkillsCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Run 'openpista COMMAND --help' for the options of a command."})
public final class Main implements Runnable {

    /** Exit code for a failed turn or command. */
    static final int FAILED = 1;
    /** Exit code for bad usage or configuration. */
    static final int USAGE = 2;

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

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Write a debug log to HOME/debug.log.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    static int execute(String... args) {
        RunCommand fast = FastRun.parse(args);
        if (fast != null) {
            try {
                return fast.call();
            } catch (Exception e) {
                return failed(e, new PrintWriter(System.err, true));
            }
        }
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> failed(error, cmd.getErr()));
        commandLine.setParameterExceptionHandler((error, arguments) -> {
            PrintWriter err = error.getCommandLine().getErr();
            err.println("openpista: " + error.getMessage());
            err.println("Run '" + error.getCommandLine().getCommandSpec().qualifiedName() + " --help' for usage.");
            return USAGE;
        });
        return commandLine.execute(args);
    }

    private static int failed(Exception error, PrintWriter err) {
        LoggerFactory.getLogger(Main.class).error("openpista failed", error);
        String message = error.getMessage() == null ? error.toString() : error.getMessage();
        err.println("openpista: " + message);
        return FAILED;
    }

    @Override
    public void run() {
        // no command: the terminal UI will live here; until then, show what there is
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** @return the home folder and configuration file this invocation uses */
    Home resolveHome() {
        return Home.resolve(home, config, System.getenv());
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
