package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openpista.channel.web.internal.SecurityTest.status;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openpista.channel.support.Lockout;

/**
 * The login lockout (issue #13, item 7): what strangers and local processes can and cannot do to
 * the owner's logins, over real HTTP and WebSocket connections (the rules themselves are tested
 * where {@link Lockout} lives, in org.openpista.channel.support).
 */
class LockoutTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    String authBody(String token) {
        return Frames.text(Frames.JSON.createObjectNode().put("token", token).put("client_id", "x"));
    }

    int postAuth(String token) throws Exception {
        return server.post("/auth", authBody(token), Map.of()).statusCode();
    }

    void fail(int times) throws Exception {
        for (int i = 0; i < times; i++) {
            assertThat(postAuth("guess-" + i)).isEqualTo(401);
        }
    }

    @Nested
    class OverHttp {

        @Test
        void tenFailuresLockTheSourceForHalfAMinuteEvenWithTheRightToken() throws Exception {
            fail(10);
            HttpResponse<String> locked = server.post("/auth", authBody(TestServer.TOKEN), Map.of());
            assertThat(locked.statusCode()).as("even the right token").isEqualTo(429);
            assertThat(locked.headers().firstValue("Retry-After")).hasValue("30");
            assertThat(status(server.rawUpgrade("/ws?token=" + TestServer.TOKEN, Map.of()))).isEqualTo(429);
            server.clock.advance(Duration.ofSeconds(29));
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(429);
            server.clock.advance(Duration.ofSeconds(2));
            assertThat(postAuth(TestServer.TOKEN)).as("10 requests cost the owner 30 s, not minutes").isEqualTo(200);
        }

        @Test
        void locksGrowWhileTheFailuresGoOn() throws Exception {
            fail(10);
            server.clock.advance(Duration.ofSeconds(31));
            fail(10);
            assertThat(server.post("/auth", authBody(TestServer.TOKEN), Map.of()).headers().firstValue("Retry-After"))
                    .hasValue("60");
            server.clock.advance(Duration.ofSeconds(61));
            fail(10);
            assertThat(server.post("/auth", authBody(TestServer.TOKEN), Map.of()).headers().firstValue("Retry-After"))
                    .hasValue("120");
        }

        @Test
        void rotatingLoopbackAddressesDoesNotDodgeTheLockout() throws Exception {
            // the attack of the issue: guesses from ever new addresses of 127/8
            for (int i = 2; i < 12; i++) {
                String head = server.rawPost("/auth", authBody("guess-" + i), InetAddress.getByName("127.0.0." + i));
                assertThat(status(head)).isEqualTo(401);
            }
            String fresh = server.rawPost("/auth", authBody("guess"), InetAddress.getByName("127.3.2.1"));
            assertThat(status(fresh)).as("a new loopback address is the same source").isEqualTo(429);
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(429);
        }

        @Test
        void aBrowserThatLoggedInBeforeKeepsWorkingDuringALockout() throws Exception {
            String sessionToken = Frames.JSON.readTree(server.post("/auth", authBody(TestServer.TOKEN), Map.of()).body())
                    .path("session_token").asText();
            fail(10);
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(429);
            try (WsClient client = WsClient.connect(server.ws(Map.of("session_token", sessionToken, "client_id", "x")))) {
                assertThat(client.handshake().path("success").asBoolean()).isTrue();
            }
            assertThat(status(server.rawUpgrade("/ws?session_token=" + "ab".repeat(32), Map.of())))
                    .as("a wrong session token during the lock").isEqualTo(429);
        }

        @Test
        void staleSessionTokensDoNotCountTowardsTheLockout() throws Exception {
            // after a restart every tab comes back with a session token the server no longer knows
            for (int i = 0; i < 15; i++) {
                assertThat(status(server.rawUpgrade("/ws?session_token=" + "cd".repeat(32), Map.of()))).isEqualTo(401);
            }
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(200);
        }

        @Test
        void failedUpgradesAndAuthFramesCountToo() throws Exception {
            for (int i = 0; i < 5; i++) {
                assertThat(status(server.rawUpgrade("/ws?token=guess", Map.of()))).isEqualTo(401);
            }
            try (WsClient client = server.client("c")) {
                for (int i = 0; i < 5; i++) {
                    client.frame("auth", "token", "guess");
                    assertThat(client.next("auth_result").path("success").asBoolean()).isFalse();
                }
                client.frame("auth", "token", TestServer.TOKEN);
                JsonNode locked = client.next("auth_result");
                assertThat(locked.path("success").asBoolean()).isFalse();
                assertThat(locked.path("error").asText()).contains("Too many failed attempts");
                assertThat(client.awaitClose()).isEqualTo(1008);
            }
            assertThat(status(server.rawUpgrade("/ws?token=" + TestServer.TOKEN, Map.of()))).isEqualTo(429);
        }

        @Test
        void theOwnerUnlocksFromTheTerminal() throws Exception {
            fail(10);
            WebCommands commands = new WebCommands();
            commands.chat = server.chat;
            assertThat(commands.web()).contains("lockouts: loopback for 30 s").contains("failed logins in the last 10 min: 10");
            assertThat(commands.web("unlock")).isEqualTo("Lifted the lockout of loopback; forgot 10 failed logins.\n");
            assertThat(postAuth(TestServer.TOKEN)).isEqualTo(200);
            assertThat(commands.web("status")).contains("lockouts: none").contains("failed logins in the last 10 min: 0");
            assertThat(commands.web("unlock")).isEqualTo("No login was locked; forgot 0 failed logins.\n");
            assertThatThrownBy(() -> commands.web("open")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("openpista:web [status | unlock]");
            commands.chat = null;
            assertThatThrownBy(() -> commands.web("unlock")).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the web chat does not serve in this daemon (not running); nothing is locked");
        }
    }
}
