package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * The web chat end to end: {@code openpista web start} of the real distribution (Felix, Jetty 12,
 * the agent core, SQLite, system.run) against a fake OpenAI server, driven over a real WebSocket.
 */
class WebChatIT {

    static final ObjectMapper JSON = new ObjectMapper();

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
        WebDaemon.writeConfig(home, fake, "sk-web-it", port, web);
    }

    static String tokenIn(Path config) throws Exception {
        for (String line : Files.readAllLines(config)) {
            if (line.strip().startsWith("token")) {
                return line.substring(line.indexOf('"') + 1, line.lastIndexOf('"'));
            }
        }
        return "";
    }

    @Test
    void aFreshHomeGetsATokenAndAChatWithStreamingAndApprovals() throws Exception {
        writeConfig("");
        fake.enqueue(FakeReply.text("Hello from the fake model, streamed in pieces."),
                FakeReply.toolCall("system.run", "{\"command\":\"echo from-the-web-$((6*7))\"}"),
                FakeReply.text("The shell said 42."));
        try (WebDaemon daemon = WebDaemon.start(home, port, Map.of())) {
            Path config = home.resolve("config.toml");
            String token = tokenIn(config);
            assertThat(token).matches("[0-9a-f]{48}");
            assertThat(Files.getPosixFilePermissions(config)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(daemon.stdout()).contains("Web chat: http://127.0.0.1:" + port + "/")
                    .contains("#token=" + token);
            assertThat(Files.readString(home.resolve("logs/openpista.0.log"))).doesNotContain(token);

            Result status = DistributionProcess.run(home, Map.of(), "web", "status");
            assertThat(status.stdout()).contains("running: yes").contains("token:   set (config.toml)").doesNotContain(token);

            try (Client client = Client.connect(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token + "&client_id=it"))) {
                assertThat(client.next().path("type").asText()).isEqualTo("auth_result");
                assertThat(client.next().path("type").asText()).isEqualTo("sessions_list");
                assertThat(client.next().path("type").asText()).isEqualTo("session_history");

                client.send(JSON.createObjectNode().put("type", "message").put("content", "hi").put("message_id", "m1"));
                assertThat(client.next("message_ack").path("session_id").asText()).isEqualTo("web:it");
                StringBuilder streamed = new StringBuilder();
                JsonNode frame;
                while (!(frame = client.next()).path("type").asText().equals("response")) {
                    if (frame.path("type").asText().equals("response_delta")) {
                        streamed.append(frame.path("content").asText());
                    }
                }
                assertThat(frame.path("content").asText()).isEqualTo("Hello from the fake model, streamed in pieces.");
                assertThat(frame.path("is_error").asBoolean()).isFalse();
                assertThat(streamed.toString()).isEqualTo(frame.path("content").asText());
                assertThat(fake.requests().get(0).json().path("model").asText()).isEqualTo("test-model");

                client.send(JSON.createObjectNode().put("type", "message").put("content", "what is 6*7 in the shell?"));
                JsonNode question = client.next("tool_approval_request");
                assertThat(question.path("tool_name").asText()).isEqualTo("system.run");
                assertThat(question.path("arguments").path("command").asText()).contains("echo from-the-web");
                client.send(JSON.createObjectNode().put("type", "tool_approval_response")
                        .put("call_id", question.path("call_id").asText()).put("decision", "approve"));
                JsonNode answer = client.next("response");
                assertThat(answer.path("content").asText()).isEqualTo("The shell said 42.");
                assertThat(fake.requests().get(2).body()).contains("from-the-web-42");
            }

            // a reconnect sees the conversation, stored in SQLite
            try (Client again = Client.connect(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token + "&client_id=it"))) {
                again.next("auth_result");
                JsonNode sessions = again.next("sessions_list");
                assertThat(sessions.path("sessions").get(0).path("id").asText()).isEqualTo("web:it");
                JsonNode history = again.next("session_history");
                assertThat(history.path("messages")).extracting(m -> m.path("role").asText())
                        .containsExactly("user", "assistant", "user", "assistant", "tool", "assistant");
            }
            assertThat(daemon.stop()).as("SIGTERM ends the JVM with 128 + 15 after the graceful shutdown").isIn(0, 143);
        }
        assertThat(reachable(port)).as("the port is closed after the daemon stopped").isFalse();
    }

    @Test
    void openpistaStartPrintsTheUrlWithTheTokenButNeverIntoALog() throws Exception {
        writeConfig("");
        Path config = home.resolve("config.toml");
        try {
            // the port is taken: the daemon runs all the same and says why the chat does not
            try (java.net.ServerSocket taken = new java.net.ServerSocket(port, 50, java.net.InetAddress.getLoopbackAddress())) {
                assertThat(taken.isBound()).isTrue();
                Result started = DistributionProcess.run(home, Map.of(), "start");
                assertThat(started.exitCode()).as(started.toString()).isZero();
                assertThat(started.stdout()).contains("openpista started in the background")
                        .contains("Web chat: not listening: cannot listen on 127.0.0.1:" + port);
                Result stop = DistributionProcess.run(home, Map.of(), "stop");
                assertThat(stop.exitCode()).as(stop.toString()).isZero();
            }

            // in the background: the launcher prints the URL with the token; the daemon's own output has no token
            Result started = DistributionProcess.run(home, Map.of(), "start");
            assertThat(started.exitCode()).as(started.toString()).isZero();
            String token = tokenIn(config);
            assertThat(token).matches("[0-9a-f]{48}");
            assertThat(started.stdout()).contains("Web chat: http://127.0.0.1:" + port + "/#token=" + token + "\n");
            assertThat(Files.readString(home.resolve("logs/daemon.out"))).doesNotContain(token);
            assertThat(Files.readString(home.resolve("logs/openpista.0.log"))).doesNotContain(token);
            HttpResponse<String> auth = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/auth"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}"))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(auth.statusCode()).as("the printed token opens the chat").isEqualTo(200);
            Result stop = DistributionProcess.run(home, Map.of(), "stop");
            assertThat(stop.exitCode()).as(stop.toString()).isZero();

            // in the foreground the daemon prints it itself, once it is ready
            try (WebDaemon daemon = WebDaemon.start(home, port, Map.of(), "start", "--foreground")) {
                assertThat(daemon.stdout()).contains("Web chat: http://127.0.0.1:" + port + "/#token=" + token + "\n");
                assertThat(daemon.stop()).isIn(0, 143);
            }
        } finally {
            DistributionProcess.stopDaemon(home);
        }
    }

    @Test
    void theTokenIsRequiredAndForeignOriginsAreRefused() throws Exception {
        writeConfig("token = \"configured-token-0123456789\"");
        try (WebDaemon daemon = WebDaemon.start(home, port, Map.of())) {
            HttpClient http = HttpClient.newHttpClient();
            assertThat(upgradeStatus("/ws", Map.of())).isEqualTo(401);
            assertThat(upgradeStatus("/ws?token=wrong", Map.of())).isEqualTo(401);
            assertThat(upgradeStatus("/ws?token=configured-token-0123456789", Map.of("Origin", "http://evil.example"))).isEqualTo(403);
            assertThat(upgradeStatus("/ws?token=configured-token-0123456789", Map.of())).isEqualTo(101);
            HttpResponse<String> auth = http.send(HttpRequest.newBuilder(URI.create(daemon.url() + "auth"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"configured-token-0123456789\",\"client_id\":\"x\"}"))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(auth.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(auth.body()).path("session_token").asText()).matches("[0-9a-f]{64}");
            HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(daemon.url())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
                    assertThat(csp).contains("frame-ancestors 'none'"));
            assertThat(page.body()).contains("/app.js");
        }
    }

    @Test
    void aNonLoopbackAddressWithoutATokenIsRefused() throws Exception {
        writeConfig("bind = \"0.0.0.0\"");
        Result result = DistributionProcess.run(home, Map.of(), null, Duration.ofSeconds(90), "web", "start");
        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr()).contains("refusing to listen on 0.0.0.0 without a token");
        assertThat(reachable(port)).isFalse();
        assertThat(tokenIn(home.resolve("config.toml"))).isEmpty();
    }

    @Test
    void theEnvironmentOverridesPortAndToken() throws Exception {
        writeConfig("");
        int other = WebDaemon.freePort();
        try (WebDaemon daemon = WebDaemon.start(home, other,
                Map.of("OPENPISTA_WEB_PORT", Integer.toString(other), "openpista_WEB_TOKEN", "token-from-the-environment"))) {
            assertThat(daemon.stdout()).contains("Web chat: http://127.0.0.1:" + other + "/").doesNotContain("Generated");
            port = other;
            assertThat(upgradeStatus("/ws?token=token-from-the-environment", Map.of())).isEqualTo(101);
        }
        assertThat(tokenIn(home.resolve("config.toml"))).as("nothing generated or saved").isEmpty();
    }

    @Test
    void webSetupWritesTheSectionAndKeepsTheRestOfTheFile() throws Exception {
        Files.writeString(home.resolve("config.toml"), """
                # my settings
                [agent]
                provider = "openai" # the default

                [channels.web]
                bind = "127.0.0.1"
                """);
        Result setup = DistributionProcess.run(home, Map.of(), "web", "setup", "--enable", "--port", "4321");
        assertThat(setup.exitCode()).as(setup.toString()).isZero();
        String written = Files.readString(home.resolve("config.toml"));
        assertThat(written).startsWith("# my settings\n[agent]\nprovider = \"openai\" # the default\n")
                .contains("enabled = true").contains("port = 4321").containsPattern("token = \"[0-9a-f]{48}\"");
        String token = tokenIn(home.resolve("config.toml"));
        assertThat(setup.stdout()).contains("http://127.0.0.1:4321/").contains("Token: " + token);
        assertThat(Files.getPosixFilePermissions(home.resolve("config.toml"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Result again = DistributionProcess.run(home, Map.of(), "web", "setup", "--regenerate-token");
        assertThat(again.exitCode()).as("no terminal to confirm on").isEqualTo(2);
        assertThat(again.stderr()).contains("--yes");
        Result forced = DistributionProcess.run(home, Map.of(), "web", "setup", "--regenerate-token", "--yes");
        assertThat(forced.exitCode()).isZero();
        assertThat(tokenIn(home.resolve("config.toml"))).isNotEqualTo(token).matches("[0-9a-f]{48}");

        Result status = DistributionProcess.run(home, Map.of(), "web", "status");
        assertThat(status.stdout()).contains("address: 127.0.0.1:4321").contains("running: no");
    }

    int upgradeStatus(String pathAndQuery, Map<String, String> headers) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n")
                    .append("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
            socket.getOutputStream().write(request.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] head = new byte[12];
            int read = socket.getInputStream().readNBytes(head, 0, 12);
            return Integer.parseInt(new String(head, 0, read, java.nio.charset.StandardCharsets.US_ASCII).substring(9, 12));
        }
    }

    static boolean reachable(int port) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (ConnectException e) {
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** A JDK WebSocket client that keeps the frames it receives. */
    static final class Client implements AutoCloseable {
        final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final List<JsonNode> seen = new ArrayList<>();
        final WebSocket socket;

        private Client(HttpClient http, URI uri) {
            socket = http.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
                final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        try {
                            frames.add(JSON.readTree(text.toString()));
                        } catch (Exception e) {
                            frames.add(JSON.getNodeFactory().textNode(text.toString()));
                        }
                        text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                }
            }).join();
        }

        static Client connect(URI uri) {
            return new Client(HttpClient.newHttpClient(), uri);
        }

        /** Connects with the given client, for example one that trusts a test's certificate. */
        static Client connect(HttpClient http, URI uri) {
            return new Client(http, uri);
        }

        void send(ObjectNode frame) {
            socket.sendText(frame.toString(), true).join();
        }

        JsonNode next() throws InterruptedException {
            JsonNode frame = frames.poll(30, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 30 s; seen: " + seen);
            }
            seen.add(frame);
            return frame;
        }

        JsonNode next(String type) throws InterruptedException {
            while (true) {
                JsonNode frame = next();
                if (frame.path("type").asText().equals(type)) {
                    return frame;
                }
            }
        }

        @Override
        public void close() {
            socket.abort();
        }
    }
}
