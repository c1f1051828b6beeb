package org.openpista.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/** Connections to real MCP servers run with node over stdio: the reference server and one whose tools change. */
class ServerConnectionTest {

    final ObjectMapper mapper = new ObjectMapper();
    final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    final RecordingSink sink = new RecordingSink();
    final List<ToolCall> asked = new CopyOnWriteArrayList<>();
    final List<ServerConnection> connections = new ArrayList<>();
    /** The daemon's environment as the connection sees it: secrets a server must never get. */
    final Map<String, String> daemonEnv = Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("user.home"),
            "OPENPISTA_API_KEY", "sk-daemon-secret", "TELEGRAM_BOT_TOKEN", "123:secret");

    @BeforeEach
    void servers() {
        TestServers.require();
    }

    @AfterEach
    void stop() {
        connections.forEach(ServerConnection::stop);
        scheduler.shutdownNow();
    }

    ServerConnection connect(ServerConfig config) throws InterruptedException {
        ServerConnection connection = new ServerConnection(config, new JacksonMcpJsonMapper(mapper), mapper, scheduler, sink,
                daemonEnv, new OwnerQuestionsBridge(mapper, (system, messages, max) -> "sampled"));
        connections.add(connection);
        connection.start();
        Waits.until(config.name() + " connected", () -> !connection.status().state().equals("starting"), connection::status);
        assertThat(connection.status().state()).as(connection.status().toString()).isEqualTo("connected");
        return connection;
    }

    ToolContext context(ApprovalDecision answer) {
        return new ToolContext("s1", "cli", Path.of("."), Instant.now().plusSeconds(60), Cancellation.none(), question -> {
            asked.add(question);
            return CompletableFuture.completedFuture(answer);
        });
    }

    ToolResult call(String tool, String arguments) throws Exception {
        return sink.tool(tool).execute(new ToolCall("c1", tool, arguments), context(ApprovalDecision.APPROVE));
    }

    @Test
    void theReferenceServersToolsAreOfferedAndCalled() throws Exception {
        ServerConnection connection = connect(TestServers.stdio("everything", TestServers.EVERYTHING, List.of("stdio"),
                Map.of("GREETING", "hello")));

        assertThat(sink.names("everything")).contains("mcp.everything.echo", "mcp.everything.get-sum",
                "mcp.everything.read_resource");
        assertThat(sink.tool("mcp.everything.echo").spec().description()).startsWith("[MCP server everything] ");
        assertThat(sink.tool("mcp.everything.get-sum").spec().parametersSchema()).contains("\"a\"", "\"b\"");
        assertThat(call("mcp.everything.echo", "{\"message\":\"hi there\"}").content()).isEqualTo("Echo: hi there");
        ToolResult sum = call("mcp.everything.get-sum", "{\"a\":3,\"b\":4}");
        assertThat(sum.error()).isFalse();
        assertThat(sum.content()).contains("7");
        assertThat(connection.status().resources()).isNotEmpty();
        assertThat(connection.status().prompts()).isNotEmpty();
        String uri = connection.status().resources().get(0);
        assertThat(call("mcp.everything.read_resource", "{\"uri\":\"" + uri + "\"}").error()).isFalse();
    }

    @Test
    void aServerGetsPathHomeAndItsOwnEnvironmentOnly() throws Exception {
        connect(TestServers.stdio("everything", TestServers.EVERYTHING, List.of("stdio"), Map.of("GREETING", "hello")));

        String env = call("mcp.everything.get-env", "{}").content();

        assertThat(env).contains("\"GREETING\": \"hello\"", "\"PATH\"", "\"HOME\"");
        assertThat(env).doesNotContain("sk-daemon-secret", "OPENPISTA_API_KEY", "TELEGRAM_BOT_TOKEN", "123:secret");
    }

    @Test
    void toolsFollowListChanged() throws Exception {
        connect(TestServers.stdio("changing", TestServers.CHANGING, List.of(), Map.of()));
        assertThat(sink.names("changing")).contains("mcp.changing.add-tool").doesNotContain("mcp.changing.extra");

        call("mcp.changing.add-tool", "{\"name\":\"extra\"}");
        Waits.until("the added tool", () -> sink.names("changing").contains("mcp.changing.extra"), () -> sink.names("changing"));
        assertThat(call("mcp.changing.extra", "{}").content()).isEqualTo("I am extra");

        call("mcp.changing.remove-tool", "{\"name\":\"extra\"}");
        Waits.until("the removed tool", () -> !sink.names("changing").contains("mcp.changing.extra"),
                () -> sink.names("changing"));
    }

    @Test
    void aCrashedServerLosesItsToolsSaysWhyAndIsStartedAgain() throws Exception {
        ServerConnection connection = connect(TestServers.stdio("changing", TestServers.CHANGING, List.of(), Map.of()));
        long first = connection.process().orElseThrow().pid();

        ToolResult crash = call("mcp.changing.crash", "{}");

        assertThat(crash.error()).isTrue();
        Waits.until("the restart", () -> connection.status().restarts() == 1 && connection.status().connected(),
                connection::status);
        assertThat(sink.history).containsSubsequence("changing:0", "changing:" + sink.names("changing").size());
        assertThat(connection.process().orElseThrow().pid()).isNotEqualTo(first);
        assertThat(call("mcp.changing.env-names", "{}").content()).contains("PATH");
    }

    @Test
    void aServerThatDiesAtStartIsReportedWithTheEndOfItsStderr() throws Exception {
        ServerConfig dying = new ServerConfig("dying", true, "node", List.of("-e",
                "console.error('missing API key for the dying server'); process.exit(2)"), Map.of(), TestServers.NODE_DIR, "",
                Map.of(), "auto", "ask", java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(10), List.of(),
                List.of(), false);
        ServerConnection connection = new ServerConnection(dying, new JacksonMcpJsonMapper(mapper), mapper, scheduler, sink,
                daemonEnv, new OwnerQuestionsBridge(mapper, null));
        connections.add(connection);

        connection.start();

        Waits.until("the failure", () -> connection.status().state().equals("failed")
                && !connection.status().stderr().isEmpty(), connection::status);
        assertThat(connection.status().detail()).contains("exited with status 2", "retrying in");
        assertThat(connection.status().stderr()).contains("missing API key for the dying server");
        assertThat(sink.names("dying")).isEmpty();
        // while it starts again, and after it failed again, it still says why
        Waits.until("the second attempt", () -> connection.status().restarts() >= 1, connection::status);
        assertThat(connection.status().detail()).contains("exited with status 2");
    }

    @Test
    void aCommandThatCannotStartSaysSo() throws Exception {
        ServerConfig missing = new ServerConfig("missing", true, "/nonexistent/mcp-server", List.of(), Map.of(), null, "",
                Map.of(), "auto", "ask", java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(10), List.of(),
                List.of(), false);
        ServerConnection connection = new ServerConnection(missing, new JacksonMcpJsonMapper(mapper), mapper, scheduler, sink,
                daemonEnv, new OwnerQuestionsBridge(mapper, null));
        connections.add(connection);

        connection.start();

        Waits.until("the failure", () -> connection.status().state().equals("failed"), connection::status);
        assertThat(connection.status().detail()).contains("cannot start /nonexistent/mcp-server");
    }

    @Test
    void elicitationIsAskedOfTheOwnerOfTheCall() throws Exception {
        connect(TestServers.stdio("changing", TestServers.CHANGING, List.of(), Map.of()));
        ToolCall call = new ToolCall("c1", "mcp.changing.confirm", "{\"question\":\"Delete the draft?\"}");

        ToolResult yes = sink.tool("mcp.changing.confirm").execute(call, context(ApprovalDecision.APPROVE));
        ToolResult no = sink.tool("mcp.changing.confirm").execute(call, context(ApprovalDecision.REJECT));

        assertThat(yes.content()).isEqualTo("the user answered accept");
        assertThat(no.content()).isEqualTo("the user answered decline");
        assertThat(asked).hasSize(2).allSatisfy(question -> {
            assertThat(question.name()).isEqualTo("mcp.changing.elicitation");
            assertThat(question.arguments()).contains("Delete the draft?");
        });
    }

    @Test
    void samplingIsRefusedWithTheReasonUnlessEnabled() throws Exception {
        connect(TestServers.stdio("everything", TestServers.EVERYTHING, List.of("stdio"), Map.of()));
        // registered once the server knows the client's capabilities, announced with list_changed
        Waits.until("the sampling tool", () -> sink.names("everything").contains("mcp.everything.trigger-sampling-request"),
                () -> sink.names("everything"));

        ToolResult refused = call("mcp.everything.trigger-sampling-request", "{\"prompt\":\"hi\",\"maxTokens\":5}");

        assertThat(refused.error()).isTrue();
        assertThat(refused.content()).contains("does not let the MCP server everything use its model", "sampling = true");
        assertThat(asked).isEmpty();
    }

    @Test
    void includeAndExcludeChooseTheToolsAndDenyOffersNone() throws Exception {
        ServerConfig base = TestServers.stdio("everything", TestServers.EVERYTHING, List.of("stdio"), Map.of());
        connect(new ServerConfig(base.name(), true, base.command(), base.args(), base.env(), base.cwd(), "", Map.of(), "auto",
                "auto", base.toolTimeout(), base.startupTimeout(), List.of("get-*", "echo"), List.of("get-env"), false));

        assertThat(sink.names("everything")).contains("mcp.everything.echo", "mcp.everything.get-sum")
                .doesNotContain("mcp.everything.get-env", "mcp.everything.trigger-long-running-operation");

        ServerConnection denied = connect(new ServerConfig("denied", true, base.command(), base.args(), base.env(), base.cwd(),
                "", Map.of(), "auto", "deny", base.toolTimeout(), base.startupTimeout(), List.of(), List.of(), false));
        assertThat(sink.names("denied")).isEmpty();
        assertThat(denied.status().tools()).contains("echo");
    }

    @Test
    void theReferenceServerOverStreamableHttpAndTheOlderHttpSse() throws Exception {
        try (HttpServer streamable = HttpServer.start("streamableHttp"); HttpServer sse = HttpServer.start("sse")) {
            ServerConnection overHttp = connect(TestServers.http("web", "http://127.0.0.1:" + streamable.port + "/mcp",
                    "streamable"));
            // auto: streamable HTTP first; this server speaks only HTTP+SSE
            ServerConnection overSse = connect(TestServers.http("old", "http://127.0.0.1:" + sse.port + "/sse", "auto"));

            assertThat(call("mcp.web.echo", "{\"message\":\"over http\"}").content()).isEqualTo("Echo: over http");
            assertThat(call("mcp.old.get-sum", "{\"a\":1,\"b\":1}").content()).contains("2");
            assertThat(overHttp.status().target()).isEqualTo("http://127.0.0.1:" + streamable.port + "/mcp");
            assertThat(overSse.status().tools()).contains("echo");
        }
    }

    @Test
    void anHttpServerThatIsNotThereIsReportedAndRetried() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ServerConnection connection = new ServerConnection(TestServers.http("gone", "http://127.0.0.1:" + port + "/mcp",
                "streamable"), new JacksonMcpJsonMapper(mapper), mapper, scheduler, sink, daemonEnv,
                new OwnerQuestionsBridge(mapper, null));
        connections.add(connection);

        connection.start();

        Waits.until("the failure", () -> connection.status().state().equals("failed"), connection::status);
        assertThat(connection.status().detail()).contains("retrying in");
        assertThat(sink.names("gone")).isEmpty();
    }

    /** The reference server over HTTP on a free port of the loopback address. */
    static final class HttpServer implements AutoCloseable {
        final Process process;
        final int port;

        private HttpServer(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static HttpServer start(String transport) throws Exception {
            int port;
            try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
                port = free.getLocalPort();
            }
            ProcessBuilder builder = new ProcessBuilder("node", TestServers.EVERYTHING.toString(), transport)
                    .redirectErrorStream(true);
            builder.environment().put("PORT", Integer.toString(port));
            Process process = builder.start();
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.toLowerCase(java.util.Locale.ROOT).contains("port " + port)) {
                // start-up lines
            }
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // keep the pipe empty
                    }
                } catch (java.io.IOException e) {
                    // gone
                }
            });
            drain.setDaemon(true);
            drain.start();
            return new HttpServer(process, port);
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }
}
