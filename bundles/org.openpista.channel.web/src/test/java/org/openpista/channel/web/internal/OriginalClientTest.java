package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The browser client of the original openpista on its first visit (issue #14, item 1): its storage
 * is empty, so it sends {@code "client_id": ""} and expects the server to assign one, which it
 * stores and uses from then on.
 */
class OriginalClientTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** The client's localStorage: empty on the first visit. */
    final Map<String, String> storage = new HashMap<>();

    @Test
    void aClientWithEmptyStorageLogsInGetsAnIdAndKeepsIt() throws Exception {
        String clientId = storage.getOrDefault("client_id", "");
        HttpResponse<String> login = server.post("/auth", Frames.text(Frames.JSON.createObjectNode()
                .put("token", TestServer.TOKEN).put("client_id", clientId)), Map.of());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        JsonNode body = Frames.JSON.readTree(login.body());
        assertThat(body.path("success").asBoolean()).isTrue();
        assertThat(body.path("client_id").asText()).as("assigned by the server").matches("[0-9a-f-]{36}");
        storage.put("client_id", body.path("client_id").asText());

        try (WsClient client = WsClient.connect(server.ws(Map.of("session_token", body.path("session_token").asText(),
                "client_id", storage.get("client_id"))))) {
            JsonNode auth = client.handshake();
            assertThat(auth.path("client_id").asText()).isEqualTo(storage.get("client_id"));
            assertThat(auth.path("session_id").asText()).isEqualTo("web:" + storage.get("client_id"));
            client.frame("message", "content", "hello");
            assertThat(client.next("response").path("content").asText()).isEqualTo("echo: hello");
        }
        assertThat(server.gateway.turns.get(0).message.conversationKey()).isEqualTo("web:" + storage.get("client_id"));
    }

    @Test
    void anEmptyClientIdInTheSocketQueryIsAMissingOne() throws Exception {
        try (WsClient client = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN, "client_id", "")))) {
            JsonNode auth = client.handshake();
            assertThat(auth.path("success").asBoolean()).isTrue();
            assertThat(auth.path("client_id").asText()).matches("[0-9a-f-]{36}");
        }
        String sessionToken = Frames.JSON.readTree(server.post("/auth", Frames.text(Frames.JSON.createObjectNode()
                .put("token", TestServer.TOKEN).put("client_id", "ada")), Map.of()).body()).path("session_token").asText();
        try (WsClient client = WsClient.connect(server.ws(Map.of("session_token", sessionToken, "client_id", "")))) {
            assertThat(client.handshake().path("client_id").asText()).as("the client the token was issued to")
                    .isEqualTo("ada");
        }
    }

    @Test
    void aClientIdOfTheWrongTypeIsStillRefused() throws Exception {
        assertThat(server.post("/auth", "{\"token\":\"" + TestServer.TOKEN + "\",\"client_id\":5}", Map.of()).statusCode())
                .isEqualTo(400);
        assertThat(server.post("/auth", "{\"token\":\"" + TestServer.TOKEN + "\",\"client_id\":\"" + "x".repeat(201) + "\"}",
                Map.of()).statusCode()).isEqualTo(400);
    }
}
