package org.openpista.channel.web.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.openpista.channel.support.MutableClock;

/** The security rules of the web channel, each checked over real HTTP and WebSocket connections. */
class SecurityTest {

    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new TestServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static int handshakeStatus(Runnable connect) {
        try {
            connect.run();
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException handshake) {
                return handshake.getResponse().statusCode();
            }
            throw e;
        }
        throw new AssertionError("the upgrade succeeded");
    }

    static int status(String head) {
        return Integer.parseInt(head.split(" ")[1]);
    }

    String authBody(String token, String clientId) {
        return Frames.text(Frames.JSON.createObjectNode().put("token", token).put("client_id", clientId));
    }

    @Nested
    class Credentials {

        @Test
        void anUpgradeWithoutCredentialsGets401AndNoSocket() throws Exception {
            assertThat(handshakeStatus(() -> WsClient.connect(server.ws(Map.of("client_id", "c"))))).isEqualTo(401);
            assertThat(status(server.rawUpgrade("/ws", Map.of()))).isEqualTo(401);
        }

        @Test
        void aWrongTokenGets401() {
            assertThat(handshakeStatus(() -> WsClient.connect(server.ws(Map.of("token", "guess"))))).isEqualTo(401);
        }

        @Test
        void theRawTokenOpensTheSocket() throws Exception {
            try (WsClient client = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN)))) {
                assertThat(client.handshake().path("success").asBoolean()).isTrue();
            }
        }

        @Test
        void postAuthTradesTheTokenForASessionTokenThatOpensTheSocket() throws Exception {
            HttpResponse<String> response = server.post("/auth", authBody(TestServer.TOKEN, "ada"), Map.of());
            assertThat(response.statusCode()).isEqualTo(200);
            JsonNode body = Frames.JSON.readTree(response.body());
            assertThat(body.path("success").asBoolean()).isTrue();
            assertThat(body.path("session_token").asText()).matches("[0-9a-f]{64}");
            assertThat(body.path("client_id").asText()).isEqualTo("ada");
            assertThat(Instant.parse(body.path("expires_at").asText())).isAfter(server.clock.instant());
            try (WsClient client = WsClient.connect(server.ws(Map.of("session_token", body.path("session_token").asText())))) {
                JsonNode auth = client.handshake();
                assertThat(auth.path("client_id").asText()).as("the client the token was issued to").isEqualTo("ada");
            }
        }

        @Test
        void postAuthWithoutClientIdAssignsOne() throws Exception {
            JsonNode body = Frames.JSON.readTree(server.post("/auth", "{\"token\":\"" + TestServer.TOKEN + "\"}", Map.of()).body());
            assertThat(body.path("client_id").asText()).matches("[0-9a-f-]{36}");
        }

        @Test
        void aWrongTokenAtPostAuthIsRefused() throws Exception {
            HttpResponse<String> response = server.post("/auth", authBody("wrong", "ada"), Map.of());
            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(Frames.JSON.readTree(response.body()))
                    .isEqualTo(Frames.JSON.readTree("{\"success\":false,\"error\":\"Invalid token\"}"));
        }

        @Test
        void aStaleSessionTokenGets401AndTheRawTokenStillWorks() throws Exception {
            String stale = "ab".repeat(32);
            assertThat(handshakeStatus(() -> WsClient.connect(server.ws(Map.of("session_token", stale))))).isEqualTo(401);
            try (WsClient client = WsClient.connect(server.ws(Map.of("session_token", stale, "token", TestServer.TOKEN)))) {
                assertThat(client.handshake().path("success").asBoolean()).isTrue();
            }
        }

        @Test
        void aSessionTokenExpiresAfterADay() throws Exception {
            String token = Frames.JSON.readTree(server.post("/auth", authBody(TestServer.TOKEN, "ada"), Map.of()).body())
                    .path("session_token").asText();
            server.clock.advance(Authenticator.SESSION_TOKEN_LIFETIME.plusSeconds(1));
            assertThat(handshakeStatus(() -> WsClient.connect(server.ws(Map.of("session_token", token))))).isEqualTo(401);
        }

        @Test
        void badRequestsToPostAuthAreRefusedWithoutCrashing() throws Exception {
            assertThat(server.post("/auth", "not json", Map.of()).statusCode()).isEqualTo(400);
            assertThat(server.post("/auth", "{\"token\":\"" + TestServer.TOKEN + "\",\"client_id\":5}", Map.of()).statusCode())
                    .isEqualTo(400);
            assertThat(server.postHeadOnly("/auth", 70 * 1024)).startsWith("HTTP/1.1 413 ");
            assertThat(server.get("/auth", Map.of()).statusCode()).isEqualTo(405);
        }
    }

    @Nested
    class Origins {

        @Test
        void aForeignOriginGets403BeforeTheUpgrade() throws Exception {
            String head = server.rawUpgrade("/ws?token=" + TestServer.TOKEN, Map.of("Origin", "http://evil.example"));
            assertThat(status(head)).isEqualTo(403);
            assertThat(head).doesNotContainIgnoringCase("Sec-WebSocket-Accept");
            assertThat(handshakeStatus(() -> WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN)),
                    Map.of("Origin", "http://evil.example")))).isEqualTo(403);
        }

        @Test
        void thePagesOwnOriginIsAllowed() throws Exception {
            try (WsClient client = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN)), Map.of("Origin", server.origin()))) {
                assertThat(client.handshake().path("success").asBoolean()).isTrue();
            }
        }

        @Test
        void configuredOriginsAreAllowedAndOthersNot() throws Exception {
            server.close();
            server = new TestServer(TestServer.settings(TestServer.TOKEN, List.of("https://chat.example.org/, http://b.example"),
                    Duration.ofSeconds(120), 1024 * 1024));
            try (WsClient client = WsClient.connect(server.ws(Map.of("token", TestServer.TOKEN)),
                    Map.of("Origin", "https://chat.example.org"))) {
                assertThat(client.handshake().path("success").asBoolean()).isTrue();
            }
            assertThat(status(server.rawUpgrade("/ws?token=" + TestServer.TOKEN, Map.of("Origin", "http://b.example")))).isEqualTo(101);
            assertThat(status(server.rawUpgrade("/ws?token=" + TestServer.TOKEN, Map.of("Origin", "http://c.example")))).isEqualTo(403);
            HttpResponse<String> preflight = server.post("/auth", authBody(TestServer.TOKEN, "x"), Map.of("Origin", "https://chat.example.org"));
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://chat.example.org");
            assertThat(server.post("/auth", authBody(TestServer.TOKEN, "x"), Map.of("Origin", "http://c.example")).statusCode())
                    .isEqualTo(403);
        }

        @Test
        void starAllowsEveryOrigin() throws Exception {
            server.close();
            server = new TestServer(TestServer.settings(TestServer.TOKEN, List.of("*"), Duration.ofSeconds(120), 1024 * 1024));
            assertThat(status(server.rawUpgrade("/ws?token=" + TestServer.TOKEN, Map.of("Origin", "http://any.example")))).isEqualTo(101);
        }

        @Test
        void aForeignHostNameIsRefusedOnALoopbackServer() throws Exception {
            // DNS rebinding: evil.example resolves to 127.0.0.1, so its page is "same origin" with itself
            Map<String, String> rebinding = Map.of("Host", "evil.example:" + server.port(), "Origin", "http://evil.example:" + server.port());
            assertThat(status(server.rawUpgrade("/ws?token=" + TestServer.TOKEN, rebinding))).isEqualTo(403);
            assertThat(status(server.rawUpgrade("/ws?token=" + TestServer.TOKEN, Map.of("Host", "localhost:" + server.port()))))
                    .isEqualTo(101);
        }
    }

    @Nested
    class FrameLimits {

        @Test
        void framesAboveMaxFrameBytesCloseWith1009() throws Exception {
            server.close();
            server = new TestServer(TestServer.settings(TestServer.TOKEN, List.of(), Duration.ofSeconds(120), 200 * 1024));
            try (WsClient client = server.client("c")) {
                // above the 64 KiB limit of unauthenticated connections, within the configured one
                client.frame("message", "content", "x".repeat(100 * 1024));
                assertThat(client.next("response").path("content").asText()).hasSize(100 * 1024 + 6);
                client.sendOfLength("message", 200 * 1024);
                assertThat(client.next("response").path("content").asText()).startsWith("echo: xxx");
                client.sendOfLength("message", 200 * 1024 + 1);
                assertThat(client.awaitClose()).isEqualTo(1009);
            }
        }

        @Test
        void theDefaultLimitIsOneMebibyte() throws Exception {
            try (WsClient client = server.client("c")) {
                client.frame("message", "content", "y".repeat(900 * 1024));
                client.next("response");
                client.sendOfLength("message", 1024 * 1024 + 1);
                assertThat(client.awaitClose()).isEqualTo(1009);
            }
        }

        @Test
        void aConnectionStartsWithThePreAuthenticationLimit() {
            RecordingPeer peer = new RecordingPeer();
            Connection connection = new Connection("c", "web:c", "web:c", "127.0.0.1");
            connection.attach(peer);
            assertThat(connection.authenticated()).isFalse();
            assertThat(peer.limits).isEmpty();
            connection.authenticate(1024 * 1024);
            assertThat(connection.authenticated()).isTrue();
            assertThat(peer.limits).containsExactly(1024L * 1024);
            assertThat(WebSettings.PRE_AUTH_LIMIT).isEqualTo(64 * 1024);
        }
    }

    @Nested
    class Pages {

        @Test
        void everyResponseCarriesTheSecurityHeaders() throws Exception {
            for (String path : List.of("/", "/s/web:abc", "/health", "/app.js", "/missing.js", "/ws")) {
                HttpResponse<String> response = server.get(path, Map.of());
                assertThat(response.headers().firstValue("Content-Security-Policy")).as(path).hasValue(SecurityHeaders.CSP);
                assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
                assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            }
            assertThat(SecurityHeaders.CSP).contains("frame-ancestors 'none'").contains("script-src 'self'")
                    .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            String refused = server.rawUpgrade("/ws", Map.of());
            assertThat(refused).contains("Content-Security-Policy: ").contains("X-Frame-Options: DENY");
        }

        @Test
        void theUiIsServedAtTheRootAndForSessions() throws Exception {
            HttpResponse<String> root = server.get("/", Map.of());
            assertThat(root.statusCode()).isEqualTo(200);
            assertThat(root.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(root.body()).contains("<script src=\"/app.js\"");
            assertThat(server.get("/s/web:abc", Map.of()).body()).isEqualTo(root.body());
            assertThat(server.get("/app.js", Map.of()).headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/javascript"));
        }

        @Test
        void noPathReachesOutsideTheUiFolder() throws Exception {
            for (String path : List.of("/../pom.xml", "/%2e%2e/pom.xml", "/..%2fpom.xml", "/.hidden", "/etc/passwd", "/app.js/x")) {
                assertThat(status(server.rawUpgrade(path, Map.of()))).as(path).isIn(400, 404);
            }
        }

        @Test
        void healthSaysOkWithoutSecrets() throws Exception {
            HttpResponse<String> health = server.get("/health", Map.of());
            assertThat(health.statusCode()).isEqualTo(200);
            JsonNode body = Frames.JSON.readTree(health.body());
            assertThat(body.path("status").asText()).isEqualTo("ok");
            assertThat(body.path("auth_required").asBoolean()).isTrue();
            assertThat(health.body()).doesNotContain(TestServer.TOKEN);
        }

        @Test
        void aForeignHostNameGetsNoPage() throws Exception {
            String head = server.rawUpgrade("/health", Map.of("Host", "evil.example"));
            assertThat(status(head)).isEqualTo(421);
        }

        @Test
        void aPlainGetOfTheSocketIsABadRequest() throws Exception {
            assertThat(server.get("/ws?token=" + TestServer.TOKEN, Map.of()).statusCode()).isEqualTo(400);
        }
    }

    @Test
    void tokensAreComparedByDigestSoLengthDoesNotMatter() {
        Authenticator authenticator = new Authenticator("secret-token", new MutableClock(), new java.security.SecureRandom());
        assertThat(authenticator.checkToken("a", "secret-token").accepted()).isTrue();
        assertThat(authenticator.checkToken("a", "secret-toke").accepted()).isFalse();
        assertThat(authenticator.checkToken("a", "secret-token-and-more").accepted()).isFalse();
        assertThat(authenticator.checkToken("a", null).accepted()).isFalse();
        assertThat(authenticator.checkToken("a", "").accepted()).isFalse();
    }

    @Test
    void nonLoopbackAddressesAreRecognised() {
        assertThat(WebSettings.isLoopback("127.0.0.1")).isTrue();
        assertThat(WebSettings.isLoopback("127.0.0.2")).isTrue();
        assertThat(WebSettings.isLoopback("::1")).isTrue();
        assertThat(WebSettings.isLoopback("[::1]")).isTrue();
        assertThat(WebSettings.isLoopback("localhost")).isTrue();
        assertThat(WebSettings.isLoopback("0.0.0.0")).isFalse();
        assertThat(WebSettings.isLoopback("192.168.1.5")).isFalse();
        assertThat(WebSettings.isLoopback("my-laptop.example")).isFalse();
    }

    /** Records what the connection asks of its socket. */
    static final class RecordingPeer implements Peer {
        final List<Long> limits = new java.util.ArrayList<>();

        @Override
        public void sendText(String text, Runnable written, java.util.function.Consumer<Throwable> failed) {
            written.run();
        }

        @Override
        public void close(int code, String reason) {}

        @Override
        public void maxTextMessageSize(long bytes) {
            limits.add(bytes);
        }
    }
}
