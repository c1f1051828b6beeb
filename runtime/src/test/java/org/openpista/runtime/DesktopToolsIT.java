package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * The desktop feature end to end: `openpista run -e` of the real distribution on a real X server
 * (Xvfb) that shows a window with known text; the fake LLM calls screen.ocr and screen.capture, and
 * what it gets back is what the model would read.
 */
class DesktopToolsIT {

    static final String TEXT = "Quarterly report 2025: revenue grew by 17 percent";

    @TempDir
    Path home;

    @TempDir
    Path logs;

    FakeOpenAiServer fake;
    final List<Process> processes = new ArrayList<>();
    String display;
    Path authority;

    @BeforeEach
    void start() throws Exception {
        for (String[] program : new String[][] {{"Xvfb", "xvfb"}, {"xmessage", "x11-utils"},
                {"tesseract", "tesseract-ocr tesseract-ocr-eng"}}) {
            require(program[0], program[1]);
        }
        // like a desktop's X server, it lets in only clients with the cookie of its authority file, which
        // XAUTHORITY names; the launcher hands that variable over outside the process's environment.
        // -audit 4: the server logs every client that connects
        authority = cookieFile(logs.resolve("Xauthority"));
        Process xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-noreset", "-screen", "0", "800x480x24", "-nolisten", "tcp",
                "-br", "-audit", "4", "-auth", authority.toString()).redirectError(logs.resolve("xvfb.log").toFile())
                .start();
        processes.add(xvfb);
        BufferedReader out = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII));
        String number = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
        assertThat(number).as("the display Xvfb took").matches("\\d+");
        display = ":" + number;
        ProcessBuilder window = new ProcessBuilder("xmessage", "-title", "openpista-it", "-geometry", "+40+60", "-fn",
                "10x20", "-bg", "#FFFFFF", "-fg", "#000000", TEXT).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        window.environment().put("DISPLAY", display);
        window.environment().put("XAUTHORITY", authority.toString());
        Process shown = window.start();
        processes.add(shown);
        awaitWindow(shown);
        fake = new FakeOpenAiServer();
        ShellTurn.writeConfig(home, fake, """
                [tools.screen]
                languages = ["eng"]
                """);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (fake != null) {
            fake.close();
        }
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).destroy();
            processes.get(i).waitFor(10, TimeUnit.SECONDS);
        }
    }

    static void require(String program, String debianPackage) {
        boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(folder -> Files.isExecutable(Path.of(folder, program)));
        if (!found) {
            String reason = program + " is needed (Debian: apt install " + debianPackage + "; .ci/run installs it)";
            if ("all".equals(System.getenv("OPENPISTA_IT_REQUIRE"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason);
        }
    }

    /** Waits until the X server has mapped the window (xwininfo, x11-utils). */
    void awaitWindow(Process window) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline) && window.isAlive()) {
            ProcessBuilder info = new ProcessBuilder("xwininfo", "-name", "openpista-it").redirectErrorStream(true);
            info.environment().put("DISPLAY", display);
            info.environment().put("XAUTHORITY", authority.toString());
            Process process = info.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            if (output.contains("IsViewable")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("xmessage did not show its window on " + display
                + (window.isAlive() ? " within 60 s" : " (exit code " + window.exitValue() + ")"));
    }

    /** @return an X authority file with one cookie for any display, as libXau writes it */
    static Path cookieFile(Path file) throws IOException {
        byte[] cookie = new byte[16];
        new java.security.SecureRandom().nextBytes(cookie);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
        out.writeShort(0xffff); // FamilyWild
        for (byte[] field : new byte[][] {new byte[0], new byte[0],
                "MIT-MAGIC-COOKIE-1".getBytes(StandardCharsets.US_ASCII), cookie}) {
            out.writeShort(field.length);
            out.write(field);
        }
        return Files.write(file, bytes.toByteArray());
    }

    /** @return how many clients have connected to the X server so far */
    long connections() throws IOException {
        return Files.readAllLines(logs.resolve("xvfb.log")).stream()
                .filter(line -> line.startsWith("AUDIT") && line.contains(" connected from ")).count();
    }

    /** @return the tool results the fake received in its last request, in order */
    List<String> toolResults() {
        List<String> results = new ArrayList<>();
        for (JsonNode message : fake.lastRequest().json().path("messages")) {
            if (message.path("role").asText().equals("tool")) {
                results.add(message.path("content").asText());
            }
        }
        return results;
    }

    @Test
    void theModelReadsTheScreenAndTheUserGetsItsPicture() throws Exception {
        fake.enqueue(FakeReply.toolCall("screen.ocr", "{}"),
                FakeReply.toolCall("screen.capture", "{\"region\": {\"x\": 0, \"y\": 0, \"width\": 400, \"height\": 200}}"),
                FakeReply.text("Your screen shows the quarterly report."));
        long before = connections();

        Result result = DistributionProcess.run(home, Map.of("DISPLAY", display, "XAUTHORITY", authority.toString()),
                "run", "-e", "what is on my screen?");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("Your screen shows the quarterly report.\n");
        assertThat(connections()).as("one X connection per screen tool call").isEqualTo(before + 2);
        JsonNode tools = fake.requests().get(0).json().path("tools");
        assertThat(tools.toString()).contains("screen_ocr").contains("screen_capture").contains("system_notify")
                .contains("system_clipboard");
        List<String> results = toolResults();
        assertThat(results.get(0)).startsWith("Text on the X11 display " + display + " (800x480) (Tesseract, eng):")
                .contains(TEXT);
        assertThat(results.get(1)).startsWith("Captured the region 0,0 400x200 of the X11 display " + display)
                .contains("attached as screen-").doesNotContain("data_b64").doesNotContain("iVBORw0KGgo");
        // the picture is kept with the tool's message, as a PNG of the region
        try (Connection db = new org.sqlite.JDBC().connect("jdbc:sqlite:" + home.resolve("memory.db"), new Properties());
                Statement query = db.createStatement();
                ResultSet rows = query.executeQuery("SELECT mime_type, name, sha256 FROM attachments")) {
            assertThat(rows.next()).as("one stored attachment").isTrue();
            assertThat(rows.getString(1)).isEqualTo("image/png");
            assertThat(rows.getString(2)).matches("screen-\\d{8}-\\d{6}\\.png");
            // its bytes in the media file named by their SHA-256, beside memory.db
            String sha = rows.getString(3);
            assertThat(sha).matches("[0-9a-f]{64}");
            byte[] png = Files.readAllBytes(home.resolve("media").resolve(sha.substring(0, 2)).resolve(sha));
            java.nio.ByteBuffer header = java.nio.ByteBuffer.wrap(png, 16, 8);
            assertThat(header.getInt()).isEqualTo(400);
            assertThat(header.getInt()).isEqualTo(200);
            assertThat(rows.next()).isFalse();
        }
    }

    @Test
    void aTurnThatUsesNoDesktopToolLeavesTheDisplayAlone() throws Exception {
        fake.enqueue(FakeReply.text("Hello."));
        long before = connections();

        Result result = DistributionProcess.run(home, Map.of("DISPLAY", display, "XAUTHORITY", authority.toString()),
                "run", "-e", "hello");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(fake.requests().get(0).json().path("tools").toString()).contains("screen_capture");
        assertThat(connections()).as("X clients connected during the turn").isEqualTo(before);
    }

    @Test
    void withoutADisplayTheModelIsToldWhatIsMissing() throws Exception {
        fake.enqueue(FakeReply.toolCall("screen.capture", "{}"), FakeReply.text("There is no screen here."));

        // empty counts as unset: the test machine's own desktop, if any, stays out
        Result result = DistributionProcess.run(home, Map.of("DISPLAY", "", "WAYLAND_DISPLAY", ""), "run", "-e",
                "take a screenshot");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(toolResults().get(0)).startsWith("screen.capture: there is no screen to capture: the daemon has"
                + " neither DISPLAY nor WAYLAND_DISPLAY");
    }
}
