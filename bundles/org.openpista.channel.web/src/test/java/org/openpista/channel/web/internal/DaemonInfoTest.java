package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.llm.Usage;
import org.openpista.api.memory.StoreException;
import org.openpista.api.pairing.ConnectionStatus;
import org.openpista.api.pairing.ConnectionStatus.State;
import org.openpista.api.usage.UsageSummary;

/**
 * The {@code connections_request}, {@code usage_request} and {@code status_request} extensions
 * over a real WebSocket, with the services the chat reads them from set by the test.
 */
class DaemonInfoTest {

    static final Instant SINCE = Instant.parse("2025-01-02T03:04:05Z");

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    @Test
    void theConnectionsOfEveryProviderAreListedWithTheirToolsAndTheEndOfTheirErrorOutput() throws Exception {
        List<String> longLog = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            longLog.add("line " + i);
        }
        server.chat.connectionStatus = List.of(
                () -> List.of(new ConnectionStatus("MCP servers", "everything", State.CONNECTED, "mcp-servers/everything 2.0",
                        SINCE, List.of("mcp.everything.echo", "mcp.everything.get-sum"), List.of()),
                        new ConnectionStatus("MCP servers", "broken", State.FAILED, "the process ended with 1", null,
                                List.of(), longLog)),
                () -> {
                    throw new IllegalStateException("the provider is going away");
                },
                () -> List.of(new ConnectionStatus("Bots", "telegram", State.DISABLED, "", null, null, null)));

        try (WsClient client = server.client("ada")) {
            client.frame("connections_request");
            JsonNode frame = client.next("connections_status");

            JsonNode connections = frame.path("connections");
            assertThat(connections).hasSize(3);
            JsonNode everything = connections.get(0);
            assertThat(everything.path("group").asText()).isEqualTo("MCP servers");
            assertThat(everything.path("name").asText()).isEqualTo("everything");
            assertThat(everything.path("state").asText()).isEqualTo("connected");
            assertThat(everything.path("detail").asText()).isEqualTo("mcp-servers/everything 2.0");
            assertThat(everything.path("since").asText()).isEqualTo("2025-01-02T03:04:05Z");
            assertThat(texts(everything.path("offers"))).containsExactly("mcp.everything.echo", "mcp.everything.get-sum");
            JsonNode broken = connections.get(1);
            assertThat(broken.path("state").asText()).isEqualTo("failed");
            assertThat(broken.has("since")).isFalse();
            assertThat(texts(broken.path("log_tail"))).hasSize(DaemonInfo.MAX_LOG_LINES).startsWith("line 11").endsWith("line 30");
            assertThat(connections.get(2).path("state").asText()).isEqualTo("disabled");
        }
    }

    @Test
    void withoutProvidersTheListIsEmpty() throws Exception {
        try (WsClient client = server.client("ada")) {
            client.frame("connections_request");
            assertThat(client.next("connections_status").path("connections")).isEmpty();
        }
    }

    @Test
    void usageIsSummedForTheSessionAndTheLastSevenDays() throws Exception {
        List<String> asked = new ArrayList<>();
        server.chat.usageSummaries = (since, sessionId) -> {
            asked.add(since + " " + sessionId);
            return sessionId == null
                    ? new UsageSummary(since, null, 5, 3, new Usage(4000, 500, 1000, 200), 0.0125, List.of("local-llm"))
                    : new UsageSummary(since, sessionId, 2, 1, new Usage(120, 45), 0, List.of());
        };

        try (WsClient client = server.client("ada")) {
            String session = "web:ada";
            client.frame("usage_request");
            JsonNode frame = client.next("usage");

            assertThat(frame.path("session_id").asText()).isEqualTo(session);
            JsonNode mine = frame.path("session");
            assertThat(mine.path("input_tokens").asLong()).isEqualTo(120);
            assertThat(mine.path("output_tokens").asLong()).isEqualTo(45);
            assertThat(mine.path("requests").asLong()).isEqualTo(2);
            assertThat(mine.path("since").asText()).isEqualTo("1970-01-01T00:00:00Z");
            JsonNode recent = frame.path("recent");
            assertThat(recent.path("cache_read_tokens").asLong()).isEqualTo(1000);
            assertThat(recent.path("cache_write_tokens").asLong()).isEqualTo(200);
            assertThat(recent.path("cache_hit_rate").asDouble()).isEqualTo(0.25);
            assertThat(recent.path("cost_usd").asDouble()).isEqualTo(0.0125);
            assertThat(recent.path("turns").asLong()).isEqualTo(3);
            assertThat(texts(recent.path("unpriced_models"))).containsExactly("local-llm");
            assertThat(Instant.parse(recent.path("since").asText())).isEqualTo(server.clock.instant().minus(DaemonInfo.RECENT));
            assertThat(asked).contains("1970-01-01T00:00:00Z " + session);
        }
    }

    @Test
    void withoutTheUsageServiceUsageIsNotAvailableAndTheChatGoesOn() throws Exception {
        try (WsClient client = server.client("ada")) {
            client.frame("usage_request");
            JsonNode error = client.next("error");
            assertThat(error.path("code").asText()).isEqualTo("unavailable");
            assertThat(error.path("in_reply_to").asText()).isEqualTo("usage_request");
            assertThat(error.path("error").asText()).startsWith("usage is not available");

            server.chat.usageSummaries = (since, sessionId) -> {
                throw new StoreException("the database is locked", null);
            };
            client.frame("usage_request");
            assertThat(client.next("error").path("error").asText()).isEqualTo("usage is not available: the database is locked");

            client.frame("ping");
            assertThat(client.next("pong").path("type").asText()).isEqualTo("pong");
        }
    }

    @Test
    void theStatusListsTheDaemonTheModelAndEveryBundleWithItsVersionAndState() throws Exception {
        Instant started = server.clock.instant().minusSeconds(90);
        server.chat.daemonControl = new DaemonControl() {
            @Override
            public long pid() {
                return 42;
            }

            @Override
            public Instant startedAt() {
                return started;
            }

            @Override
            public Path home() {
                return Path.of("/home/owner/.openpista");
            }

            @Override
            public List<String> features() {
                return List.of("core", "web", "mcp");
            }

            @Override
            public boolean foreground() {
                return false;
            }

            @Override
            public void requestStop(String reason) {}

            @Override
            public boolean runsChannel(String channel, boolean enabled) {
                return enabled;
            }
        };
        server.chat.bundleRows = () -> List.of(new DaemonInfo.BundleRow(0, "org.apache.felix.framework", "7.0.5", "active"),
                new DaemonInfo.BundleRow(12, "org.openpista.mcp", "0.2.0.SNAPSHOT", "resolved"));

        try (WsClient client = server.client("ada")) {
            client.frame("status_request");
            JsonNode frame = client.next("status");

            assertThat(frame.path("uptime_secs").asLong()).isEqualTo(90);
            assertThat(texts(frame.path("features"))).containsExactly("core", "web", "mcp");
            assertThat(frame.has("pid")).as("nothing about the machine beyond what the panel shows").isFalse();
            JsonNode bundles = frame.path("bundles");
            assertThat(bundles).hasSize(2);
            assertThat(bundles.get(1).path("id").asLong()).isEqualTo(12);
            assertThat(bundles.get(1).path("name").asText()).isEqualTo("org.openpista.mcp");
            assertThat(bundles.get(1).path("version").asText()).isEqualTo("0.2.0.SNAPSHOT");
            assertThat(bundles.get(1).path("state").asText()).isEqualTo("resolved");
        }
    }
}
