package org.openpista.mcp.internal;

import java.util.List;
import java.util.Locale;
import org.openpista.api.pairing.ConnectionStatus;
import org.openpista.api.pairing.ConnectionStatusProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The configured MCP servers for the web UI's Connections dialog: what {@code openpista mcp list}
 * shows, each server's state, the tools the model gets from it and the end of its stderr.
 */
@Component(service = ConnectionStatusProvider.class)
public final class McpConnectionStatus implements ConnectionStatusProvider {

    /** The heading of the servers in the dialog. */
    static final String GROUP = "MCP servers";

    private final McpServers servers;

    @Activate
    public McpConnectionStatus(@Reference McpServers servers) {
        this.servers = servers;
    }

    @Override
    public List<ConnectionStatus> connections() {
        return servers.status().stream().map(McpConnectionStatus::describe).toList();
    }

    static ConnectionStatus describe(ServerStatus server) {
        ConnectionStatus.State state = switch (server.state()) {
            case "connected" -> ConnectionStatus.State.CONNECTED;
            case "starting" -> ConnectionStatus.State.STARTING;
            case "failed" -> ConnectionStatus.State.FAILED;
            case "disabled" -> ConnectionStatus.State.DISABLED;
            case "idle" -> ConnectionStatus.State.IDLE;
            default -> ConnectionStatus.State.valueOf(server.state().toUpperCase(Locale.ROOT));
        };
        String detail = server.detail().isEmpty() ? server.target() : server.detail();
        if (server.restarts() > 0) {
            detail += " (restarted " + server.restarts() + (server.restarts() == 1 ? " time)" : " times)");
        }
        return new ConnectionStatus(GROUP, server.name(), state, detail, server.since(),
                server.connected() ? server.offered() : List.of(), server.stderr());
    }
}
