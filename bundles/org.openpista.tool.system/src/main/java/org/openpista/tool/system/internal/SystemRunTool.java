package org.openpista.tool.system.internal;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.settings.SettingsSection;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code system.run} tool: runs a bash command on the owner's machine and gives the model its
 * exit code, stdout and stderr.
 *
 * <p>The command runs as {@code bash -c <command>} in a session of its own, with stdin at end of
 * file, in the {@code cwd} argument or else the workspace. It is killed with everything it started
 * when its timeout expires, the turn is cancelled, the turn's deadline comes, or this component is
 * deactivated; see {@link CommandRunner}. stdout and stderr are each cut to {@code
 * max_output_chars} with a marker that says how many characters were dropped.
 *
 * <p>The result's first line is the outcome: {@code exit code: N}, or why the command was stopped.
 * A command that ran to its end is a successful call whatever its exit code: {@code grep}, {@code
 * diff} and {@code test} answer with non-zero codes, and the model reads the code on that first
 * line (marked {@code (non-zero)}). Calls that could not run or did not finish (bad arguments,
 * missing {@code cwd}, no bash, timeout, cancellation) are error results.
 *
 * <p>The command sees an allow-list of the daemon's environment ({@link ChildEnvironment}) plus
 * what {@code [skills] pass_env} names. All state of a call lives on the calling thread, so calls may run in
 * parallel.
 */
@Component(
        service = Tool.class,
        property = Tool.NAME + "=" + SystemRunTool.TOOL_NAME,
        configurationPid = SystemRunTool.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = SystemRunTool.Config.class)
@SettingsSection(value = "skills", pid = SystemRunTool.PID, keys = {"workspace", "pass_env"},
        formats = {"workspace=path", "pass_env=csv"})
public final class SystemRunTool implements Tool {

    /** The tool's name. */
    static final String TOOL_NAME = "system.run";

    /** The configuration PID. */
    static final String PID = "org.openpista.tool.system";

    private static final Logger LOG = LoggerFactory.getLogger(SystemRunTool.class);

    private static final int DEFAULT_TIMEOUT_SECS = 30;
    private static final int DEFAULT_MAX_OUTPUT_CHARS = 10_000;
    private static final int DEFAULT_MAX_TIMEOUT_SECS = 600;
    private static final String FALLBACK_PATH = "/usr/local/bin:/usr/bin:/bin";

    /** Configuration of {@code system.run}. */
    @ObjectClassDefinition(
            name = "openpista system.run tool",
            description = "Runs bash commands for the model: workspace, timeouts and output limit.")
    public @interface Config {

        @AttributeDefinition(
                name = "Workspace",
                description = "Folder commands run in when the call gives no cwd, created when missing. "
                        + "Empty: <openpista.home>/workspace. A relative path is resolved against openpista.home.")
        String workspace() default "";

        @AttributeDefinition(
                name = "Default timeout (s)",
                description = "Seconds a command may run when the call does not say; then it is killed.",
                min = "1")
        int timeout_secs() default DEFAULT_TIMEOUT_SECS;

        @AttributeDefinition(
                name = "Output limit (characters)",
                description = "Characters kept of stdout and of stderr each; the rest is dropped with a marker.",
                min = "1")
        int max_output_chars() default DEFAULT_MAX_OUTPUT_CHARS;

        @AttributeDefinition(
                name = "Largest timeout (s)",
                description = "The largest timeout_secs a call may ask for.",
                min = "1")
        int max_timeout_secs() default DEFAULT_MAX_TIMEOUT_SECS;

        @AttributeDefinition(
                name = "Passed variables",
                description = "Names of the daemon's environment variables that commands get besides PATH, HOME, LANG,"
                        + " LC_*, TERM, TZ, USER and the desktop session's; nothing else of the daemon's environment is passed.")
        String[] pass_env() default {};
    }

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final Path workspace;
    private final int timeoutSecs;
    private final int maxTimeoutSecs;
    private final int maxOutputChars;
    private final Map<String, String> childEnvironment;
    private final String searchPath;
    private final CommandRunner.Graces graces;
    private final ToolSpec spec;
    /** Signals of the calls running now, cancelled on deactivation. */
    private final Set<Cancellation> running = ConcurrentHashMap.newKeySet();

    private volatile boolean closed;

    /**
     * Activated by DS.
     *
     * @param context for the home folder and the environment
     * @param config the configuration, defaults when there is none
     */
    @Activate
    public SystemRunTool(BundleContext context, Config config) {
        this(config, ConfigurationLoader.home(context).toString(), ConfigurationLoader.environment(context), CommandRunner.Graces.DEFAULT);
    }

    /**
     * @param home the openpista home folder, or {@code null} for {@code ~/.openpista}
     * @param environment the daemon's environment; commands get it filtered
     */
    SystemRunTool(Config config, String home, Map<String, String> environment, CommandRunner.Graces graces) {
        Path homeDir = home == null || home.isBlank()
                ? Path.of(System.getProperty("user.home"), ".openpista")
                : Path.of(expandHome(home.strip()));
        String configured = config.workspace() == null ? "" : config.workspace().strip();
        this.workspace = configured.isEmpty()
                ? homeDir.resolve("workspace")
                : homeDir.resolve(expandHome(configured)).normalize();
        this.maxTimeoutSecs = positive(config.max_timeout_secs(), DEFAULT_MAX_TIMEOUT_SECS, "max_timeout_secs");
        int timeout = positive(config.timeout_secs(), DEFAULT_TIMEOUT_SECS, "timeout_secs");
        if (timeout > maxTimeoutSecs) {
            LOG.warn("system.run: timeout_secs {} is above max_timeout_secs {}; using {}",
                    timeout, maxTimeoutSecs, maxTimeoutSecs);
            timeout = maxTimeoutSecs;
        }
        this.timeoutSecs = timeout;
        this.maxOutputChars = positive(config.max_output_chars(), DEFAULT_MAX_OUTPUT_CHARS, "max_output_chars");
        this.childEnvironment = ChildEnvironment.filter(environment,
                config.pass_env() == null ? List.of() : Arrays.stream(config.pass_env()).map(String::strip).toList());
        String path = environment.get("PATH");
        this.searchPath = path == null || path.isBlank() ? FALLBACK_PATH : path;
        this.graces = graces;
        this.spec = new ToolSpec(TOOL_NAME, description(), schema());
    }

    /** Stops the commands still running: the daemon or this bundle is going away. */
    @Deactivate
    void deactivate() {
        closed = true;
        running.forEach(Cancellation::cancel);
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) {
        if (closed) {
            return ToolResult.error("system.run is shutting down; the command was not started");
        }
        RunArguments arguments;
        try {
            arguments = RunArguments.parse(call.arguments(), mapper, maxTimeoutSecs);
        } catch (IllegalArgumentException e) {
            return ToolResult.error("invalid arguments: " + e.getMessage());
        }
        Path cwd;
        try {
            cwd = workingDirectory(arguments.cwd());
        } catch (IllegalArgumentException e) {
            return ToolResult.error(e.getMessage());
        }
        Cancellation turn = context == null || context.cancellation() == null
                ? Cancellation.none()
                : context.cancellation();
        Instant deadline = context == null ? null : context.deadline();
        if (turn.isCancelled()) {
            return ToolResult.error("the turn was cancelled; the command was not started");
        }
        if (deadline != null && !deadline.isAfter(Instant.now())) {
            return ToolResult.error("the turn has no time left; the command was not started");
        }
        Path bash = findExecutable("bash", searchPath);
        if (bash == null) {
            return ToolResult.error("cannot run the command: bash was not found on PATH (" + searchPath + ")");
        }
        int timeout = arguments.timeoutSecs() == null ? timeoutSecs : arguments.timeoutSecs();
        CommandRunner runner = new CommandRunner(
                bash, findExecutable("setsid", searchPath), childEnvironment, maxOutputChars, graces);

        Cancellation local = new Cancellation();
        Cancellation.Registration link = turn.onCancel(local::cancel);
        running.add(local);
        try {
            if (closed) {
                local.cancel();
            }
            CommandRunner.Outcome outcome =
                    runner.run(arguments.command(), cwd, Duration.ofSeconds(timeout), deadline, local);
            return ResultText.of(outcome, timeout, turn.isCancelled());
        } catch (IOException e) {
            return ToolResult.error("cannot start bash in " + cwd + ": " + e.getMessage());
        } finally {
            running.remove(local);
            link.close();
        }
    }

    /** @return the folder to run in; the workspace, created if missing, when {@code cwd} is null */
    private Path workingDirectory(String cwd) {
        if (cwd == null) {
            try {
                Files.createDirectories(workspace);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot create the workspace " + workspace + ": " + e.getMessage());
            }
            return workspace;
        }
        Path dir;
        try {
            dir = workspace.resolve(expandHome(cwd)).normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException("\"cwd\" is not a valid path: " + e.getMessage());
        }
        if (!Files.exists(dir)) {
            throw new IllegalArgumentException("cwd does not exist: " + dir);
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("cwd is not a directory: " + dir);
        }
        return dir;
    }

    private String description() {
        return "Runs a bash command on the owner's machine (bash -c) and returns its exit code, stdout and stderr."
                + " It runs in the workspace folder unless cwd is given (relative paths are resolved against"
                + " the workspace, ~ is the home folder). stdin is closed, so interactive"
                + " commands get end of file. Default timeout " + timeoutSecs + " s, up to " + maxTimeoutSecs
                + " s with timeout_secs; on timeout the command and every process it started are killed."
                + " stdout and stderr are each cut at " + maxOutputChars + " characters (the middle is dropped"
                + " and the output says how much). A non-zero exit code is reported on the first line."
                + " Background jobs must redirect their output (cmd > file 2>&1 &), otherwise they are stopped"
                + " when the command ends.";
    }

    private String schema() {
        ObjectNode schema = mapper.createObjectNode().put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("command")
                .put("type", "string")
                .put("description", "The bash command line, for example `ls -la` or `cd src && make test`.");
        properties.putObject("cwd")
                .put("type", "string")
                .put("description", "Working directory; relative paths are resolved against the workspace,"
                        + " ~ is the home folder. Default: the workspace.");
        properties.putObject("timeout_secs")
                .put("type", "integer")
                .put("minimum", 1)
                .put("maximum", maxTimeoutSecs)
                .put("description", "Seconds before the command is killed (default " + timeoutSecs
                        + ", at most " + maxTimeoutSecs + ").");
        schema.putArray("required").add("command");
        return schema.toString();
    }

    private static int positive(int value, int fallback, String key) {
        if (value > 0) {
            return value;
        }
        LOG.warn("system.run: {} must be at least 1, got {}; using {}", key, value, fallback);
        return fallback;
    }

    private static String expandHome(String path) {
        if (path.equals("~")) {
            return System.getProperty("user.home");
        }
        if (path.startsWith("~/")) {
            return System.getProperty("user.home") + path.substring(1);
        }
        return path;
    }

    /** @return the first executable file called {@code name} in the folders of {@code searchPath} */
    static Path findExecutable(String name, String searchPath) {
        for (String folder : searchPath.split(File.pathSeparator)) {
            if (folder.isEmpty()) {
                continue;
            }
            try {
                Path candidate = Path.of(folder, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            } catch (InvalidPathException e) {
                // a malformed PATH entry: skip it like the shell does
            }
        }
        return null;
    }
}
