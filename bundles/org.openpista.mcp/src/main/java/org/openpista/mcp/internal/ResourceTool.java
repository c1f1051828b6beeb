package org.openpista.mcp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/** {@code mcp.<server>.read_resource}: reads one of a server's resources by URI; its description lists the URIs. */
final class ResourceTool implements Tool {

    private static final int LISTED = 30;

    private final String server;
    private final ToolSpec spec;
    private final Supplier<McpAsyncClient> client;
    private final ObjectMapper mapper;
    private final Duration timeout;

    ResourceTool(String server, List<String> uris, Supplier<McpAsyncClient> client, ObjectMapper mapper, Duration timeout) {
        this.server = server;
        this.client = client;
        this.mapper = mapper;
        this.timeout = timeout;
        String listed = uris.isEmpty() ? " (it lists none; resource templates may still work)"
                : ": " + String.join(", ", uris.subList(0, Math.min(LISTED, uris.size())))
                        + (uris.size() > LISTED ? " and " + (uris.size() - LISTED) + " more" : "");
        this.spec = new ToolSpec(name(server), "[MCP server " + server + "] Reads a resource of the server by its URI" + listed,
                "{\"type\":\"object\",\"properties\":{\"uri\":{\"type\":\"string\",\"description\":\"the resource URI\"}},"
                        + "\"required\":[\"uri\"]}");
    }

    static String name(String server) {
        return "mcp." + server + ".read_resource";
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) throws Exception {
        JsonNode uri = mapper.readTree(call.arguments()).path("uri");
        if (!uri.isTextual() || uri.textValue().isBlank()) {
            return ToolResult.error("uri is required");
        }
        McpAsyncClient connected = client.get();
        if (connected == null) {
            return ToolResult.error("the MCP server " + server + " is not connected");
        }
        McpSchema.ReadResourceResult result = connected.readResource(McpSchema.ReadResourceRequest.builder(uri.textValue()).build())
                .block(timeout);
        return result == null ? ToolResult.error("no answer") : ToolResult.ok(Results.contents(result.contents()));
    }
}
