package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.support.Required;
import org.openpista.tool.support.VirtualScreen;

/**
 * {@code screen.ocr} on a real X server showing known text, read back by Debian's Tesseract: a
 * light window in a large font and a dark-theme one in X's small default font, on a black screen.
 */
class ScreenOcrToolTest {

    static final String REPORT = "Quarterly report 2025: revenue grew by 17 percent";
    static final String MEETING = "Meeting with Ada at 15:30 in room 4B";

    static VirtualScreen screen;

    @BeforeAll
    static void start() throws Exception {
        Required.program("tesseract", "tesseract-ocr tesseract-ocr-eng");
        screen = VirtualScreen.start(800, 480, null);
        screen.window(REPORT, 40, 60, "10x20", "#FFFFFF", "#000000");
        screen.window(MEETING, 40, 300, "fixed", "#2050F0", "#FFFFFF");
        X11CaptureTest.awaitPixel(screen, 42, 62, 0xffffff);
        X11CaptureTest.awaitPixel(screen, 42, 302, 0x2050f0);
    }

    @AfterAll
    static void stop() {
        if (screen != null) {
            screen.close();
        }
    }

    static ToolResult call(ScreenOcrTool tool, String arguments) {
        return tool.execute(new ToolCall("c1", ScreenOcrTool.TOOL_NAME, arguments),
                new ToolContext("s1", "cli", Path.of("/tmp"), Instant.now().plusSeconds(120), Cancellation.none()));
    }

    @Test
    void theTextOfTheWholeScreenIsReadBack() {
        ScreenOcrTool tool = new ScreenOcrTool(Configs.defaults(), screen.environment(), "Linux");

        ToolResult result = call(tool, "{}");

        assertThat(result.error()).as(result.content()).isFalse();
        assertThat(result.attachments()).isEmpty();
        assertThat(result.content()).startsWith("Text on the X11 display " + screen.display() + " (800x480)"
                + " (Tesseract, eng):\n\n");
        assertThat(result.content().lines()).contains(REPORT);
        // X's 6x13 "fixed" font is smaller than any desktop's; its words are what the model needs
        assertThat(result.content()).contains("with Ada at 15:30 in room 4B");
    }

    @Test
    void aRegionReadsOnlyWhatIsInIt() {
        ScreenOcrTool tool = new ScreenOcrTool(Configs.defaults(), screen.environment(), "Linux");

        ToolResult result = call(tool, "{\"region\": {\"x\": 30, \"y\": 280, \"width\": 400, \"height\": 60},"
                + " \"lang\": \"eng\"}");

        assertThat(result.error()).as(result.content()).isFalse();
        assertThat(result.content()).startsWith("Text on the region 30,280 400x60 of the X11 display")
                .contains("with Ada at 15:30 in room 4B").doesNotContain("Quarterly");
    }

    @Test
    void anEmptyPartOfTheScreenHasNoText() {
        ScreenOcrTool tool = new ScreenOcrTool(Configs.defaults(), screen.environment(), "Linux");

        ToolResult result = call(tool, "{\"region\": {\"x\": 500, \"y\": 400, \"width\": 200, \"height\": 50}}");

        assertThat(result.error()).as(result.content()).isFalse();
        assertThat(result.content()).isEqualTo("No text was recognised on the region 500,400 200x50 of the X11 display "
                + screen.display() + " (800x480) (Tesseract, eng).");
    }

    @Test
    void aLanguageThatIsNotConfiguredIsRefusedWithTheOnesThatAre() {
        ScreenOcrTool tool = new ScreenOcrTool(Configs.defaults(), screen.environment(), "Linux");

        ToolResult result = call(tool, "{\"lang\": \"eng+deu\"}");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("screen.ocr: the language \"deu\" is not among [tools.screen] languages"
                + " (eng); add it there, with its Tesseract data, to use it");
    }

    @Test
    void aConfiguredLanguageWithoutDataNamesThePackageThatHasIt() {
        ScreenOcrTool tool = new ScreenOcrTool(Configs.screen(Map.of("languages", new String[] {"eng", "chi_sim_xyz"})),
                screen.environment(), "Linux");

        ToolResult result = call(tool, "{\"lang\": \"chi_sim_xyz\", \"region\": {\"x\": 0, \"y\": 0, \"width\": 50,"
                + " \"height\": 50}}");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("screen.ocr: Tesseract has no data for the language \"chi_sim_xyz\""
                + " (Debian/Ubuntu: sudo apt install tesseract-ocr-chi-sim-xyz; macOS: brew install tesseract-lang)");
    }

    @Test
    void withoutTesseractTheErrorSaysHowToInstallIt() {
        ScreenOcrTool tool = new ScreenOcrTool(Configs.screen(Map.of("tesseract", "/nonexistent/tesseract")),
                screen.environment(), "Linux");

        ToolResult result = call(tool, "{}");

        assertThat(result.error()).isTrue();
        assertThat(result.content()).isEqualTo("screen.ocr: [tools.screen] tesseract = \"/nonexistent/tesseract\" is"
                + " not an executable file; " + Tesseract.MISSING);
    }

    @Test
    void theSpecListsTheConfiguredLanguages() {
        ScreenOcrTool tool = new ScreenOcrTool(Configs.screen(Map.of("languages", new String[] {"eng", "deu"})),
                Map.of(), "Linux");

        assertThat(tool.spec().name()).isEqualTo("screen.ocr");
        assertThat(tool.spec().description()).contains("Languages available: eng, deu");
        assertThat(tool.spec().parametersSchema()).contains("Default: eng+deu.");
    }

    @Test
    void boxesSayWhereEachLineIsOnTheScreen() {
        ScreenOcrTool tool = new ScreenOcrTool(Configs.defaults(), screen.environment(), "Linux");

        ToolResult result = call(tool, "{\"boxes\": true, \"region\": {\"x\": 30, \"y\": 280, \"width\": 400,"
                + " \"height\": 60}}");

        assertThat(result.error()).as(result.content()).isFalse();
        String line = result.content().lines().filter(text -> text.contains("with Ada")).findFirst().orElseThrow();
        // the window is at 40,300; its text starts a few pixels in, in the region's coordinates plus its origin
        assertThat(line).matches("\\[(4\\d|5\\d),(30\\d|31\\d) \\d+x1\\d\\] .*with Ada at 15:30 in room 4B.*");
    }

    @Test
    void longTextIsCut() {
        assertThat(ScreenOcrTool.cut("x".repeat(150), 100)).startsWith("x".repeat(100) + "\n[… 50 more characters cut");
    }
}
