package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * Zero-downtime swaps end to end: many web chat clients talk to the real daemon ({@code openpista
 * start --foreground}, the web channel over real WebSockets, the fake OpenAI server) and every turn
 * calls the hello-tool plugin, while {@code openpista plugins update|install|rollback} swap the tool
 * plugin and the OpenAI provider bundle under them, and {@code openpista bundles update|rollback}
 * the web channel bundle itself (whose sockets then close: the clients reconnect and resend their
 * unanswered message), and a version of it that cannot resolve is rolled back by itself. No turn may
 * fail, no answer may be lost or come twice, and every swap must be logged with its duration.
 */
class SwapUnderLoadIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "swap-under-load-token";
    /** The issue asks for 50; a loaded two-core machine may set fewer with -Dopenpista.swap.clients. */
    static final int CLIENTS = Integer.getInteger("openpista.swap.clients", 50);

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    int port;
    final AtomicInteger chats = new AtomicInteger();

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenAiServer();
        // every turn: the model asks for hello.greet with the user's text, then answers with what the tool said
        fake.fallback(request -> {
            chats.incrementAndGet();
            JsonNode messages = request.json().path("messages");
            JsonNode last = messages.get(messages.size() - 1);
            String asked = lastUserText(messages);
            if (last.path("role").asText().equals("tool")) {
                return FakeReply.text("answer to " + asked + ": " + last.path("content").asText()).delayed(Duration.ofMillis(50));
            }
            return FakeReply.toolCall("hello.greet", JSON.createObjectNode().put("name", asked).toString())
                    .delayed(Duration.ofMillis(50));
        });
        port = WebDaemon.freePort();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-swap-it"
                approval = "auto"

                [channels.web]
                enabled = true
                approval = "auto"
                port = %d
                token = "%s"
                """.formatted(fake.baseUrl(), port, TOKEN));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).path("role").asText().equals("user")) {
                return messages.get(i).path("content").asText();
            }
        }
        return "";
    }

    static String expectedAnswer(String text) {
        return "answer to " + text + ": Hello, " + text + "! Greetings from the hello-tool plugin.";
    }

    Result openpista(String... args) throws Exception {
        return DistributionProcess.run(home, Map.of(), args);
    }

    /** A copy of a bundle jar with another Bundle-Version: a new version of the same bundle. */
    static Path withVersion(Path jar, Path copy, String version) throws IOException {
        return withManifest(jar, copy, version, null);
    }

    /** A copy of a bundle jar with another Bundle-Version and, unless {@code null}, one more imported package. */
    static Path withManifest(Path jar, Path copy, String version, String extraImport) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().putValue("Bundle-Version", version);
            if (extraImport != null) {
                String imports = manifest.getMainAttributes().getValue("Import-Package");
                manifest.getMainAttributes().putValue("Import-Package", imports == null ? extraImport : imports + "," + extraImport);
            }
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(copy), manifest)) {
                for (JarEntry entry; (entry = in.getNextJarEntry()) != null; ) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return copy;
    }

    @Test
    void toolAndProviderSwapsUnderManyWebClientsLoseNoTurn() throws Exception {
        Path hello = DaemonIT.helloPlugin();
        Path hello101 = withVersion(hello, home.resolve("hello-tool-1.0.1.jar"), "1.0.1");
        Path provider;
        try (var jars = Files.list(DistributionProcess.dist().resolve("bundles/core"))) {
            provider = jars.filter(jar -> jar.getFileName().toString().startsWith("org.openpista.provider.openai-"))
                    .findFirst().orElseThrow();
        }
        Path providerCopy = Files.copy(provider, home.resolve(provider.getFileName()));
        Path web;
        try (var jars = Files.walk(DistributionProcess.dist().resolve("bundles"))) {
            web = jars.filter(jar -> jar.getFileName().toString().startsWith("org.openpista.channel.web-"))
                    .findFirst().orElseThrow();
        }
        Path web101 = withVersion(web, home.resolve("channel-web-1.0.1.jar"), "1.0.1");
        Path webBroken = withManifest(web, home.resolve("channel-web-1.0.2.jar"), "1.0.2", "org.openpista.does.not.exist");
        try (WebDaemon daemon = WebDaemon.start(home, port, Map.of(), "start", "--foreground")) {
            Result installed = openpista("plugins", "install", hello.toString());
            assertThat(installed.exitCode()).as(installed.toString()).isZero();

            AtomicBoolean stop = new AtomicBoolean();
            List<ChatClient> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(new ChatClient("c" + i, stop));
            }
            ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
            List<CompletableFuture<Void>> running =
                    clients.stream().map(client -> CompletableFuture.runAsync(client, threads)).toList();
            DaemonIT.await("every client answered once", Duration.ofSeconds(120),
                    () -> clients.stream().allMatch(client -> client.answered.size() >= 1 || !client.failures.isEmpty()));
            int before = chats.get();

            // the swaps, one after the other, while the clients keep chatting
            List<String> swaps = new ArrayList<>();
            swaps.add(swap("plugins", "update", hello101.toString()));
            swaps.add(swap("plugins", "install", providerCopy.toString()));
            swaps.add(swap("plugins", "update", providerCopy.toString()));
            swaps.add(swap("plugins", "rollback", "org.openpista.provider.openai"));
            swaps.add(swap("plugins", "rollback", "hello-tool"));
            // the web channel itself: its sockets close, the clients reconnect and resend what is unanswered
            swaps.add(swap("bundles", "update", "org.openpista.channel.web", web101.toString()));
            swaps.add(swap("bundles", "rollback", "org.openpista.channel.web"));
            Result broken = openpista("bundles", "update", "org.openpista.channel.web", webBroken.toString());
            assertThat(broken.exitCode()).as(broken.toString()).isEqualTo(1);
            assertThat(broken.stderr()).as(broken.toString()).contains("org.openpista.channel.web 1.0.2 cannot run")
                    .contains("org.openpista.does.not.exist").contains("rolled back to the version that ran before");
            int during = chats.get() - before;
            int afterSwaps = chats.get();
            DaemonIT.await("turns after the swaps", Duration.ofSeconds(60), () -> chats.get() >= afterSwaps + 2 * CLIENTS);
            stop.set(true);
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
            threads.shutdown();

            List<String> failures = new ArrayList<>();
            int turns = 0;
            for (ChatClient client : clients) {
                failures.addAll(client.failures);
                turns += client.answered.size();
            }
            assertThat(failures).as("failed turns, closed sockets, wrong answers (%d turns; swaps: %s; first failures: %s)", turns,
                    swaps, failures.subList(0, Math.min(10, failures.size()))).isEmpty();
            for (ChatClient client : clients) {
                assertThat(client.answered).as("answers of " + client.id + ", each once and in order")
                        .containsExactlyElementsOf(client.sent.stream().map(SwapUnderLoadIT::expectedAnswer).toList());
            }
            assertThat(during).as("requests reached the model while the swaps ran").isPositive();
            for (ChatClient client : clients.subList(0, Math.min(5, clients.size()))) {
                List<String> rows = stored("web:" + client.id);
                assertThat(rows.stream().filter(row -> row.startsWith("user: ")).toList()).as("stored user messages of " + client.id)
                        .containsExactlyElementsOf(client.sent.stream().map(text -> "user: " + text).toList());
                assertThat(rows.stream().filter(row -> row.startsWith("tool: ")).count()).isEqualTo(client.sent.size());
            }
            String log = Files.readString(home.resolve("logs/openpista.0.log"));
            assertThat(log).containsPattern("Swap: hello-tool updated \\S+ -> 1\\.0\\.1 in \\d+ ms")
                    .containsPattern("Swap: org\\.openpista\\.provider\\.openai updated \\S+ -> \\S+ in \\d+ ms");
            String status = openpista("shell", "-c", "openpista:status").stdout();
            assertThat(status).as(status).containsPattern("hello-tool\\s+\\S+\\s+active\\s+updated 1\\.0\\.1 -> \\S+ in \\d+ ms");
            int reconnects = clients.stream().mapToInt(client -> client.reconnects.get()).sum();
            int resent = clients.stream().mapToInt(client -> client.resent.get()).sum();
            assertThat(reconnects).as("the web channel's own swaps closed the sockets").isPositive();
            assertThat(log).containsPattern("Swap: org\\.openpista\\.channel\\.web updated \\S+ -> 1\\.0\\.1 in \\d+ ms");
            String bundles = openpista("bundles", "list").stdout();
            assertThat(bundles).as(bundles).containsPattern("org\\.openpista\\.channel\\.web\\s+\\S+\\s+active\\s+1\\.0\\.1");
            assertThat(home.resolve("bundles-previous/org.openpista.channel.web.jar")).isRegularFile();
            int duplicates = clients.stream().mapToInt(client -> client.duplicates.get()).sum();
            int replayed = clients.stream().mapToInt(client -> client.replayed.get()).sum();
            System.out.printf("swap under load: %d clients, %d turns, %d reconnects, %d messages resent (%d taken already, "
                    + "%d answers replayed), swaps %s%n", CLIENTS, turns, reconnects, resent, duplicates, replayed, swaps);
            assertThat(daemon.stop()).as("the daemon stops cleanly after the swaps").isIn(0, 143);
        }
    }

    /** Runs one swap command, which must succeed. @return what it printed and how long it took */
    String swap(String... args) throws Exception {
        long started = System.nanoTime();
        Result result = openpista(args);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return String.join(" ", args).replace(home.toString(), "~") + " (" + took + " ms)";
    }

    /** role: content of a session's stored messages, oldest first. */
    List<String> stored(String session) throws Exception {
        return DistributionProcess.stored(home, session);
    }

    /**
     * A web chat client that sends a message, waits for its answer, and sends the next until told to
     * stop. When its socket closes (the web channel bundle itself is swapped) it reconnects and sends
     * its unanswered message again with {@code "resend": true}, as the web UI does; every answer must
     * come once, for the message it answers.
     */
    final class ChatClient implements Runnable {
        final String id;
        final AtomicBoolean stop;
        final List<String> sent = new ArrayList<>();
        final List<String> answered = new CopyOnWriteArrayList<>();
        final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        final AtomicInteger reconnects = new AtomicInteger();
        final AtomicInteger resent = new AtomicInteger();
        /** Resent messages the server had taken already, and answers sent again to a client that missed them. */
        final AtomicInteger duplicates = new AtomicInteger();
        final AtomicInteger replayed = new AtomicInteger();
        private int generation;
        private WebSocket socket;

        ChatClient(String id, AtomicBoolean stop) {
            this.id = id;
            this.stop = stop;
        }

        @Override
        public void run() {
            try {
                socket = connect(Duration.ofSeconds(60));
            } catch (Exception e) {
                failures.add(id + " could not connect: " + e);
                return;
            }
            try {
                for (int n = 1; !stop.get() && failures.isEmpty(); n++) {
                    String text = id + "-m" + n;
                    sent.add(text);
                    send(text, false);
                    JsonNode response = awaitResponse(text);
                    if (response == null) {
                        return;
                    }
                    if (response.path("is_error").asBoolean()) {
                        failures.add(id + ": turn " + text + " failed: " + response.path("content").asText());
                    }
                    answered.add(response.path("content").asText());
                }
            } catch (Exception e) {
                failures.add(id + ": " + e);
            } finally {
                socket.abort();
            }
        }

        /** Sends a message; a socket that closed meanwhile shows as a {@code closed} frame, as when it closes later. */
        private void send(String text, boolean resend) throws Exception {
            ObjectNode frame = JSON.createObjectNode().put("type", "message").put("content", text).put("message_id", text);
            if (resend) {
                frame.put("resend", true);
                resent.incrementAndGet();
            }
            try {
                socket.sendText(frame.toString(), true).get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                frames.add(JSON.createObjectNode().put("type", "closed").put("generation", generation)
                        .put("error", "send failed: " + e.getCause()));
            }
        }

        /** Opens a socket, trying again while the web channel is away (its bundle being swapped). */
        private WebSocket connect(Duration patience) throws Exception {
            long deadline = System.nanoTime() + patience.toNanos();
            int current = ++generation;
            while (true) {
                try {
                    // a handshake that hangs (a server stopping under it) is given up and tried again, as a browser does
                    return HttpClient.newHttpClient().newWebSocketBuilder()
                            .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + TOKEN + "&client_id=" + id),
                                    listener(current))
                            .get(10, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(250);
                }
            }
        }

        private JsonNode awaitResponse(String text) throws Exception {
            while (true) {
                JsonNode frame = frames.poll(90, TimeUnit.SECONDS);
                if (frame == null) {
                    failures.add(id + ": no response to " + text + " within 90 s");
                    return null;
                }
                String type = frame.path("type").asText();
                if (type.equals("closed")) {
                    if (frame.path("generation").asInt() != generation) {
                        continue; // the end of a socket already replaced
                    }
                    // the web channel went away: back on a new socket, the unanswered message goes again
                    reconnects.incrementAndGet();
                    socket.abort();
                    try {
                        socket = connect(Duration.ofSeconds(120));
                    } catch (Exception e) {
                        failures.add(id + ": could not reconnect while waiting for " + text + ": " + e + " (" + frame + ")");
                        return null;
                    }
                    send(text, true);
                    continue;
                }
                if (type.equals("error")) {
                    failures.add(id + ": error frame while waiting for " + text + ": " + frame);
                }
                if (type.equals("message_ack") && frame.path("duplicate").asBoolean()) {
                    duplicates.incrementAndGet();
                }
                if (type.equals("response")) {
                    if (frame.path("replayed").asBoolean()) {
                        replayed.incrementAndGet();
                    }
                    if (!text.equals(frame.path("message_id").asText())) {
                        failures.add(id + ": a response for " + frame.path("message_id").asText() + " while waiting for "
                                + text + " (lost or repeated): " + frame);
                        continue;
                    }
                    return frame;
                }
            }
        }

        private WebSocket.Listener listener(int socketGeneration) {
            return new WebSocket.Listener() {
                final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        try {
                            frames.add(JSON.readTree(text.toString()));
                        } catch (IOException e) {
                            failures.add(id + ": not JSON: " + text);
                        }
                        text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                    frames.add(JSON.createObjectNode().put("type", "closed").put("generation", socketGeneration)
                            .put("status", statusCode).put("reason", reason));
                    return null;
                }

                @Override
                public void onError(WebSocket webSocket, Throwable error) {
                    frames.add(JSON.createObjectNode().put("type", "closed").put("generation", socketGeneration)
                            .put("error", error.toString()));
                }
            };
        }
    }
}
