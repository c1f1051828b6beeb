package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;

/**
 * The web chat's hardening (issue #13, items 5, 7, 8 and 9) against {@code openpista web start} of
 * the real distribution: Felix HTTP and Jetty 12 as they really log and answer.
 */
class WebSecurityIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "planted-token-0123456789abcdef";

    @TempDir
    Path home;

    @AutoClose
    final FakeOpenAiServer fake = new FakeOpenAiServer();
    int port;

    @BeforeEach
    void setUp() throws Exception {
        port = WebDaemon.freePort();
    }

    void writeConfig(String web) throws Exception {
        WebDaemon.writeConfig(home, fake, "sk-web-security-it", port, web);
    }

    /**
     * Sends one raw HTTP request from a chosen local address and returns the response: all of it when
     * the request asks to close the connection, else the head.
     */
    String raw(String request, InetAddress from) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port, from, 0)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            if (request.contains("Connection: close")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            StringBuilder head = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && !head.append((char) c).toString().endsWith("\r\n\r\n")) {
                // up to the end of the head
            }
            return head.toString();
        }
    }

    String raw(String request) throws IOException {
        return raw(request, InetAddress.getByName("127.0.0.1"));
    }

    String postAuth(String token, InetAddress from) throws IOException {
        String body = "{\"token\":\"" + token + "\",\"client_id\":\"\"}";
        return raw("POST /auth HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body, from);
    }

    static int status(String response) {
        return Integer.parseInt(response.substring(9, 12));
    }

    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void theDebugLogNeverHoldsTheTokenNorASessionToken() throws Exception {
        writeConfig("token = \"" + TOKEN + "\"");
        String sessionToken;
        try (WebDaemon daemon = WebDaemon.start(home, port, Map.of(), "--debug", "web", "start")) {
            String auth = postAuth(TOKEN, InetAddress.getByName("127.0.0.1"));
            assertThat(status(auth)).as(auth).isEqualTo(200);
            sessionToken = JSON.readTree(body(auth)).path("session_token").asText();
            String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
            try (WebChatIT.Client client = WebChatIT.Client.connect(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + TOKEN
                    + "&client_id=debug"))) {
                client.next("session_history");
                client.send(JSON.createObjectNode().put("type", "auth").put("token", TOKEN));
                assertThat(client.next("auth_result").path("success").asBoolean()).isTrue();
            }
            try (WebChatIT.Client client = WebChatIT.Client.connect(URI.create("ws://127.0.0.1:" + port
                    + "/ws?session_token=" + sessionToken))) {
                client.next("session_history");
            }
            assertThat(status(raw("GET /ws?token=" + TOKEN + "x HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + upgrade)))
                    .isEqualTo(401);
            assertThat(status(raw("GET /../etc/passwd?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")))
                    .isEqualTo(400);
            assertThat(daemon.stop()).isIn(0, 143);
        }
        String debug = Files.readString(home.resolve("debug.log"));
        assertThat(debug).as("Jetty's lines are there, redacted").contains("HttpChannelState: onRequest")
                .contains("token=<redacted>");
        for (Path log : List.of(home.resolve("debug.log"), home.resolve("logs/openpista.0.log"))) {
            String text = Files.readString(log);
            assertThat(text).as(log.toString()).doesNotContain(TOKEN).doesNotContain(sessionToken)
                    .doesNotContain(TOKEN.substring(TOKEN.length() - 12));
        }
    }

    @Test
    void jettysOwnErrorPagesCarryTheSecurityHeaders() throws Exception {
        writeConfig("token = \"" + TOKEN + "\"");
        try (WebDaemon daemon = WebDaemon.start(home, port, Map.of())) {
            assertThat(daemon.stdout()).contains("Web chat: http://127.0.0.1:" + port + "/#token=" + TOKEN);
            List<String> refused = List.of(
                    "GET /../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                    "GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                    "GET /a%00b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "x".repeat(20_000) + "\r\nConnection: close\r\n\r\n");
            for (String request : refused) {
                String response = raw(request);
                String head = response.substring(0, response.indexOf("\r\n\r\n"));
                assertThat(status(response)).as(head).isBetween(400, 499);
                assertThat(head).as(head).contains("Content-Security-Policy: default-src 'none'")
                        .contains("X-Frame-Options: DENY").contains("X-Content-Type-Options: nosniff")
                        .contains("Referrer-Policy: no-referrer").containsPattern("Cache-Control: [a-z,-]*no-store");
            }
        }
    }

    @Test
    void beyondLoopbackAShortTokenIsRefusedWhereverItComesFrom() throws Exception {
        writeConfig("bind = \"0.0.0.0\"\ntoken = \"a\"");
        Result fromFile = DistributionProcess.run(home, Map.of(), null, Duration.ofSeconds(90), "web", "start");
        assertThat(fromFile.exitCode()).as(fromFile.toString()).isEqualTo(1);
        assertThat(fromFile.stderr()).contains("refusing to listen on 0.0.0.0 with a token of fewer than 16 characters");
        assertThat(WebChatIT.reachable(port)).isFalse();

        writeConfig("bind = \"0.0.0.0\"");
        Result fromEnvironment = DistributionProcess.run(home, Map.of("OPENPISTA_WEB_TOKEN", "short-token"), null,
                Duration.ofSeconds(90), "web", "start");
        assertThat(fromEnvironment.exitCode()).as(fromEnvironment.toString()).isEqualTo(1);
        assertThat(fromEnvironment.stderr()).contains("with a token of fewer than 16 characters")
                .doesNotContain("short-token");
        assertThat(WebChatIT.reachable(port)).isFalse();
    }

    @Test
    void rotatingLoopbackAddressesGetsALocalProcessNowhereAndTheOwnerUnlocks() throws Exception {
        writeConfig("token = \"" + TOKEN + "\"");
        try (WebDaemon daemon = WebDaemon.start(home, port, Map.of())) {
            assertThat(daemon.process.isAlive()).isTrue();
            for (int i = 2; i < 12; i++) {
                assertThat(status(postAuth("guess-" + i, InetAddress.getByName("127.0." + i + ".1")))).isEqualTo(401);
            }
            String locked = postAuth(TOKEN, InetAddress.getByName("127.0.0.77"));
            assertThat(status(locked)).as("a fresh loopback address, the right token").isEqualTo(429);
            assertThat(locked).containsPattern("Retry-After: ([1-9]|[12][0-9]|30)\r\n");

            Result unlock = DistributionProcess.run(home, Map.of(), "web", "unlock");
            assertThat(unlock.exitCode()).as(unlock.toString()).isZero();
            assertThat(unlock.stdout()).contains("Lifted the lockout of loopback; forgot 10 failed logins.");
            String owner = postAuth(TOKEN, InetAddress.getByName("127.0.0.1"));
            assertThat(status(owner)).as(owner).isEqualTo(200);
            JsonNode answer = JSON.readTree(body(owner));
            assertThat(answer.path("client_id").asText()).as("an empty client_id gets one").matches("[0-9a-f-]{36}");
        }
        Result noDaemon = DistributionProcess.run(home, Map.of(), "web", "unlock");
        assertThat(noDaemon.exitCode()).isEqualTo(1);
        assertThat(noDaemon.stderr()).contains("no daemon runs for");
    }
}
