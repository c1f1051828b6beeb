package org.openpista.mcp.internal;

import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/** One tool of a connected MCP server, as the tool {@code mcp.<server>.<tool>}; calls go to the server. */
final class McpTool implements Tool {

    /** How a call reaches the server. */
    @FunctionalInterface
    interface Caller {
        ToolResult call(String tool, String arguments, ToolContext context);
    }

    private final String tool;
    private final ToolSpec spec;
    private final Caller caller;

    McpTool(String tool, ToolSpec spec, Caller caller) {
        this.tool = tool;
        this.spec = spec;
        this.caller = caller;
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    /** @return the tool's name on its server */
    String remoteName() {
        return tool;
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) {
        return caller.call(tool, call.arguments(), context);
    }
}
