package org.openpista.tool.system.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.annotation.Annotation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.testkit.SecurityFigures;

/** Runs real bash commands; needs bash, and setsid plus /proc for the process-group checks. */
class SystemRunToolTest {

    /** Short graces keep the class fast; production uses {@link CommandRunner.Graces#DEFAULT}. */
    private static final CommandRunner.Graces GRACES =
            new CommandRunner.Graces(Duration.ofMillis(500), Duration.ofMillis(300));

    @TempDir
    Path home;

    private final Sleeps sleeps = new Sleeps();

    @BeforeAll
    static void needsBash() {
        assumeTrue(SystemRunTool.findExecutable("bash", System.getenv().getOrDefault("PATH", "")) != null,
                "bash is not on PATH");
    }

    @AfterEach
    void killLeftovers() {
        // a failing test must not leave sleeps behind
        sleeps.close();
    }

    // --- spec ---------------------------------------------------------------------------------

    @Test
    void specDescribesTheToolAndItsArguments() throws Exception {
        SystemRunTool tool = tool();
        assertThat(tool.spec().name()).isEqualTo("system.run");
        assertThat(tool.spec().description())
                .contains("bash", "stdout", "stderr", "exit code", "30 s", "10000 characters");
        JsonNode schema = new ObjectMapper().readTree(tool.spec().parametersSchema());
        assertThat(schema.path("type").asText()).isEqualTo("object");
        assertThat(schema.path("properties").path("command").path("type").asText()).isEqualTo("string");
        assertThat(schema.path("properties").path("cwd").path("type").asText()).isEqualTo("string");
        assertThat(schema.path("properties").path("timeout_secs").path("type").asText()).isEqualTo("integer");
        assertThat(schema.path("properties").path("timeout_secs").path("maximum").asInt()).isEqualTo(600);
        assertThat(schema.path("required")).hasSize(1);
        assertThat(schema.path("required").get(0).asText()).isEqualTo("command");
    }

    // --- running ------------------------------------------------------------------------------

    @Test
    void echoesStdoutWithExitCodeZero() {
        ToolResult result = run(tool(), "{\"command\": \"echo hello\"}");
        assertThat(result.error()).isFalse();
        assertThat(result.content()).isEqualTo("exit code: 0\nstdout:\nhello\nstderr: (empty)");
    }

    @Test
    void capturesStderrAndReportsANonZeroExitCode() {
        ToolResult result = run(tool(), "{\"command\": \"echo out; echo oops >&2; exit 3\"}");
        // the command ran: a non-zero code is data for the model, shown on the first line
        assertThat(result.error()).isFalse();
        assertThat(result.content()).isEqualTo("exit code: 3 (non-zero)\nstdout:\nout\nstderr:\noops");
    }

    @Test
    void decodesUtf8() {
        ToolResult result = run(tool(), "{\"command\": \"printf 'h\\\\xc3\\\\xa9llo \\\\xed\\\\x95\\\\x9c'\"}");
        assertThat(result.content()).contains("stdout:\nhéllo 한");
    }

    @Test
    void stdinIsClosed() {
        // cat would wait forever on an open stdin; with /dev/null it ends at once
        ToolResult result = run(tool(), "{\"command\": \"cat; echo done\", \"timeout_secs\": 20}");
        assertThat(result.content()).startsWith("exit code: 0\nstdout:\ndone");
    }

    @Test
    void runsInTheWorkspaceAndCreatesIt() throws Exception {
        Path workspace = home.resolve("workspace");
        assertThat(workspace).doesNotExist();
        ToolResult result = run(tool(), "{\"command\": \"pwd -P\"}");
        assertThat(workspace).isDirectory();
        assertThat(stdout(result)).isEqualTo(workspace.toRealPath().toString());
    }

    @Test
    void configuredWorkspaceWins() throws Exception {
        Path elsewhere = Files.createDirectory(home.resolve("elsewhere"));
        SystemRunTool tool = new SystemRunTool(config(elsewhere.toString(), 30, 10_000, 600), home.toString(),
                environment(), GRACES);
        assertThat(stdout(run(tool, "{\"command\": \"pwd -P\"}"))).isEqualTo(elsewhere.toRealPath().toString());
    }

    @Test
    void relativeCwdIsResolvedAgainstTheWorkspace() throws Exception {
        Path sub = Files.createDirectories(home.resolve("workspace/sub/dir"));
        ToolResult result = run(tool(), "{\"command\": \"pwd -P\", \"cwd\": \"sub/dir\"}");
        assertThat(stdout(result)).isEqualTo(sub.toRealPath().toString());
    }

    @Test
    void absoluteCwdIsUsedAsIs() throws Exception {
        Path other = Files.createDirectory(home.resolve("other"));
        ToolResult result = run(tool(), "{\"command\": \"pwd -P\", \"cwd\": \"" + other + "\"}");
        assertThat(stdout(result)).isEqualTo(other.toRealPath().toString());
    }

    @Test
    void tildeCwdIsTheHomeFolder() throws Exception {
        ToolResult result = run(tool(), "{\"command\": \"pwd -P\", \"cwd\": \"~\"}");
        assertThat(stdout(result)).isEqualTo(Path.of(System.getProperty("user.home")).toRealPath().toString());
    }

    @Test
    void missingCwdIsAnErrorAndNothingRuns() {
        Path witness = home.resolve("ran");
        ToolResult result = run(tool(), "{\"command\": \"touch '" + witness + "'\", \"cwd\": \"no/such/dir\"}");
        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("cwd does not exist: ").contains("no/such/dir");
        assertThat(witness).doesNotExist();
    }

    @Test
    void cwdThatIsAFileIsAnError() throws Exception {
        Path file = Files.writeString(home.resolve("file.txt"), "x");
        ToolResult result = run(tool(), "{\"command\": \"true\", \"cwd\": \"" + file + "\"}");
        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("cwd is not a directory: " + file);
    }

    @Test
    void hugeOutputIsCutWithTheExactDroppedCount() {
        // stderr is filled first: reading the two pipes one after the other would deadlock here
        ToolResult result = run(tool(),
                "{\"command\": \"yes e | head -c 3000000 >&2; yes | head -c 5000000\"}");
        assertThat(result.error()).isFalse();
        String content = result.content();
        assertThat(content).startsWith("exit code: 0\nstdout:\ny\ny\n");
        assertThat(content).contains("\n[... 4990000 characters dropped ...]\n");
        assertThat(content).contains("\n[... 2990000 characters dropped ...]\n");
        String stdout = content.substring(content.indexOf("stdout:\n"), content.indexOf("\nstderr:"));
        assertThat(stdout.chars().filter(c -> c == 'y').count()).isEqualTo(5_000);
        assertThat(content.length()).isLessThan(2 * 10_000 + 200);
    }

    @Test
    void outputCapComesFromConfiguration() {
        SystemRunTool tool = new SystemRunTool(config("", 30, 100, 600), home.toString(), environment(), GRACES);
        ToolResult result = run(tool, "{\"command\": \"printf '%0300d' 0\"}");
        assertThat(result.content()).contains("[... 200 characters dropped ...]");
    }

    @Test
    void runsInASessionOfItsOwn() {
        assumeTrue(hasSetsid() && Files.isDirectory(Path.of("/proc/self")), "needs setsid and /proc");
        ToolResult result = run(tool(),
                "{\"command\": \"read -r pid comm state ppid pgrp sid rest < /proc/$$/stat; echo $$ $pgrp $sid\"}");
        String[] ids = stdout(result).split(" ");
        assertThat(ids).hasSize(3);
        assertThat(ids[1]).isEqualTo(ids[0]);
        assertThat(ids[2]).isEqualTo(ids[0]);
    }

    // --- stopping -----------------------------------------------------------------------------

    @Test
    void timeoutKillsTheWholeTree() throws Exception {
        assumeTrue(hasSetsid(), "needs setsid");
        String child = sleeps.marker();
        String waiter = sleeps.marker();
        String orphan = sleeps.marker();
        SystemRunTool tool = tool();
        // the orphan is re-parented at once, so only the process-group kill can reach it
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> run(tool,
                "{\"command\": \"(sleep " + orphan + " &); sleep " + child + " & sleep " + waiter
                        + "\", \"timeout_secs\": 1}"));
        Sleeps.awaitRunning(child, waiter, orphan);

        ToolResult result = call.get(20, TimeUnit.SECONDS);
        assertThat(result.error()).isTrue();
        assertThat(result.content())
                .startsWith("timed out after 1 s: the command and every process it started were killed");
        Sleeps.awaitGone(child, waiter, orphan);
    }

    @Test
    void timeoutKeepsPartialOutput() {
        ToolResult result = run(tool(),
                "{\"command\": \"echo before; sleep " + sleeps.marker() + "\", \"timeout_secs\": 1}");
        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("timed out after 1 s").contains("stdout:\nbefore");
    }

    @Test
    void cancellationKillsTheTree() throws Exception {
        String child = sleeps.marker();
        String waiter = sleeps.marker();
        SystemRunTool tool = tool();
        Cancellation cancellation = new Cancellation();
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> tool.execute(
                new ToolCall("1", "system.run", "{\"command\": \"sleep " + child + " & sleep " + waiter + "\"}"),
                context(Instant.now().plusSeconds(120), cancellation)));
        Sleeps.awaitRunning(child, waiter);

        cancellation.cancel();
        ToolResult result = call.get(20, TimeUnit.SECONDS);
        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("cancelled after ").contains("because the turn was cancelled");
        Sleeps.awaitGone(child, waiter);
    }

    @Test
    void alreadyCancelledTurnStartsNothing() {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();
        Path witness = home.resolve("ran");
        ToolResult result = run(tool(), "{\"command\": \"touch '" + witness + "'\"}",
                context(Instant.now().plusSeconds(60), cancellation));
        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("cancelled");
        assertThat(witness).doesNotExist();
    }

    @Test
    void neverOutlivesTheTurnDeadline() throws Exception {
        String child = sleeps.marker();
        SystemRunTool tool = tool();
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> run(tool,
                "{\"command\": \"sleep " + child + "\"}",
                context(Instant.now().plusMillis(800), Cancellation.none())));
        Sleeps.awaitRunning(child);

        ToolResult result = call.get(20, TimeUnit.SECONDS);
        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("stopped after ").contains("the turn ran out of time");
        Sleeps.awaitGone(child);
    }

    @Test
    void backgroundJobHoldingTheOutputIsStoppedWhenTheCommandEnds() throws Exception {
        assumeTrue(hasSetsid(), "needs setsid");
        String job = sleeps.marker();
        ToolResult result = run(tool(), "{\"command\": \"sleep " + job + " & echo started\"}");
        assertThat(result.error()).isFalse();
        assertThat(result.content())
                .startsWith("exit code: 0\nnote: background processes kept stdout/stderr open")
                .contains("stdout:\nstarted");
        Sleeps.awaitGone(job);
    }

    @Test
    void backgroundJobWithRedirectedOutputKeepsRunning() throws Exception {
        String job = sleeps.marker();
        ToolResult result = run(tool(), "{\"command\": \"sleep " + job + " > /dev/null 2>&1 & echo started\"}");
        assertThat(result.content()).isEqualTo("exit code: 0\nstdout:\nstarted\nstderr: (empty)");
        // left alone (on a busy machine the shell may still be exec'ing it); @AfterEach cleans up
        Sleeps.awaitRunning(job);
        assertThat(Sleeps.processes(job)).hasSize(1);
    }

    @Test
    void deactivationStopsRunningCommandsAndRefusesNewOnes() throws Exception {
        String child = sleeps.marker();
        SystemRunTool tool = tool();
        CompletableFuture<ToolResult> call =
                CompletableFuture.supplyAsync(() -> run(tool, "{\"command\": \"sleep " + child + "\"}"));
        Sleeps.awaitRunning(child);

        tool.deactivate();
        ToolResult result = call.get(20, TimeUnit.SECONDS);
        assertThat(result.error()).isTrue();
        assertThat(result.content()).contains("because system.run shut down");
        Sleeps.awaitGone(child);
        assertThat(run(tool, "{\"command\": \"true\"}").content()).contains("shutting down");
    }

    // --- environment --------------------------------------------------------------------------

    @Test
    void onlyTheAllowListAndTheNamedVariablesReachTheCommand() {
        Map<String, String> environment = environment();
        Map<String, String> planted = Map.of("OPENAI_API_KEY", "sk-secret-1", "OPENPISTA_API_KEY", "secret-2",
                "DATABASE_URL", "postgres://app:secret-3@db/app", "SLACK_WEBHOOK", "https://hooks.example/secret-4",
                "AWS_ACCESS_KEY_ID", "AKIASECRET5", "AWS_SECRET_ACCESS_KEY", "secret-6", "OPENPISTA_WEB_TOKEN", "secret-7",
                "GITHUB_TOKEN", "secret-8", "PLAIN_SETTING", "secret-9");
        environment.putAll(planted);
        environment.put("OPENPISTA_HOME", "/srv/pista");
        environment.put("LC_TIME", "C");
        environment.put("PASSED_BY_NAME", "visible-1");
        SystemRunTool tool = new SystemRunTool(config("", 30, 10_000, 600, "PASSED_BY_NAME"), home.toString(), environment,
                GRACES);

        String env = stdout(run(tool, "{\"command\": \"env\"}"));
        assertThat(env).doesNotContain("secret").doesNotContain("AKIA");
        for (String name : planted.keySet()) {
            assertThat(env).doesNotContain(name + "=");
        }
        assertThat(env.lines()).contains("OPENPISTA_HOME=/srv/pista", "LC_TIME=C", "PASSED_BY_NAME=visible-1");
        SecurityFigures.record("system.run environment", planted.size() + " planted secrets in the daemon's environment, "
                + planted.size() + " withheld from env (allow-list)");
    }

    // --- bad input ----------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "not json                                   | arguments are not valid JSON",
        "[\"ls\"]                                   | arguments must be a JSON object",
        "{\"command\": \"ls\"} trailing             | arguments are not valid JSON",
        "{}                                         | \"command\" is required",
        "{\"command\": null}                        | \"command\" is required",
        "{\"command\": \"   \"}                     | \"command\" must not be empty",
        "{\"command\": 5}                           | \"command\" must be a string",
        "{\"command\": [\"ls\"]}                    | \"command\" must be a string",
        "{\"command\": \"ls\", \"cwd\": 3}          | \"cwd\" must be a string",
        "{\"command\": \"ls\", \"timeout_secs\": 0} | \"timeout_secs\" must be at least 1",
        "{\"command\": \"ls\", \"timeout_secs\": -5} | \"timeout_secs\" must be at least 1",
        "{\"command\": \"ls\", \"timeout_secs\": 601} | \"timeout_secs\" must be at most 600",
        "{\"command\": \"ls\", \"timeout_secs\": 1e30} | \"timeout_secs\" must be at most 600",
        "{\"command\": \"ls\", \"timeout_secs\": 1.5} | \"timeout_secs\" must be a whole number",
        "{\"command\": \"ls\", \"timeout_secs\": \"10\"} | \"timeout_secs\" must be a whole number",
        "{\"command\": \"ls\", \"timeout_secs\": true} | \"timeout_secs\" must be a whole number",
    })
    void badArgumentsAreOneLineErrors(String arguments, String expected) {
        Path witness = home.resolve("ran");
        ToolResult result = run(tool(), arguments.replace("ls", "touch '" + witness + "'"));
        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("invalid arguments: ").contains(expected).doesNotContain("\n");
        assertThat(witness).doesNotExist();
    }

    @Test
    void wholeNumberWrittenAsDecimalIsAValidTimeout() {
        ToolResult result = run(tool(), "{\"command\": \"echo ok\", \"timeout_secs\": 5.0, \"extra\": 1}");
        assertThat(result.content()).startsWith("exit code: 0\nstdout:\nok");
    }

    @Test
    void missingBashIsAnError() {
        Map<String, String> environment = environment();
        environment.put("PATH", home.resolve("empty-bin").toString());
        SystemRunTool tool = new SystemRunTool(config("", 30, 10_000, 600), home.toString(), environment, GRACES);
        ToolResult result = run(tool, "{\"command\": \"echo hi\"}");
        assertThat(result.error()).isTrue();
        assertThat(result.content()).startsWith("cannot run the command: bash was not found on PATH");
    }

    @Test
    void nonPositiveConfigurationFallsBackToDefaults() throws Exception {
        SystemRunTool tool = new SystemRunTool(config("", 0, -1, 0), home.toString(), environment(), GRACES);
        assertThat(tool.spec().description()).contains("30 s", "600 s", "10000 characters");
    }

    // --- many at once -------------------------------------------------------------------------

    @Test
    void callsRunInParallelWithoutMixingOutput() {
        SystemRunTool tool = tool();
        List<CompletableFuture<ToolResult>> calls = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> run(tool,
                        "{\"command\": \"for j in 1 2 3; do echo call-" + i + "; done; echo err-" + i + " >&2\"}")))
                .collect(Collectors.toList());
        for (int i = 0; i < calls.size(); i++) {
            assertThat(calls.get(i).join().content()).isEqualTo(
                    "exit code: 0\nstdout:\ncall-" + i + "\ncall-" + i + "\ncall-" + i + "\nstderr:\nerr-" + i);
        }
    }

    // --- helpers ------------------------------------------------------------------------------

    private SystemRunTool tool() {
        return new SystemRunTool(config("", 30, 10_000, 600), home.toString(), environment(), GRACES);
    }

    private ToolResult run(SystemRunTool tool, String arguments) {
        return run(tool, arguments, context(Instant.now().plusSeconds(120), Cancellation.none()));
    }

    private static ToolResult run(SystemRunTool tool, String arguments, ToolContext context) {
        return tool.execute(new ToolCall("call-1", "system.run", arguments), context);
    }

    private ToolContext context(Instant deadline, Cancellation cancellation) {
        return new ToolContext("session", "test", home.resolve("workspace"), deadline, cancellation);
    }

    private static String stdout(ToolResult result) {
        assertThat(result.error()).as(result.content()).isFalse();
        String content = result.content();
        int start = content.indexOf("stdout:\n");
        assertThat(start).as(content).isNotNegative();
        return content.substring(start + "stdout:\n".length(), content.indexOf("\nstderr:"));
    }

    private static Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "LANG", "USER")) {
            String value = System.getenv(name);
            if (value != null) {
                environment.put(name, value);
            }
        }
        return environment;
    }

    private static boolean hasSetsid() {
        return SystemRunTool.findExecutable("setsid", System.getenv().getOrDefault("PATH", "")) != null;
    }

    static SystemRunTool.Config config(String workspace, int timeoutSecs, int maxOutputChars, int maxTimeoutSecs,
            String... passEnv) {
        return new SystemRunTool.Config() {
            @Override
            public String[] pass_env() {
                return passEnv;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return SystemRunTool.Config.class;
            }

            @Override
            public String workspace() {
                return workspace;
            }

            @Override
            public int timeout_secs() {
                return timeoutSecs;
            }

            @Override
            public int max_output_chars() {
                return maxOutputChars;
            }

            @Override
            public int max_timeout_secs() {
                return maxTimeoutSecs;
            }
        };
    }
}
