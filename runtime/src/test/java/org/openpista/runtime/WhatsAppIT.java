package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeGraphApiServer;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.FakeWhatsAppBridge;

/**
 * The WhatsApp channel end to end in the real distribution: bridge mode with a fake bridge (a
 * script speaking the bridge's JSON-lines protocol), cloud mode with WhatsApp's side played by
 * signed webhook deliveries and a fake Graph API, the agent answering through a fake LLM.
 */
class WhatsAppIT {

    static final String BOB = "4917000000001";
    static final String OWNER = "4915112345678";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path home;

    FakeOpenAiServer llm;
    Path session;
    Path bridge;
    Process daemon;
    Path daemonOut;
    Path daemonErr;
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void setUp() throws IOException {
        llm = new FakeOpenAiServer();
        session = Files.createDirectories(home.resolve("whatsapp-session"));
        bridge = FakeWhatsAppBridge.install(home);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (daemon != null && daemon.isAlive()) {
            stopDaemon();
        }
        llm.close();
    }

    void config(String whatsapp, String extra) throws IOException {
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-test"
                approval = "auto"

                [channels.web]
                enabled = false

                [channels.whatsapp]
                %s
                %s
                """.formatted(llm.baseUrl(), whatsapp, extra));
    }

    /**
     * Configures cloud mode against the fake Graph API, and the web chat's server on a free port,
     * which serves the webhook.
     *
     * @return the web chat's port
     */
    int cloudConfig(FakeGraphApiServer graph, String numberId, String secret) throws IOException {
        int port = WebDaemon.freePort();
        config("""
                enabled = true
                mode = "cloud"
                phone_number_id = "%s"
                access_token = "EAAG-access"
                verify_token = "verify-123"
                app_secret = "%s"
                api_url = "%s"
                allowed_numbers = ["%s"]
                """.formatted(numberId, secret, graph.apiUrl(), BOB), "");
        Files.writeString(home.resolve("config.toml"), Files.readString(home.resolve("config.toml"))
                .replace("[channels.web]\nenabled = false", "[channels.web]\nenabled = true\nport = " + port
                        + "\ntoken = \"web-token-0123456789abcdef\""));
        return port;
    }

    void bridgeScript(String name, String... lines) throws IOException {
        Files.writeString(session.resolve(name), String.join("\n", lines) + "\n");
    }

    /** As the bundled bridge says it: with confirmations of every send. */
    static String connected() {
        return "{\"type\":\"connected\",\"phone\":\"" + OWNER + "\",\"name\":\"Ada\",\"confirms\":true}";
    }

    /**
     * A bridge speaking the original openpista protocol: it announces no confirmations and answers
     * no send; it records the commands it gets and leaves when its input closes.
     */
    Path originalBridge() throws IOException {
        Path script = home.resolve("original-bridge.sh");
        Files.writeString(script, """
                #!/usr/bin/env bash
                printf '%s\\n' '{"type":"connected","phone":"OWNER","name":null}'
                while IFS= read -r line; do printf '%s\\n' "$line" >> "$1/commands"; done
                echo bye > "$1/stopped"
                """.replace("OWNER", OWNER));
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    static String message(String from, String text) {
        return "{\"type\":\"message\",\"from\":\"" + from + "@s.whatsapp.net\",\"text\":\"" + text
                + "\",\"timestamp\":1700000000,\"selfChat\":false,\"id\":\"IN-" + Math.abs(text.hashCode()) + "\"}";
    }

    List<JsonNode> sends() throws IOException {
        return commands("send");
    }

    /** @return the commands of that type the fake bridge was given, in order */
    List<JsonNode> commands(String type) throws IOException {
        List<JsonNode> commands = new ArrayList<>();
        Path file = session.resolve("commands");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode command = json.readTree(line);
                if (command.path("type").asText().equals(type)) {
                    commands.add(command);
                }
            }
        }
        return commands;
    }

    void startDaemon(String readyText) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(DistributionProcess.dist().resolve("bin/openpista").toString(),
                "whatsapp", "start");
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        daemonOut = home.resolve("daemon-stdout.txt");
        daemonErr = home.resolve("daemon-stderr.txt");
        builder.redirectOutput(daemonOut.toFile()).redirectError(daemonErr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        daemon = builder.start();
        await("the daemon printed \"" + readyText + "\"", () -> output().contains(readyText));
    }

    String output() {
        try {
            return (daemonOut != null && Files.exists(daemonOut) ? Files.readString(daemonOut) : "")
                    + (daemonErr != null && Files.exists(daemonErr) ? Files.readString(daemonErr) : "");
        } catch (IOException e) {
            return "";
        }
    }

    int stopDaemon() throws Exception {
        daemon.destroy();
        if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
            daemon.descendants().forEach(ProcessHandle::destroyForcibly);
            daemon.destroyForcibly();
            throw new AssertionError("whatsapp start did not stop after SIGTERM\n" + output());
        }
        return daemon.exitValue();
    }

    void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (daemon != null && !daemon.isAlive()) {
                throw new AssertionError("the daemon ended (" + daemon.exitValue() + ") before " + what + "\n" + output());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "\n" + output());
            }
            Thread.sleep(100);
        }
    }

    int sendCount() {
        try {
            return sends().size();
        } catch (IOException e) {
            return -1;
        }
    }

    @Test
    void setupShowsTheQrCodeInTheTerminalAndEndsOncePaired() throws Exception {
        config("bridge_path = \"" + bridge + "\"", "");
        bridgeScript("start", "{\"type\":\"qr\",\"data\":\"2@pairing-code-from-the-fake,key1,key2,adv\"}", "@sleep 1", connected());

        Result result = DistributionProcess.run(home, Map.of(), "whatsapp");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("Scan this QR code").contains("█▀").contains("Linked devices")
                .contains("connected as +" + OWNER + " (Ada)").contains("Paired.");
        assertThat(Files.readString(home.resolve("config.toml"))).contains("enabled = true");
        assertThat(session.resolve("stopped")).as("the bridge was stopped by closing its input").exists();
    }

    @Test
    void bridgeModeAnswersThroughTheAgentSurvivesACrashAndSendsFromTheCommandLine() throws Exception {
        config("enabled = true\nbridge_path = \"" + bridge + "\"\nallowed_numbers = [\"+49 1700 0000001\"]", "");
        // first run: connects, writes a malformed line, then crashes; the channel starts it again
        bridgeScript("start.1", connected(), "{not json at all", "@exit 1");
        bridgeScript("start", connected(), message("4900000000066", "stranger here"), message(BOB, "what is six times seven?"));
        llm.enqueue(FakeReply.text("It is 42."));

        startDaemon("openpista: ready");
        await("the answer is sent to Bob", () -> sendCount() >= 1);

        JsonNode answer = sends().get(0);
        assertThat(answer.path("to").asText()).isEqualTo(BOB + "@s.whatsapp.net");
        assertThat(answer.path("text").asText()).isEqualTo("It is 42.");
        assertThat(llm.requests()).hasSize(1);
        assertThat(llm.lastRequest().body()).contains("what is six times seven?").doesNotContain("stranger here");
        assertThat(Files.readString(session.resolve("runs")).strip()).isEqualTo("2");

        Result status = DistributionProcess.run(home, Map.of(), "whatsapp", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.stdout()).contains("enabled: true").contains("connected as +" + OWNER);

        Result send = DistributionProcess.run(home, Map.of(), "whatsapp", "send", "+" + BOB, "Reminder: \"tea\" $HOME");
        assertThat(send.exitCode()).as(send.toString()).isZero();
        assertThat(send.stdout()).isEqualTo("sent to +" + BOB + "\n");
        assertThat(sends()).extracting(command -> command.path("text").asText()).contains("Reminder: \"tea\" $HOME");

        assertThat(stopDaemon()).as("SIGTERM ends the JVM with 128 + 15 after the graceful shutdown").isIn(0, 143);
        assertThat(session.resolve("stopped")).as("the bridge left cleanly on the daemon's stop").exists();
    }

    @Test
    void aBridgeOfTheOriginalProtocolGetsSendsReportedAtOnceAsUnconfirmed() throws Exception {
        config("enabled = true\nbridge_path = \"" + originalBridge() + "\"", "");

        // no daemon: the command's own connection, closed once the bridge has the message
        Result alone = DistributionProcess.run(home, Map.of(), "whatsapp", "send", "+" + BOB, "no receipt for this");
        assertThat(alone.exitCode()).as(alone.toString()).isZero();
        assertThat(alone.stdout()).isEqualTo("sent to +" + BOB + " (the bridge does not confirm delivery)\n");
        assertThat(alone.stderr()).doesNotContain("Exception");
        assertThat(sends()).extracting(command -> command.path("text").asText()).containsExactly("no receipt for this");
        assertThat(session.resolve("stopped")).as("the bridge left when the command closed its input").exists();

        // through the running daemon's channel
        startDaemon("openpista: ready");
        Result viaDaemon = DistributionProcess.run(home, Map.of(), "whatsapp", "send", BOB, "nor for this");
        assertThat(viaDaemon.exitCode()).as(viaDaemon.toString()).isZero();
        assertThat(viaDaemon.stdout()).isEqualTo("sent to +" + BOB + " (the bridge does not confirm delivery)\n");
        assertThat(sends()).extracting(command -> command.path("text").asText())
                .containsExactly("no receipt for this", "nor for this");
    }

    @Test
    void aBridgeOfTheUsersOwnIsNeverInstalledIntoAndSaysWhatItLacks() throws Exception {
        // a copy of the bundled bridge in a folder of the user's: package.json and lock file, no node_modules
        Path own = Files.createDirectories(home.resolve("my-bridge"));
        Path shipped = DistributionProcess.dist().resolve("bridge-whatsapp");
        for (String file : List.of("index.js", "package.json", "package-lock.json")) {
            Files.copy(shipped.resolve(file), own.resolve(file));
        }
        config("enabled = true\nbridge_path = \"" + own.resolve("index.js") + "\"", "");

        Result setup = DistributionProcess.run(home, Map.of(), "whatsapp", "setup", "--timeout", "20");

        assertThat(setup.exitCode()).as(setup.toString()).isEqualTo(1);
        assertThat(setup.stderr()).contains("has no node_modules in " + own).contains("yours to prepare")
                .contains("npm ci");
        try (var files = Files.list(own)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder("index.js",
                    "package.json", "package-lock.json");
        }
    }

    @Test
    void cloudModeTakesOnlySignedDeliveriesOnceAndAnswersThroughTheGraphApi() throws Exception {
        String numberId = "106540352242922";
        String secret = "the-app-secret";
        try (FakeGraphApiServer graph = new FakeGraphApiServer(numberId, "EAAG-access")) {
            int port = cloudConfig(graph, numberId, secret);
            llm.enqueue(FakeReply.text("Hello from the agent."));
            startDaemon("openpista: ready");
            URI webhook = URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp");
            HttpClient http = HttpClient.newHttpClient();
            await("the webhook is served", () -> status(http, HttpRequest.newBuilder(webhook).GET()) == 403);

            HttpResponse<String> verified = http.send(HttpRequest.newBuilder(URI.create(webhook
                    + "?hub.mode=subscribe&hub.verify_token=verify-123&hub.challenge=987654")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(verified.statusCode()).isEqualTo(200);
            assertThat(verified.body()).isEqualTo("987654");

            String body = FakeGraphApiServer.textDelivery(numberId, BOB, "wamid.E2E-1", "hi agent");
            assertThat(post(http, webhook, body, null)).isEqualTo(401);
            assertThat(post(http, webhook, body, FakeGraphApiServer.signature(body, "not-the-secret"))).isEqualTo(401);
            assertThat(llm.requests()).isEmpty();

            String signature = FakeGraphApiServer.signature(body, secret);
            assertThat(post(http, webhook, body, signature)).isEqualTo(200);
            assertThat(post(http, webhook, body, signature)).isEqualTo(200);

            FakeGraphApiServer.Call answer = graph.awaitAccepted(1, WAIT).get(0);
            assertThat(answer.to()).isEqualTo(BOB);
            assertThat(answer.text()).isEqualTo("Hello from the agent.");
            assertThat(answer.authorization()).isEqualTo("Bearer EAAG-access");
            Thread.sleep(500);
            assertThat(llm.requests()).as("the duplicate delivery was not processed again").hasSize(1);
            assertThat(graph.calls()).hasSize(1);
            assertThat(stopDaemon()).as("SIGTERM ends the JVM with 128 + 15 after the graceful shutdown").isIn(0, 143);
            assertThat(output()).doesNotContain("EAAG-access").doesNotContain(secret);
        }
    }

    /** @return a real image of the given format, as a phone would send it */
    static byte[] image(String format) throws IOException {
        java.awt.image.BufferedImage picture = new java.awt.image.BufferedImage(8, 6, java.awt.image.BufferedImage.TYPE_INT_RGB);
        picture.setRGB(3, 2, 0xFF8800);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(picture, format, out);
        return out.toByteArray();
    }

    /** A workspace skill whose result carries an image (data_b64), as a chart or screenshot tool's does. */
    void chartSkill(byte[] png) throws IOException {
        Path folder = Files.createDirectories(home.resolve("workspace/skills/chart"));
        Files.writeString(folder.resolve("SKILL.md"), """
                ---
                name: chart
                description: Draws a chart.
                mode: subprocess
                timeout: 30
                ---
                Draws a chart.
                """);
        Files.writeString(folder.resolve("run.sh"), "#!/bin/sh\nprintf '%s' '{\"mime_type\":\"image/png\",\"name\":\"chart.png\","
                + "\"data_b64\":\"" + java.util.Base64.getEncoder().encodeToString(png) + "\"}'\n");
    }

    /** @return the names of the content-addressed media store's files (their SHA-256) */
    List<String> storedMediaNames() throws IOException {
        Path media = home.resolve("media");
        if (!Files.isDirectory(media)) {
            return List.of();
        }
        try (var files = Files.walk(media)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()).toList();
        }
    }

    static String sha256(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
    }

    /** The files of the content-addressed media store (home/media/xx/sha256). */
    long storedMedia() throws IOException {
        Path media = home.resolve("media");
        if (!Files.isDirectory(media)) {
            return 0;
        }
        try (var files = Files.walk(media)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void bridgeModeAPhotoReachesTheModelAToolIsApprovedByANumberedReplyAndItsImageGoesBack() throws Exception {
        byte[] jpeg = image("jpg");
        byte[] png = image("png");
        chartSkill(png);
        config("enabled = true\nbridge_path = \"" + bridge + "\"\nallowed_numbers = [\"" + BOB + "\"]", "");
        Files.writeString(home.resolve("config.toml"), Files.readString(home.resolve("config.toml"))
                .replace("approval = \"auto\"", "approval = \"ask\""));
        Files.write(session.resolve("photo.src"), jpeg);
        String media = "{\"kind\":\"image\",\"mimetype\":\"image/jpeg\",\"file\":\"media-in/photo1\"}";
        Files.writeString(session.resolve("bad.src"), "this is no picture");
        String malformed = "{\"kind\":\"image\",\"mimetype\":\"image/jpeg\",\"file\":\"media-in/bad1\"}";
        bridgeScript("start", connected().replace("}", ",\"media\":true}"), "@copy bad.src bad1",
                "{\"type\":\"message\",\"from\":\"" + BOB + "@s.whatsapp.net\",\"text\":\"\",\"timestamp\":1700000000,"
                        + "\"selfChat\":false,\"id\":\"IN-BAD\",\"media\":" + malformed + "}",
                "@copy photo.src photo1",
                "{\"type\":\"message\",\"from\":\"" + BOB + "@s.whatsapp.net\",\"text\":\"chart this\",\"timestamp\":1700000000,"
                        + "\"selfChat\":false,\"id\":\"IN-PHOTO\",\"media\":" + media + "}");
        // the user answers the question with a numbered reply quoting it; a second, late one changes nothing
        String reply = "{\"type\":\"message\",\"from\":\"" + BOB + "@s.whatsapp.net\",\"text\":\"1\",\"timestamp\":1700000001,"
                + "\"selfChat\":false,\"id\":\"IN-ANSWER\",\"quoted\":\"{id}\"}";
        Files.writeString(session.resolve("when"), "Reply 1 to allow\t" + reply + "\n" + "✅ Allowed: skill.chart\t"
                + reply.replace("IN-ANSWER", "IN-LATE").replace("{id}", "IDr2") + "\n");
        llm.enqueue(FakeReply.toolCall("skill.chart", "{}"), FakeReply.text("Here is your chart."));

        startDaemon("openpista: ready");
        await("the image is sent back", () -> {
            try {
                return sends().size() + imageSends().size() >= 6;
            } catch (IOException e) {
                return false;
            }
        });

        List<org.openpista.testkit.ImageData.Image> images = org.openpista.testkit.ImageData.inRequest(llm.requests().get(0).json());
        assertThat(images).as("the photo reached the model as an image part").singleElement().satisfies(image -> {
            assertThat(image.mimeType()).isEqualTo("image/jpeg");
            assertThat(image.data()).isEqualTo(jpeg);
        });
        assertThat(llm.requests().get(0).body()).contains("chart this");
        assertThat(session.resolve("media-in/photo1")).as("the bridge's file was taken and deleted").doesNotExist();
        List<String> texts = sends().stream().map(command -> command.path("text").asText()).toList();
        assertThat(texts.get(0)).as("a malformed photo is refused with a message")
                .isEqualTo("❌ \"photo.jpg\" is not a valid image: its content is not PNG, JPEG, GIF or WebP");
        assertThat(texts.get(1)).startsWith("🔐 Allow this tool call?\nskill.chart").contains("Reply 1 to allow");
        assertThat(storedMediaNames()).as("the photo and the skill's image are stored, the malformed file is not")
                .containsExactlyInAnyOrder(sha256(jpeg), sha256(png));
        assertThat(texts).contains("✅ Allowed: skill.chart", "This question is no longer open: nothing was changed.",
                "Here is your chart.");
        assertThat(llm.requests()).as("the numbered replies were no messages for the model").hasSize(2);
        assertThat(llm.requests().get(1).body()).contains("shown to the user as an image");
        JsonNode sentImage = imageSends().get(0);
        assertThat(sentImage.path("to").asText()).isEqualTo(BOB + "@s.whatsapp.net");
        assertThat(java.util.Base64.getDecoder().decode(sentImage.path("data").asText())).isEqualTo(png);
    }

    List<JsonNode> imageSends() throws IOException {
        return commands("send_image");
    }

    @Test
    void cloudModeAPhotoReachesTheModelAToolIsApprovedByAButtonAndItsImageIsUploadedAndSent() throws Exception {
        String numberId = "106540352242922";
        String secret = "the-app-secret";
        byte[] jpeg = image("jpg");
        byte[] png = image("png");
        chartSkill(png);
        try (FakeGraphApiServer graph = new FakeGraphApiServer(numberId, "EAAG-access")) {
            int port = cloudConfig(graph, numberId, secret);
            Files.writeString(home.resolve("config.toml"), Files.readString(home.resolve("config.toml"))
                    .replace("approval = \"auto\"", "approval = \"ask\""));
            llm.enqueue(FakeReply.toolCall("skill.chart", "{}"), FakeReply.text("Here is your chart."));
            startDaemon("openpista: ready");
            URI webhook = URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp");
            HttpClient http = HttpClient.newHttpClient();
            await("the webhook is served", () -> status(http, HttpRequest.newBuilder(webhook).GET()) == 403);

            // an oversized photo is refused with a message, and nothing is stored
            String big = graph.addMedia("image/jpeg", new byte[21 * 1024 * 1024]);
            String oversized = FakeGraphApiServer.mediaDelivery(numberId, BOB, "wamid.BIG", "image", big, "image/jpeg", null, null);
            assertThat(post(http, webhook, oversized, FakeGraphApiServer.signature(oversized, secret))).isEqualTo(200);
            assertThat(graph.awaitAccepted(1, WAIT).get(0).text()).startsWith("❌ the file is too large (21.0 MB");
            assertThat(llm.requests()).isEmpty();
            assertThat(storedMedia()).isZero();

            String photo = graph.addMedia("image/jpeg", jpeg);
            String delivery = FakeGraphApiServer.mediaDelivery(numberId, BOB, "wamid.PHOTO", "image", photo, "image/jpeg",
                    "chart this", null);
            assertThat(post(http, webhook, delivery, FakeGraphApiServer.signature(delivery, secret))).isEqualTo(200);

            FakeGraphApiServer.Call question = graph.awaitAccepted(2, WAIT).get(1);
            assertThat(question.type()).isEqualTo("interactive");
            assertThat(question.interactiveText()).startsWith("🔐 Allow this tool call?\nskill.chart");
            List<org.openpista.testkit.ImageData.Image> images = org.openpista.testkit.ImageData.inRequest(
                    llm.requests().get(0).json());
            assertThat(images).as("the photo reached the model as an image part").singleElement().satisfies(image -> {
                assertThat(image.mimeType()).isEqualTo("image/jpeg");
                assertThat(image.data()).isEqualTo(jpeg);
            });
            assertThat(storedMedia()).as("the photo is stored with the message").isEqualTo(1);

            String allow = question.buttonIds().get(0);
            String press = FakeGraphApiServer.buttonReplyDelivery(numberId, BOB, "wamid.PRESS-1", "wamid.FAKE", allow, "Allow");
            assertThat(post(http, webhook, press, FakeGraphApiServer.signature(press, secret))).isEqualTo(200);
            await("the answer and the image are sent", () -> graph.accepted().stream()
                    .anyMatch(call -> call.type().equals("image")) && graph.accepted().stream()
                    .anyMatch(call -> call.text().equals("Here is your chart.")));
            String again = FakeGraphApiServer.buttonReplyDelivery(numberId, BOB, "wamid.PRESS-2", "wamid.FAKE", allow, "Allow");
            assertThat(post(http, webhook, again, FakeGraphApiServer.signature(again, secret))).isEqualTo(200);
            await("the late press is refused", () -> graph.accepted().stream()
                    .anyMatch(call -> call.text().equals("This question is no longer open: nothing was changed.")));

            assertThat(graph.accepted()).extracting(FakeGraphApiServer.Call::text).contains("✅ Allowed: skill.chart");
            assertThat(graph.uploads()).singleElement().satisfies(upload -> assertThat(upload.data()).isEqualTo(png));
            assertThat(llm.requests()).as("button presses were no messages for the model").hasSize(2);
            assertThat(stopDaemon()).isIn(0, 143);
            assertThat(output()).doesNotContain("EAAG-access").doesNotContain(secret);
        }
    }

    static int status(HttpClient http, HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static int post(HttpClient http, URI webhook, String body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
