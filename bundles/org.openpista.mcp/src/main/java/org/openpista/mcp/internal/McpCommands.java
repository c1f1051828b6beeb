package org.openpista.mcp.internal;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** The Gogo command {@code openpista:mcp}: the configured MCP servers, their state, tools and the end of their stderr. */
@Component(service = McpCommands.class, property = {"osgi.command.scope=openpista", "osgi.command.function=mcp"})
public final class McpCommands {

    private final McpServers servers;

    @Activate
    public McpCommands(@Reference McpServers servers) {
        this.servers = servers;
    }

    @Descriptor("list the MCP servers: name, state, tools offered, why one is unavailable and the end of its stderr")
    public String mcp() {
        return StatusText.table(servers.status());
    }

    @Descriptor("one MCP server in detail: state, tools, resources, prompts, the end of its stderr")
    public String mcp(@Descriptor("the server's name") String name) {
        return servers.status().stream().filter(server -> server.name().equals(name)).findFirst().map(StatusText::detail)
                .orElseThrow(() -> new IllegalArgumentException("no MCP server " + name + " is configured"));
    }
}
