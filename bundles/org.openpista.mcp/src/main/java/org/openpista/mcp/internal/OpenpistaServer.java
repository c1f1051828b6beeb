package org.openpista.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalOutcome;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/**
 * openpista as an MCP server ({@code openpista mcp serve}): its tools and skills offered to an MCP
 * client, every call decided by openpista's approval policy for the channel {@value #CHANNEL}
 * ({@code [channels.mcp] approval}, default {@code [agent] approval}, which asks). Asking goes to
 * the client's user through elicitation; a client that cannot elicit gets a refusal that says so.
 * Tools of MCP servers ({@code mcp.*}) are never served: openpista is no proxy, and serving them
 * could loop back into itself.
 */
final class OpenpistaServer {

    /** The channel calls from MCP clients come from, for the approval policy. */
    static final String CHANNEL = "mcp";

    /** Decides whether a call may run: the approval service, or in tests a rule of their own. */
    @FunctionalInterface
    interface Approver {
        ApprovalOutcome decide(ApprovalRequest request, ReplySink sink) throws InterruptedException;
    }

    private final ObjectMapper mapper;
    private final McpJsonMapper json;
    private final Approver approver;
    private final Path workspace;
    private final Duration timeout;

    OpenpistaServer(ObjectMapper mapper, McpJsonMapper json, Approver approver, Path workspace, Duration timeout) {
        this.mapper = mapper;
        this.json = json;
        this.approver = approver;
        this.workspace = workspace;
        this.timeout = timeout;
    }

    /** @return a running server over the transport, offering these tools */
    McpSyncServer start(McpServerTransportProvider transport, List<Tool> tools) {
        List<McpServerFeatures.SyncToolSpecification> specs = served(tools).stream()
                .map(tool -> new McpServerFeatures.SyncToolSpecification(describe(tool), (exchange, request) -> call(tool,
                        clientName(exchange), new ClientSink(exchange), request))).toList();
        return McpServer.sync(transport).jsonMapper(json).serverInfo("openpista", "0.1").instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build()).tools(specs).build();
    }

    /**
     * @return a running server over a stateless transport (streamable HTTP without sessions), which
     *     cannot ask the client's user: under {@code ask} its calls are refused with the reason
     */
    McpStatelessSyncServer startStateless(McpStatelessServerTransport transport, List<Tool> tools) {
        List<McpStatelessServerFeatures.SyncToolSpecification> specs = served(tools).stream()
                .map(tool -> new McpStatelessServerFeatures.SyncToolSpecification(describe(tool), (context, request) -> call(tool,
                        "http", STATELESS, request))).toList();
        return McpServer.sync(transport).jsonMapper(json).serverInfo("openpista", "0.1").instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build()).tools(specs).build();
    }

    private static final String INSTRUCTIONS = "openpista's tools and skills; each call is approved by openpista's owner.";

    /** Over stateless HTTP nobody can be asked. */
    private static final ReplySink STATELESS = new ReplySink() {
        @Override
        public void reply(AgentReply reply) {
            // a served tool call has no turn to answer
        }

        @Override
        public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("over HTTP openpista cannot ask the"
                    + " client's user; [channels.mcp] approval = \"auto\" runs served tools unasked"));
        }
    };

    private static List<Tool> served(List<Tool> tools) {
        return tools.stream().filter(tool -> !tool.spec().name().startsWith("mcp.")).toList();
    }

    private static String clientName(McpSyncServerExchange exchange) {
        return exchange.getClientInfo() == null ? "client" : exchange.getClientInfo().name();
    }

    private McpSchema.Tool describe(Tool tool) {
        Map<String, Object> schema;
        try {
            schema = mapper.readValue(tool.spec().parametersSchema(), new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            schema = Map.of("type", "object");
        }
        return McpSchema.Tool.builder(tool.spec().name(), schema).description(tool.spec().description()).build();
    }

    private McpSchema.CallToolResult call(Tool tool, String client, ReplySink sink, McpSchema.CallToolRequest request) {
        String arguments;
        try {
            arguments = mapper.writeValueAsString(request.arguments() == null ? Map.of() : request.arguments());
        } catch (JsonProcessingException e) {
            return error("the arguments cannot be read: " + e.getOriginalMessage());
        }
        ToolCall call = new ToolCall("mcp-" + UUID.randomUUID(), tool.spec().name(), arguments);
        String session = CHANNEL + ":" + client;
        ApprovalOutcome outcome;
        try {
            outcome = approver.decide(new ApprovalRequest(session, CHANNEL, call), sink);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error("not run: interrupted while waiting for approval");
        }
        if (!outcome.allowed()) {
            return error("not run: " + outcome.reason());
        }
        ToolContext context = new ToolContext(session, CHANNEL, workspace, Instant.now().plus(timeout), Cancellation.none(),
                question -> sink.requestApproval(new ApprovalRequest(session, CHANNEL, question)));
        ToolResult result;
        try {
            result = tool.execute(call, context);
        } catch (Exception e) {
            return error("the tool failed: " + ServerConnection.reason(e));
        }
        McpSchema.CallToolResult.Builder answer = McpSchema.CallToolResult.builder().addTextContent(result.content())
                .isError(result.error());
        result.attachments().forEach(attachment -> {
            if (attachment.mimeType().startsWith("image/")) {
                answer.addContent(McpSchema.ImageContent.builder(java.util.Base64.getEncoder().encodeToString(attachment.data()),
                        attachment.mimeType()).build());
            }
        });
        return answer.build();
    }

    private static McpSchema.CallToolResult error(String text) {
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(true).build();
    }

    /** The approval question, put to the client's user through elicitation. */
    private final class ClientSink implements ReplySink {

        private final McpSyncServerExchange exchange;

        ClientSink(McpSyncServerExchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public void reply(AgentReply reply) {
            // a served tool call has no turn to answer
        }

        @Override
        public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
            McpSchema.ClientCapabilities capabilities = exchange.getClientCapabilities();
            if (capabilities == null || capabilities.elicitation() == null) {
                return CompletableFuture.failedFuture(new UnsupportedOperationException("the MCP client cannot ask its user"
                        + " (it does not support elicitation); [channels.mcp] approval = \"auto\" runs served tools unasked"));
            }
            Map<String, Object> schema = new LinkedHashMap<>();
            schema.put("type", "object");
            schema.put("properties", Map.of());
            try {
                McpSchema.ElicitResult answer = exchange.createElicitation(McpSchema.ElicitFormRequest.builder(
                        "openpista asks: may " + request.call().name() + " run with " + request.call().arguments() + "?",
                        schema).build());
                return CompletableFuture.completedFuture(answer.action() == McpSchema.ElicitResult.Action.ACCEPT
                        ? ApprovalDecision.APPROVE : ApprovalDecision.REJECT);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
    }
}
