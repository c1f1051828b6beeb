package org.openpista.mcp.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    final Path workspace = Path.of("/home/me/.openpista/workspace");

    @Test
    void theTablesPropertiesBecomeServersAndNothingElseDoes() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("component.name", "org.openpista.mcp.internal.McpClientsComponent");
        properties.put("service.pid", "org.openpista.mcp.servers");
        properties.put(".openpista.origin", "org.openpista.config");
        properties.put("files.command", "npx");
        properties.put("files.args", new String[] {"-y", "server-filesystem", "~/notes"});
        properties.put(".files.env", new String[] {"LOG_LEVEL=warn", "EMPTY="});
        properties.put("files.cwd", "notes");
        properties.put("remote.url", "https://example.com/mcp?x=1");
        properties.put(".remote.headers", new String[] {"Authorization=Bearer a=b"});
        properties.put("remote.approval", "AUTO");
        properties.put("remote.tool.timeout.secs", 5);
        properties.put("remote.include.tools", new String[] {"get-*"});

        Map<String, ServerConfig> servers = ServerConfig.parse(properties, workspace);

        assertThat(servers).containsOnlyKeys("files", "remote");
        ServerConfig files = servers.get("files");
        assertThat(files.args()).containsExactly("-y", "server-filesystem", "~/notes");
        assertThat(files.env()).containsExactly(Map.entry("LOG_LEVEL", "warn"), Map.entry("EMPTY", ""));
        assertThat(files.cwd()).isEqualTo(workspace.resolve("notes"));
        assertThat(files.approval()).isEqualTo("ask");
        assertThat(files.enabled()).isTrue();
        assertThat(files.remote()).isFalse();
        assertThat(files.target()).isEqualTo("npx -y server-filesystem ~/notes");
        ServerConfig remote = servers.get("remote");
        assertThat(remote.remote()).isTrue();
        assertThat(remote.headers()).containsExactly(Map.entry("Authorization", "Bearer a=b"));
        assertThat(remote.approval()).isEqualTo("auto");
        assertThat(remote.toolTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(remote.include()).containsExactly("get-*");
        assertThat(remote.problem()).isEmpty();
        // secrets never appear in what people are shown
        assertThat(remote.target()).doesNotContain("Bearer");
    }

    @Test
    void aTableWithNeitherOrBothIsAProblem() {
        assertThat(ServerConfig.of("x", Map.of("enabled", true), workspace).problem()).isEqualTo("neither command nor url is set");
        assertThat(ServerConfig.of("x", Map.of("command", "a", "url", "http://b"), workspace).problem())
                .startsWith("both command and url are set");
    }

    @Test
    void toolNamesAndPatterns() {
        ToolFilter filter = new ToolFilter(java.util.List.of("get-*", "echo"), java.util.List.of("get-env"));
        assertThat(filter.accepts("get-sum")).isTrue();
        assertThat(filter.accepts("echo")).isTrue();
        assertThat(filter.accepts("get-env")).isFalse();
        assertThat(filter.accepts("echo2")).isFalse();
        assertThat(new ToolFilter(java.util.List.of(), java.util.List.of()).accepts("anything")).isTrue();
        assertThat(ToolFilter.toolName("files", "read file/now")).isEqualTo("mcp.files.read_file_now");
        assertThat(ServerConnection.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(ServerConnection.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(ServerConnection.backoff(20)).isEqualTo(Duration.ofSeconds(60));
    }
}
