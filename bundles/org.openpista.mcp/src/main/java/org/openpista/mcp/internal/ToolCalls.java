package org.openpista.mcp.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/**
 * Calls of one server's tools: the spec the model reads, the call with the server's {@code
 * tool_timeout_secs} (or the turn's deadline, whichever comes first) and the turn's cancellation,
 * and the calls running now, so that a server's elicitation or sampling request reaches the owner
 * of the turn that caused it.
 */
final class ToolCalls {

    private final ServerConfig config;
    private final ObjectMapper mapper;
    private final Supplier<McpAsyncClient> client;
    private final Supplier<String> unavailable;
    private final Deque<ToolContext> running = new ConcurrentLinkedDeque<>();

    ToolCalls(ServerConfig config, ObjectMapper mapper, Supplier<McpAsyncClient> client, Supplier<String> unavailable) {
        this.config = config;
        this.mapper = mapper;
        this.client = client;
        this.unavailable = unavailable;
    }

    /** @return the spec of a server's tool as the model sees it */
    ToolSpec spec(McpSchema.Tool tool) {
        String description = tool.description() == null || tool.description().isBlank()
                ? (tool.title() == null ? tool.name() : tool.title()) : tool.description();
        String schema;
        try {
            schema = tool.inputSchema() == null ? null : mapper.writeValueAsString(tool.inputSchema());
        } catch (JsonProcessingException e) {
            schema = null;
        }
        return new ToolSpec(ToolFilter.toolName(config.name(), tool.name()),
                "[MCP server " + config.name() + "] " + description, schema);
    }

    /** @return the context of the most recent call still running, or {@code null} */
    ToolContext current() {
        return running.peekLast();
    }

    ToolResult call(String tool, String arguments, ToolContext context) {
        String why = unavailable.get();
        McpAsyncClient connected = client.get();
        if (!why.isEmpty() || connected == null) {
            return ToolResult.error(why.isEmpty() ? "the MCP server " + config.name() + " is not connected" : why);
        }
        Map<String, Object> args;
        try {
            args = mapper.readValue(arguments, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            return ToolResult.error("the arguments are not a JSON object: " + e.getOriginalMessage());
        }
        Duration timeout = context.remaining().compareTo(config.toolTimeout()) < 0 ? context.remaining() : config.toolTimeout();
        // known as running before the request goes out: the server may ask its owner a question
        // (elicitation) before this thread gets past sending it
        running.addLast(context);
        CompletableFuture<McpSchema.CallToolResult> result;
        try {
            result = connected.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args == null ? Map.of() : args)
                    .build()).toFuture();
        } catch (RuntimeException e) {
            running.remove(context);
            throw e;
        }
        Cancellation.Registration cancelled = context.cancellation().onCancel(() -> result.cancel(true));
        try {
            return Results.of(result.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS), mapper);
        } catch (TimeoutException e) {
            result.cancel(true);
            return ToolResult.error("the MCP server " + config.name() + " did not answer " + tool + " within "
                    + timeout.toSeconds() + " s (tool_timeout_secs)");
        } catch (CancellationException e) {
            return ToolResult.error("cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.cancel(true);
            return ToolResult.error("interrupted");
        } catch (ExecutionException e) {
            return ToolResult.error("the MCP server " + config.name() + " failed: " + ServerConnection.reason(e.getCause()));
        } finally {
            running.remove(context);
            cancelled.close();
        }
    }
}
