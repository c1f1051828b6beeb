package org.openpista.tool.desktop.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.support.Required;
import org.openpista.tool.support.VirtualScreen;

/**
 * {@code system.clipboard} on a real X server (Xvfb) through Debian's xclip; what it writes is read
 * back by xclip run by the test, and what the test puts there is read by the tool.
 */
class ClipboardToolTest {

    static final String TEXT = "Ünïcödé ✓ — line one\n\tline two with \"quotes\" and $HOME\n";

    static VirtualScreen screen;

    @TempDir
    Path emptyFolder;

    @BeforeAll
    static void start() throws Exception {
        Required.program("xclip", "xclip");
        screen = VirtualScreen.start();
    }

    @AfterAll
    static void stop() {
        if (screen != null) {
            screen.close();
        }
    }

    @BeforeEach
    void emptyTheClipboard() throws Exception {
        // an empty string put there by xclip: every test starts from a clipboard whose text is ""
        xclip("", "-selection", "clipboard", "-in");
    }

    static ToolResult call(ClipboardTool tool, String arguments) {
        return tool.execute(new ToolCall("c1", ClipboardTool.TOOL_NAME, arguments),
                new ToolContext("s1", "cli", Path.of("/tmp"), Instant.now().plusSeconds(60), Cancellation.none()));
    }

    /** Runs xclip on the test's display, independently of the bundle. */
    static String xclip(String stdin, String... arguments) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                java.util.stream.Stream.concat(java.util.stream.Stream.of("xclip"), List.of(arguments).stream()).toList());
        builder.environment().put("DISPLAY", screen.display());
        Path output = java.nio.file.Files.createTempFile("xclip", ".out");
        builder.redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        process.waitFor(30, TimeUnit.SECONDS);
        // xclip -in leaves a child serving the clipboard that holds the output file open; -out ends
        String read = java.nio.file.Files.readString(output);
        java.nio.file.Files.delete(output);
        return read;
    }

    @Test
    void whatTheToolWritesIsOnTheClipboardForOtherPrograms() throws Exception {
        ClipboardTool tool = new ClipboardTool(Configs.defaults(), screen.environment(), "Linux");

        ToolResult result = call(tool, "{\"action\": \"write\", \"text\": " + json(TEXT) + "}");

        assertThat(result.error()).as(result.content()).isFalse();
        assertThat(result.content()).isEqualTo("Put " + TEXT.length() + " characters on the clipboard of the X11"
                + " display " + screen.display() + " (xclip).");
        assertThat(xclip("", "-selection", "clipboard", "-out")).isEqualTo(TEXT);
    }

    @Test
    void whatAnotherProgramCopiedIsReadExactly() throws Exception {
        xclip(TEXT, "-selection", "clipboard", "-in");
        ClipboardTool tool = new ClipboardTool(Configs.defaults(), screen.environment(), "Linux");

        ToolResult result = call(tool, "{\"action\": \"read\"}");

        assertThat(result.error()).as(result.content()).isFalse();
        assertThat(result.content()).isEqualTo("The clipboard of the X11 display " + screen.display() + " (xclip) holds "
                + TEXT.length() + " characters:\n\n" + TEXT);
    }

    @Test
    void aWriteIsReadBackByTheTool() {
        ClipboardTool tool = new ClipboardTool(Configs.defaults(), screen.environment(), "Linux");

        call(tool, "{\"action\": \"write\", \"text\": \"first\"}");
        call(tool, "{\"action\": \"write\", \"text\": \"second\"}");

        assertThat(call(tool, "{\"action\": \"read\"}").content()).endsWith(" holds 6 characters:\n\nsecond");
    }

    @Test
    void anEmptyClipboardHoldsNoText() {
        ClipboardTool tool = new ClipboardTool(Configs.defaults(), screen.environment(), "Linux");

        ToolResult result = call(tool, "{\"action\": \"read\"}");

        assertThat(result.error()).as(result.content()).isFalse();
        assertThat(result.content()).isEqualTo("The clipboard of the X11 display " + screen.display()
                + " (xclip) holds no text.");
    }

    @Test
    void aLongClipboardIsCutForTheModel() throws Exception {
        xclip("y".repeat(500), "-selection", "clipboard", "-in");
        ClipboardTool tool = new ClipboardTool(Configs.desktop(Map.of("max_chars", 100)), screen.environment(), "Linux");

        ToolResult result = call(tool, "{\"action\": \"read\"}");

        assertThat(result.content()).endsWith(" holds 500 characters:\n\n" + "y".repeat(100)
                + "\n[… 400 more characters cut]");
    }

    @Test
    void aConfiguredDisplayServesADaemonWithoutOne() {
        ClipboardTool tool = new ClipboardTool(Configs.desktop(Map.of("display", screen.display())),
                Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin")), "Linux");

        assertThat(call(tool, "{\"action\": \"write\", \"text\": \"via config\"}").error()).isFalse();
        assertThat(call(tool, "{\"action\": \"read\"}").content()).endsWith("via config");
    }

    @Test
    void withoutADesktopSessionTheErrorSaysWhatToConfigure() {
        ClipboardTool tool = new ClipboardTool(Configs.defaults(), Map.of("PATH", "/usr/bin"), "Linux");

        ToolResult result = call(tool, "{\"action\": \"read\"}");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("system.clipboard: " + Clipboard.NO_SESSION);
    }

    @Test
    void withoutXclipOrXselTheErrorSaysHowToInstallOne() {
        ClipboardTool tool = new ClipboardTool(Configs.defaults(), Map.of("DISPLAY", ":0", "PATH",
                emptyFolder.toString()), "Linux");

        ToolResult result = call(tool, "{\"action\": \"write\", \"text\": \"x\"}");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("system.clipboard: cannot reach the clipboard of the X11 display :0: "
                + Clipboard.NO_X11_PROGRAM);
    }

    @Test
    void aWaylandSessionWithoutWlClipboardOrXwaylandSaysWhatToInstall() {
        ClipboardTool tool = new ClipboardTool(Configs.defaults(), Map.of("WAYLAND_DISPLAY", "wayland-0", "PATH",
                emptyFolder.toString()), "Linux");

        ToolResult result = call(tool, "{\"action\": \"read\"}");

        assertThat(result.content()).isEqualTo("system.clipboard: cannot reach the clipboard of this Wayland session: "
                + Clipboard.NO_WAYLAND_PROGRAM);
    }

    @Test
    void badArgumentsAreNamed() {
        ClipboardTool tool = new ClipboardTool(Configs.defaults(), screen.environment(), "Linux");

        assertThat(call(tool, "{}").content()).isEqualTo("invalid arguments: \"action\" is required: read or write");
        assertThat(call(tool, "{\"action\": \"copy\"}").content())
                .isEqualTo("invalid arguments: \"action\" must be one of read, write, not \"copy\"");
        assertThat(call(tool, "{\"action\": \"write\"}").content())
                .isEqualTo("invalid arguments: \"text\" is required to write");
    }

    static String json(String text) {
        return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(text).toString();
    }
}
