package org.openpista.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openpista.api.pairing.ConnectionStatus;
import org.openpista.api.pairing.ConnectionStatus.State;

class McpConnectionStatusTest {

    static final Instant SINCE = Instant.parse("2026-01-02T03:04:05Z");

    static ServerStatus server(String name, String state, String detail, int restarts, List<String> offered,
            List<String> stderr) {
        return new ServerStatus(name, "node server.js", state, detail, SINCE, restarts,
                offered.stream().map(tool -> tool.substring(tool.lastIndexOf('.') + 1)).toList(), offered, List.of(),
                List.of(), stderr);
    }

    @Test
    void aConnectedServerOffersTheToolsTheModelGets() {
        ConnectionStatus status = McpConnectionStatus.describe(server("files", "connected", "everything 1.0", 0,
                List.of("mcp.files.echo", "mcp.files.get-sum"), List.of("starting up")));

        assertThat(status.group()).isEqualTo("MCP servers");
        assertThat(status.name()).isEqualTo("files");
        assertThat(status.state()).isEqualTo(State.CONNECTED);
        assertThat(status.detail()).isEqualTo("everything 1.0");
        assertThat(status.since()).isEqualTo(SINCE);
        assertThat(status.offers()).containsExactly("mcp.files.echo", "mcp.files.get-sum");
    }

    @Test
    void aFailedServerSaysWhyAndWhatItWroteToStderr() {
        ConnectionStatus status = McpConnectionStatus.describe(server("broken", "failed", "the process ended with 3", 2,
                List.of(), List.of("Error: cannot find module", "exit 3")));

        assertThat(status.state()).isEqualTo(State.FAILED);
        assertThat(status.detail()).isEqualTo("the process ended with 3 (restarted 2 times)");
        assertThat(status.offers()).isEmpty();
        assertThat(status.logTail()).containsExactly("Error: cannot find module", "exit 3");
    }

    @Test
    void everyStateOfAServerHasAConnectionState() {
        assertThat(List.of("idle", "starting", "connected", "failed", "disabled", "stopped").stream()
                .map(state -> McpConnectionStatus.describe(server("s", state, "", 0, List.of(), List.of())).state()))
                .containsExactly(State.IDLE, State.STARTING, State.CONNECTED, State.FAILED, State.DISABLED, State.STOPPED);
    }

    @Test
    void withoutADetailTheTargetIsShown() {
        assertThat(McpConnectionStatus.describe(server("s", "disabled", "", 0, List.of(), List.of())).detail())
                .isEqualTo("node server.js");
    }

    @Test
    void theProviderListsEveryConfiguredServer() {
        McpServers servers = new McpServers() {
            @Override
            public List<ServerStatus> status() {
                return List.of(server("a", "connected", "", 0, List.of("mcp.a.echo"), List.of()),
                        server("b", "failed", "boom", 0, List.of(), List.of("boom")));
            }

            @Override
            public void connectAll() {}

            @Override
            public void connectAndWait() {}

            @Override
            public java.util.Optional<ServerConnection> connection(String name) {
                return java.util.Optional.empty();
            }
        };
        assertThat(new McpConnectionStatus(servers).connections()).extracting(ConnectionStatus::name, ConnectionStatus::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", State.CONNECTED),
                        org.assertj.core.groups.Tuple.tuple("b", State.FAILED));
    }
}
