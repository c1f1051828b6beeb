package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.RecordedRequest;

/**
 * MCP end to end: the real distribution with the reference server {@code server-everything} over
 * stdio and over streamable HTTP, and a server whose tools change; the fake OpenAI server plays the
 * model and calls their tools through {@code openpista run -e} and a running daemon.
 */
class McpIT {

    static final Path NODE_DIR = Path.of("../bundles/org.openpista.mcp/src/test/node").toAbsolutePath().normalize();
    static final Path EVERYTHING = NODE_DIR.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");
    static final Path CHANGING = NODE_DIR.resolve("changing-server.mjs");

    // in the system's temporary folder: a Unix socket path must stay under 108 bytes
    @TempDir
    Path home;

    FakeOpenAiServer fake;
    Process http;
    int httpPort;

    @BeforeEach
    void setUp() {
        if (!Files.isRegularFile(EVERYTHING)) {
            String reason = "the MCP test servers are not installed: cd " + NODE_DIR + " && npm ci (.ci/run does it)";
            if ("all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason);
        }
        fake = new FakeOpenAiServer();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            DistributionProcess.stopDaemon(home);
        } finally {
            if (fake != null) {
                fake.close();
            }
            if (http != null) {
                http.descendants().forEach(ProcessHandle::destroyForcibly);
                http.destroyForcibly();
            }
        }
    }

    void config(String servers) throws IOException {
        ShellTurn.writeConfig(home, fake, """
                [channels.web]
                enabled = false

                """ + servers);
    }

    static String stdio(String name, Path script, String args, String extra) {
        return """
                [mcp.servers.%s]
                command = "node"
                args = ["%s"%s]
                %s
                """.formatted(name, script, args.isEmpty() ? "" : ", " + args, extra);
    }

    /** Starts the reference server over streamable HTTP on a free port of the loopback address. */
    void startHttpServer() throws Exception {
        httpPort = WebDaemon.freePort();
        ProcessBuilder builder = new ProcessBuilder("node", EVERYTHING.toString(), "streamableHttp").redirectErrorStream(true);
        builder.environment().put("PORT", Integer.toString(httpPort));
        http = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(http.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Void> listening = CompletableFuture.runAsync(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null && !line.contains("listening on port")) {
                    // the server's start-up lines
                }
                CompletableFuture.runAsync(() -> drain(out));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        listening.get(60, TimeUnit.SECONDS);
    }

    private static void drain(BufferedReader out) {
        try {
            while (out.readLine() != null) {
                // keep the pipe empty
            }
        } catch (IOException e) {
            // the server is gone
        }
    }

    Result openpista(String... args) throws Exception {
        return DistributionProcess.run(home, Map.of(), args);
    }

    Result shell(String command) throws Exception {
        return openpista("shell", "-c", command);
    }

    /** @return the tool results the model was sent in its last request */
    List<String> toolResults() {
        List<String> results = new ArrayList<>();
        JsonNode last = fake.requests().get(fake.requests().size() - 1).json().path("messages");
        for (JsonNode message : last) {
            if (message.path("role").asText().equals("tool")) {
                results.add(message.path("content").asText());
            }
        }
        return results;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 90 s waiting for: " + what);
            }
            Thread.sleep(200);
        }
    }

    /** @return every log file of the home: the daemon's and those of the commands run meanwhile */
    String logs() throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(home.resolve("logs"))) {
            for (Path file : files.sorted().toList()) {
                all.append(Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        return all.toString();
    }

    String mcpList() {
        try {
            return shell("openpista:mcp").stdout();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean line(String list, String server, String state) {
        return list.lines().anyMatch(line -> line.matches("^" + server + "\\s+" + state + "\\b.*"));
    }

    @Test
    void runUsesTheToolsOfAStdioServerAndTheModelIsToldWhichServerIsUnavailable() throws Exception {
        config(stdio("everything", EVERYTHING, "\"stdio\"", "approval = \"auto\"")
                + "\n[mcp.servers.broken]\ncommand = \"node\"\nargs = [\"-e\", \"console.error('no token'); process.exit(3)\"]\n");
        fake.enqueue(FakeReply.toolCall("mcp.everything.echo", "{\"message\":\"hello mcp\"}"),
                FakeReply.toolCall("mcp.everything.get-sum", "{\"a\":20,\"b\":22}"), FakeReply.text("The sum is 42."));

        Result result = openpista("run", "-e", "echo and add");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("The sum is 42.\n");
        RecordedRequest first = fake.requests().get(0);
        String prompt = first.json().path("messages").get(0).path("content").asText();
        assertThat(prompt).contains("## MCP servers", "- everything: connected", "- broken: UNAVAILABLE",
                "exited with status 3");
        assertThat(first.json().path("tools").toString()).contains("mcp_everything_echo", "mcp_everything_get-sum");
        List<String> results = toolResults();
        assertThat(results.get(0)).isEqualTo("Echo: hello mcp");
        assertThat(results.get(1)).contains("42");
    }

    @Test
    void aServerAskedAboutIsRefusedWhereNobodyCanBeAskedEvenUnderAuto() throws Exception {
        config(stdio("everything", EVERYTHING, "\"stdio\"", ""));
        fake.enqueue(FakeReply.toolCall("mcp.everything.echo", "{\"message\":\"hi\"}"), FakeReply.text("refused"));

        Result result = openpista("run", "-e", "echo");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(toolResults().get(0)).startsWith("not run: ").doesNotContain("Echo: hi");
    }

    @Test
    void theDaemonConnectsServersInTheBackgroundRestartsACrashedOneFollowsListChangedAndReloads() throws Exception {
        startHttpServer();
        config(stdio("everything", EVERYTHING, "\"stdio\"", "approval = \"auto\"")
                + "\n[mcp.servers.web]\nurl = \"http://127.0.0.1:" + httpPort + "/mcp\"\napproval = \"auto\"\n\n"
                + stdio("changing", CHANGING, "", "approval = \"auto\""));
        Result started = openpista("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        Matcher pid = Pattern.compile("PID (\\d+)").matcher(started.stdout());
        assertThat(pid.find()).as(started.toString()).isTrue();
        long daemon = Long.parseLong(pid.group(1));

        await("three connected servers", () -> {
            String list = mcpList();
            return line(list, "everything", "connected") && line(list, "web", "connected") && line(list, "changing", "connected");
        });

        // the model calls a tool of the HTTP server and one of the stdio server in a turn of the daemon
        fake.enqueue(FakeReply.toolCall("mcp.web.echo", "{\"message\":\"over http\"}"),
                FakeReply.toolCall("mcp.everything.get-sum", "{\"a\":1,\"b\":2}"), FakeReply.text("both done"));
        Result sent = shell("openpista:send s1 \"use both servers\"");
        assertThat(sent.stdout()).as(sent.toString()).contains("both done");
        assertThat(toolResults()).containsExactly("Echo: over http", toolResults().get(1));
        assertThat(toolResults().get(1)).contains("3");

        // list_changed: the server adds a tool while it runs
        fake.enqueue(FakeReply.toolCall("mcp.changing.add-tool", "{\"name\":\"extra\"}"), FakeReply.text("added"));
        shell("openpista:send s1 \"add a tool\"");
        await("the added tool", () -> {
            try {
                return shell("openpista:tools").stdout().contains("mcp.changing.extra");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        // a crash: the server process is killed; its tools go, it is started again
        ProcessHandle changing = ProcessHandle.of(daemon).orElseThrow().descendants()
                .filter(process -> process.info().commandLine().orElse("").contains("changing-server.mjs")).findFirst()
                .orElseThrow();
        changing.destroyForcibly();
        await("the restart", () -> {
            String list;
            try {
                list = shell("openpista:mcp changing").stdout();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return list.contains("changing: connected") && list.contains("restarted 1 times");
        });
        assertThat(logs()).contains("MCP server changing", "is unavailable: the server process exited");

        // reload: the HTTP server is dropped without a restart of the daemon
        config(stdio("everything", EVERYTHING, "\"stdio\"", "approval = \"auto\"")
                + "\n" + stdio("changing", CHANGING, "", "approval = \"auto\""));
        shell("openpista:reload");
        await("the dropped server", () -> !mcpList().contains("web "));
        assertThat(shell("openpista:tools").stdout()).doesNotContain("mcp.web.echo").contains("mcp.everything.echo");

        // mcp add and mcp remove edit config.toml and have the daemon reload
        Result added = openpista("mcp", "add", "second", "--approval", "auto", "--", "node", CHANGING.toString());
        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.stdout()).contains("Added MCP server second", "reloaded config.toml");
        assertThat(Files.readString(home.resolve("config.toml"))).contains("[mcp.servers.second]", "approval = \"auto\"");
        await("the added server", () -> line(mcpList(), "second", "connected"));
        Result listed = openpista("mcp", "list");
        assertThat(listed.stdout()).as(listed.toString()).containsPattern("second\\s+connected");
        Result removed = openpista("mcp", "remove", "second");
        assertThat(removed.exitCode()).as(removed.toString()).isZero();
        assertThat(Files.readString(home.resolve("config.toml"))).doesNotContain("[mcp.servers.second]")
                .contains("[mcp.servers.changing]");
        await("the removed server", () -> !mcpList().contains("second "));
    }
}
