package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Attachment;
import org.openpista.api.feed.SessionEvent;
import org.openpista.api.feed.SessionEvent.Kind;

/**
 * Turns of other channels appear live on the connections of their session, as the frames a web
 * turn uses; other sessions see nothing, and the web's own turns are not shown twice.
 */
class OtherChannelsTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    WsClient watching(String clientId, String sessionId) throws Exception {
        WsClient client = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN, "client_id", clientId,
                "session_id", sessionId)));
        client.handshake();
        return client;
    }

    static SessionEvent event(Kind kind, String session, String channel, String text) {
        return new SessionEvent(kind, session, channel, channel + ":42", text, false, List.of());
    }

    /** Asserts that nothing came before the answer to a ping. */
    static void nothingElse(WsClient client) throws InterruptedException {
        client.frame("ping");
        assertThat(client.next().path("type").asText()).isEqualTo("pong");
    }

    @Test
    void aTelegramTurnAppearsOnTheConnectionsOfItsSessionOnly() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        try (WsClient tui = watching("tui", "telegram:42"); WsClient tab = watching("tab", "telegram:42");
                WsClient other = watching("other", "web:other")) {
            server.chat.sessionEvent(new SessionEvent(Kind.MESSAGE, "telegram:42", "telegram", "telegram:42",
                    "hello from telegram", false, List.of(new Attachment("image/png", "photo.png", png))));
            server.chat.sessionEvent(event(Kind.TEXT_DELTA, "telegram:42", "telegram", "Hi "));
            server.chat.sessionEvent(event(Kind.TEXT_DELTA, "telegram:42", "telegram", "there"));
            server.chat.sessionEvent(event(Kind.ANSWER, "telegram:42", "telegram", "Hi there"));

            for (WsClient client : List.of(tui, tab)) {
                JsonNode message = client.next();
                assertThat(message.path("type").asText()).isEqualTo("user_message");
                assertThat(message.path("session_id").asText()).isEqualTo("telegram:42");
                assertThat(message.path("content").asText()).isEqualTo("hello from telegram");
                assertThat(message.path("channel").asText()).isEqualTo("telegram");
                assertThat(message.path("attachments").get(0).path("name").asText()).isEqualTo("photo.png");
                assertThat(client.next().path("content").asText()).isEqualTo("Hi ");
                JsonNode delta = client.next();
                assertThat(delta.path("type").asText()).isEqualTo("response_delta");
                assertThat(delta.path("content").asText()).isEqualTo("there");
                JsonNode answer = client.next();
                assertThat(answer.path("type").asText()).isEqualTo("response");
                assertThat(answer.path("content").asText()).isEqualTo("Hi there");
                assertThat(answer.path("is_error").asBoolean()).isFalse();
                assertThat(answer.path("session_id").asText()).isEqualTo("telegram:42");
                nothingElse(client);
            }
            nothingElse(other);
        }
    }

    @Test
    void aWebTurnIsShownOnceThoughTheAgentTellsItToo() throws Exception {
        try (WsClient ada = watching("ada", "notes"); WsClient secondTab = watching("ada2", "notes")) {
            ada.frame("message", "content", "from the web", "message_id", "m-1");
            assertThat(ada.next("response").path("content").asText()).isEqualTo("echo: from the web");
            assertThat(secondTab.next("user_message").path("content").asText()).isEqualTo("from the web");
            assertThat(secondTab.next("response").path("content").asText()).isEqualTo("echo: from the web");
            // what the agent core tells every listener of that turn
            server.chat.sessionEvent(event(Kind.MESSAGE, "notes", "web", "from the web"));
            server.chat.sessionEvent(event(Kind.TEXT_DELTA, "notes", "web", "echo"));
            server.chat.sessionEvent(event(Kind.ANSWER, "notes", "web", "echo: from the web"));
            nothingElse(ada);
            nothingElse(secondTab);
        }
    }

    @Test
    void aFailedTurnOfAnotherChannelIsAnErrorResponse() throws Exception {
        try (WsClient tui = watching("tui", "slack:C1")) {
            server.chat.sessionEvent(new SessionEvent(Kind.ANSWER, "slack:C1", "slack", "slack:C1", "the provider failed",
                    true, List.of()));
            JsonNode answer = tui.next("response");
            assertThat(answer.path("is_error").asBoolean()).isTrue();
            assertThat(answer.path("content").asText()).isEqualTo("the provider failed");
        }
    }
}
