package org.openpista.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.approval.ApprovalOutcome;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/**
 * {@code openpista mcp serve} driven by the SDK's own client: the server runs over stdio-like pipes
 * in this JVM (the transport is the SDK's stdio transport), the client is the SDK's, and the
 * client's elicitation is how the owner answers the approval question.
 */
class OpenpistaServerTest {

    @TempDir
    Path workspace;

    final ObjectMapper mapper = new ObjectMapper();
    final List<String> ran = new CopyOnWriteArrayList<>();
    final List<String> elicited = new CopyOnWriteArrayList<>();
    final List<AutoCloseable> open = new ArrayList<>();

    /** A tool of openpista as the registry holds it. */
    final Tool shout = new Tool() {
        @Override
        public ToolSpec spec() {
            return new ToolSpec("text.shout", "Upper-cases a text",
                    "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"}},\"required\":[\"text\"]}");
        }

        @Override
        public ToolResult execute(ToolCall call, ToolContext context) throws Exception {
            ran.add(call.arguments());
            return ToolResult.ok(mapper.readTree(call.arguments()).path("text").asText().toUpperCase(java.util.Locale.ROOT));
        }
    };

    /** A tool of an MCP server openpista is a client of: never served. */
    final Tool proxied = new McpTool("echo", new ToolSpec("mcp.other.echo", "", null), (tool, args, context) -> ToolResult.ok(""));

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
    }

    /** Asks like approval = "ask": the question goes to the sink, which elicits from the client. */
    McpSyncClient connect(McpSchema.ElicitResult.Action answer, boolean elicitation) throws IOException {
        PipedOutputStream toServer = new PipedOutputStream();
        PipedInputStream serverIn = new PipedInputStream(toServer, 1 << 16);
        PipedOutputStream toClient = new PipedOutputStream();
        PipedInputStream clientIn = new PipedInputStream(toClient, 1 << 16);
        OpenpistaServer server = new OpenpistaServer(mapper, new JacksonMcpJsonMapper(mapper), (request, sink) -> {
            try {
                var decision = sink.requestApproval(request).toCompletableFuture().get();
                return decision.allows() ? ApprovalOutcome.allow() : ApprovalOutcome.deny("the owner refused this tool call");
            } catch (java.util.concurrent.ExecutionException e) {
                return ApprovalOutcome.deny("the owner could not be asked for approval: " + e.getCause().getMessage());
            }
        }, workspace, Duration.ofSeconds(30));
        McpSyncServer running = server.start(new StdioServerTransportProvider(new JacksonMcpJsonMapper(mapper), serverIn,
                toClient), List.of(shout, proxied));
        open.add(running::close);
        PipeTransport transport = new PipeTransport(new JacksonMcpJsonMapper(mapper), clientIn, toServer);
        McpClient.SyncSpec spec = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30));
        if (elicitation) {
            spec.elicitation(request -> {
                elicited.add(request.message());
                return new McpSchema.ElicitResult(answer, Map.of());
            });
        }
        McpSyncClient client = spec.build();
        open.add(client::close);
        client.initialize();
        return client;
    }

    @Test
    void theClientListsOpenpistasToolsButNotThoseOfOtherMcpServers() throws Exception {
        McpSyncClient client = connect(McpSchema.ElicitResult.Action.ACCEPT, true);

        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("text.shout");
        assertThat(client.listTools().tools().get(0).inputSchema()).containsKey("properties");
    }

    @Test
    void aCallRunsOnceTheUserAcceptsThroughElicitation() throws Exception {
        McpSyncClient client = connect(McpSchema.ElicitResult.Action.ACCEPT, true);

        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("text.shout")
                .arguments(Map.of("text", "hello")).build());

        assertThat(result.isError()).isFalse();
        assertThat(((McpSchema.TextContent) result.content().get(0)).text()).isEqualTo("HELLO");
        assertThat(elicited).singleElement().asString().contains("text.shout", "hello");
        assertThat(ran).hasSize(1);
    }

    @Test
    void aDeclinedCallDoesNotRun() throws Exception {
        McpSyncClient client = connect(McpSchema.ElicitResult.Action.DECLINE, true);

        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("text.shout")
                .arguments(Map.of("text", "hello")).build());

        assertThat(result.isError()).isTrue();
        assertThat(((McpSchema.TextContent) result.content().get(0)).text()).contains("not run", "refused");
        assertThat(ran).isEmpty();
    }

    @Test
    void aClientThatCannotAskIsRefusedWithTheReason() throws Exception {
        McpSyncClient client = connect(McpSchema.ElicitResult.Action.ACCEPT, false);

        McpSchema.CallToolResult result = client.callTool(McpSchema.CallToolRequest.builder("text.shout")
                .arguments(Map.of("text", "hello")).build());

        assertThat(result.isError()).isTrue();
        assertThat(((McpSchema.TextContent) result.content().get(0)).text()).contains("cannot ask its user",
                "[channels.mcp] approval");
        assertThat(ran).isEmpty();
    }

    @Test
    void overStreamableHttpTheWebChatsTokenIsRequiredAndNobodyCanBeAsked() throws Exception {
        HttpServeTransport transport = new HttpServeTransport(new JacksonMcpJsonMapper(mapper),
                new java.net.InetSocketAddress("127.0.0.1", 0), "s3cret-token", Duration.ofSeconds(30));
        OpenpistaServer asking = new OpenpistaServer(mapper, new JacksonMcpJsonMapper(mapper), (request, sink) -> {
            try {
                return sink.requestApproval(request).toCompletableFuture().get().allows() ? ApprovalOutcome.allow()
                        : ApprovalOutcome.deny("refused");
            } catch (java.util.concurrent.ExecutionException e) {
                return ApprovalOutcome.deny("the owner could not be asked for approval: " + e.getCause().getMessage());
            }
        }, workspace, Duration.ofSeconds(30));
        var running = asking.startStateless(transport, List.of(shout, proxied));
        open.add(running::close);
        transport.start();
        String url = "http://127.0.0.1:" + transport.port();

        McpSyncClient client = McpClient.sync(io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport
                .builder(url).endpoint("/mcp").jsonMapper(new JacksonMcpJsonMapper(mapper))
                .requestBuilder(java.net.http.HttpRequest.newBuilder().header("Authorization", "Bearer s3cret-token")).build())
                .requestTimeout(Duration.ofSeconds(30)).build();
        open.add(client::close);
        client.initialize();

        assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).containsExactly("text.shout");
        McpSchema.CallToolResult refused = client.callTool(McpSchema.CallToolRequest.builder("text.shout")
                .arguments(Map.of("text", "hi")).build());
        assertThat(refused.isError()).isTrue();
        assertThat(((McpSchema.TextContent) refused.content().get(0)).text()).contains("over HTTP openpista cannot ask",
                "[channels.mcp] approval = \"auto\"");
        assertThat(ran).isEmpty();

        java.net.http.HttpResponse<String> anonymous = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/mcp")).POST(java.net.http.HttpRequest
                        .BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                        .header("Content-Type", "application/json").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        java.net.http.HttpResponse<String> crossSite = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url + "/mcp")).POST(java.net.http.HttpRequest
                        .BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                        .header("Authorization", "Bearer s3cret-token").header("Origin", "https://evil.example")
                        .header("Content-Type", "application/json").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(crossSite.statusCode()).isEqualTo(403);
    }
}
