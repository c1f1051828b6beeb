package org.openpista.mcp.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;

/**
 * The time of one MCP tool call as the agent makes it ({@code McpTool.execute}: arguments parsed,
 * JSON-RPC over the transport, the reference server's {@code echo}, the result converted), over
 * stdio and over streamable HTTP; p50 and p99 of CALLS calls after a warm-up. Run by bench/mcp.sh.
 */
public final class McpCallBench {

    private McpCallBench() {}

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path everything = Path.of(args.length > 1 ? args[1] : TestServers.EVERYTHING.toString());
        ObjectMapper mapper = new ObjectMapper();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
        RecordingSink sink = new RecordingSink();
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("node", everything.toString(), "streamableHttp").redirectErrorStream(true);
        builder.environment().put("PORT", Integer.toString(port));
        Process http = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(http.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.contains("listening on port")) {
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
        try {
            ServerConfig stdio = TestServers.stdio("stdio", everything, List.of("stdio"), Map.of());
            ServerConfig remote = TestServers.http("http", "http://127.0.0.1:" + port + "/mcp", "streamable");
            for (ServerConfig config : List.of(stdio, remote)) {
                ServerConnection connection = new ServerConnection(config, new JacksonMcpJsonMapper(mapper), mapper, scheduler,
                        sink, System.getenv(), new OwnerQuestionsBridge(mapper, null));
                connection.start();
                while (connection.status().state().equals("starting")) {
                    Thread.sleep(10);
                }
                if (!connection.status().connected()) {
                    throw new IllegalStateException(connection.status().toString());
                }
                measure(config.name(), sink, calls);
                connection.stop();
            }
        } finally {
            http.descendants().forEach(ProcessHandle::destroyForcibly);
            http.destroyForcibly();
            scheduler.shutdownNow();
        }
    }

    private static void measure(String server, RecordingSink sink, int calls) throws Exception {
        var tool = sink.tool("mcp." + server + ".echo");
        ToolCall call = new ToolCall("c", "mcp." + server + ".echo", "{\"message\":\"bench\"}");
        for (int i = 0; i < Math.max(100, calls / 5); i++) {
            tool.execute(call, context());
        }
        long[] nanos = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            var result = tool.execute(call, context());
            nanos[i] = System.nanoTime() - start;
            if (result.error()) {
                throw new IllegalStateException(result.content());
            }
        }
        Arrays.sort(nanos);
        System.out.printf("%-6s %5d calls of echo: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", server, calls,
                nanos[calls / 2] / 1e6, nanos[(int) (calls * 0.99)] / 1e6, nanos[calls - 1] / 1e6);
    }

    private static ToolContext context() {
        return new ToolContext("bench", "cli", Path.of("."), Instant.now().plusSeconds(60), Cancellation.none(),
                question -> java.util.concurrent.CompletableFuture.completedFuture(ApprovalDecision.REJECT));
    }
}
