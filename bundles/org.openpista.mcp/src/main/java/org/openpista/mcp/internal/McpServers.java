package org.openpista.mcp.internal;

import java.util.List;
import java.util.Optional;

/** The configured MCP servers of this process, for the commands; registered by {@link McpClientsComponent}. */
interface McpServers {

    /** @return every configured server, sorted by name, without starting any */
    List<ServerStatus> status();

    /** Connects the servers not started yet, in the background. */
    void connectAll();

    /**
     * Connects the servers not started yet and waits until each is connected or has failed, at most its
     * {@code startup_timeout_secs}.
     */
    void connectAndWait();

    /** @return a configured server's connection */
    Optional<ServerConnection> connection(String name);
}
