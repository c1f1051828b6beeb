package org.openpista.channel.mobile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tech.kwik.core.impl.QuicClientConnectionImpl;

/**
 * A phone that moves to another network mid-conversation (issue #19): its packets come from a new
 * address. kwik's client can move a connection to a new local socket ({@code changeAddress()}, meant
 * for testing), but kwik's server does not migrate connections: it announces {@code
 * disable_active_migration} and drops every packet whose source is not the connection's first
 * address ({@code ClientAddressFilter}, in 0.10.8 and upstream since). So the connection is lost,
 * and the conversation is kept the way the phone app and {@code mobile connect} keep it: the device
 * connects again with its device id and continues its session. When kwik's server learns to migrate,
 * the first half of this test fails and says so.
 */
class MigrationTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aPhoneThatChangesNetworksContinuesItsConversationAfterConnectingAgain() throws Exception {
        // a short idle timeout (and handshake limit, so not too short on a loaded machine): the loss is noticed soon
        MobileClient phone = MobileClient.connect(server.uri(), "phone-1", Duration.ofSeconds(10));
        try {
            assertThat(answer(phone, "on the wifi")).isEqualTo("echo: on the wifi");

            QuicClientConnectionImpl quic = (QuicClientConnectionImpl) phone.quic;
            assertThat(quic.getLocalAddress()).as("the socket the connection started on").isNotNull();
            quic.changeAddress(); // a new socket on a new port: the server sees the same connection from elsewhere
            assertThat(quic.getLocalAddress()).as("the first socket is closed (kwik reports only that one)").isNull();

            long started = System.nanoTime();
            assertThatThrownBy(() -> answer(phone, "on mobile data")).as("kwik's server drops the moved packets")
                    .isInstanceOf(IOException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("noticed by the idle timeout, no hang")
                    .isLessThan(Duration.ofSeconds(45));
            assertThat(server.gateway.turns).as("the lost request never reached the agent").hasSize(1);
        } finally {
            phone.close();
        }

        MobileClient again = server.client("phone-1");
        assertThat(again.authOk().path("session_id").asText()).isEqualTo("mobile:phone-1");
        assertThat(answer(again, "on mobile data")).isEqualTo("echo: on mobile data");
        assertThat(server.gateway.turns).extracting(turn -> turn.sessionId).containsExactly("mobile:phone-1",
                "mobile:phone-1");
        JsonNode history = TestServer.request(again, Frames.frame("session_history_request")).get(0);
        assertThat(history.path("messages")).extracting(message -> message.path("content").asText())
                .containsExactly("on the wifi", "echo: on the wifi", "on mobile data", "echo: on mobile data");
    }

    static String answer(MobileClient client, String text) throws IOException {
        List<JsonNode> frames = TestServer.request(client, TestServer.message(text));
        return frames.get(frames.size() - 1).path("content").asText();
    }
}
