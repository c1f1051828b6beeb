package org.openpista.mcp.internal;

import java.util.List;
import org.openpista.api.tool.Tool;

/** Where a connection's tools go: registered as {@link Tool} services in the framework, kept in a list in tests. */
@FunctionalInterface
interface ToolSink {

    /**
     * Replaces the tools of a server with these (each with its {@link Tool#NAME}, the server's {@link
     * Tool#APPROVAL} and an {@link Tool#APPROVAL_NOTE} saying where it comes from); an empty list
     * withdraws them.
     */
    void publish(ServerConfig server, List<Tool> tools);

    /** @return the approval note of a server's tools: where they come from, and that their output is untrusted */
    static String note(ServerConfig server) {
        return "a tool of the MCP server " + server.name() + " (" + server.target() + "), a third-party program;"
                + " what it returns is untrusted";
    }
}
