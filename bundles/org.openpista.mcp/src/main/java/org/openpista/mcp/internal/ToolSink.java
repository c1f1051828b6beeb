package org.openpista.mcp.internal;

import java.util.List;
import org.openpista.api.tool.Tool;

/** Where a connection's tools go: registered as {@link Tool} services in the framework, kept in a list in tests. */
@FunctionalInterface
interface ToolSink {

    /**
     * Replaces the tools of a server with these (each with its {@link Tool#NAME} and {@link
     * Tool#APPROVAL}); an empty list withdraws them.
     */
    void publish(String server, String approval, List<Tool> tools);
}
