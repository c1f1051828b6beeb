package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.support.VirtualScreen;

/** {@code screen.capture} as the agent calls it, on a real X server. */
class ScreenCaptureToolTest {

    static VirtualScreen screen;

    @BeforeAll
    static void start() throws Exception {
        screen = VirtualScreen.start(640, 480, null);
    }

    @AfterAll
    static void stop() {
        if (screen != null) {
            screen.close();
        }
    }

    static ToolContext context(Cancellation cancellation) {
        return new ToolContext("s1", "cli", Path.of("/tmp"), Instant.now().plusSeconds(60), cancellation);
    }

    static ToolResult call(ScreenCaptureTool tool, String arguments) {
        return tool.execute(new ToolCall("c1", ScreenCaptureTool.TOOL_NAME, arguments), context(Cancellation.none()));
    }

    static BufferedImage image(Attachment attachment) throws Exception {
        return ImageIO.read(new ByteArrayInputStream(attachment.data()));
    }

    @Test
    void theScreenIsAPngAttachmentAndTheModelIsToldWhatItShows() throws Exception {
        ScreenCaptureTool tool = new ScreenCaptureTool(Configs.defaults(), screen.environment(), "Linux");

        ToolResult result = call(tool, "{}");

        assertThat(result.error()).as(result.content()).isFalse();
        assertThat(result.attachments()).hasSize(1);
        Attachment png = result.attachments().get(0);
        assertThat(png.mimeType()).isEqualTo("image/png");
        assertThat(png.name()).matches("screen-\\d{8}-\\d{6}\\.png");
        assertThat(image(png).getWidth()).isEqualTo(640);
        assertThat(image(png).getHeight()).isEqualTo(480);
        assertThat(result.content()).startsWith("Captured the X11 display " + screen.display() + " (640x480): 640x480"
                + " pixels, ").contains(" PNG, attached as " + png.name() + " and shown to the user.")
                .contains("screen.ocr").doesNotContain("base64");
    }

    @Test
    void aRegionAndADisplayNamedByTheCall() throws Exception {
        ScreenCaptureTool tool = new ScreenCaptureTool(Configs.defaults(), Map.of("PATH", "/usr/bin:/bin"), "Linux");

        ToolResult result = call(tool, "{\"display\": \"" + screen.display() + "\", \"region\": {\"x\": 10, \"y\": 20,"
                + " \"width\": 300, \"height\": 100}}");

        assertThat(result.error()).as(result.content()).isFalse();
        assertThat(image(result.attachments().get(0)).getWidth()).isEqualTo(300);
        assertThat(image(result.attachments().get(0)).getHeight()).isEqualTo(100);
        assertThat(result.content()).startsWith("Captured the region 10,20 300x100 of the X11 display "
                + screen.display());
    }

    @Test
    void withoutADisplayTheErrorSaysWhyAndWhatToConfigure() {
        ScreenCaptureTool tool = new ScreenCaptureTool(Configs.defaults(), Map.of("PATH", "/usr/bin:/bin"), "Linux");

        ToolResult result = call(tool, "{}");

        assertThat(result.error()).isTrue();
        assertThat(result.attachments()).isEmpty();
        assertThat(result.content()).isEqualTo("screen.capture: " + Screens.NO_DISPLAY);
    }

    @Test
    void badArgumentsAreNamed() {
        ScreenCaptureTool tool = new ScreenCaptureTool(Configs.defaults(), screen.environment(), "Linux");

        assertThat(call(tool, "{\"region\": {\"x\": 0, \"y\": 0, \"width\": 0, \"height\": 5}}").content())
                .isEqualTo("invalid arguments: \"region\".width must be 1 to 65535, got 0");
        assertThat(call(tool, "{\"region\": {\"x\": 0, \"y\": 0, \"width\": 5}}").content())
                .isEqualTo("invalid arguments: \"region\" needs \"height\" as a whole number of pixels");
        assertThat(call(tool, "{\"region\": \"top half\"}").content())
                .isEqualTo("invalid arguments: \"region\" must be an object {\"x\", \"y\", \"width\", \"height\"} in"
                        + " pixels");
        assertThat(call(tool, "[1]").content()).startsWith("invalid arguments: arguments must be a JSON object");
        assertThat(call(tool, "{\"display\": \":0; rm -rf /\"}").content())
                .startsWith("invalid arguments: \"display\" has characters no display has");
    }

    @Test
    void aCancelledTurnCapturesNothing() {
        ScreenCaptureTool tool = new ScreenCaptureTool(Configs.defaults(), screen.environment(), "Linux");
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();

        ToolResult result = tool.execute(new ToolCall("c1", ScreenCaptureTool.TOOL_NAME, "{}"), context(cancelled));

        assertThat(result.error()).isTrue();
        assertThat(result.attachments()).isEmpty();
    }

    @Test
    void theSpecDescribesRegionAndDisplay() throws Exception {
        ScreenCaptureTool tool = new ScreenCaptureTool(Configs.defaults(), Map.of(), "Linux");

        JsonNode schema = new ObjectMapper().readTree(tool.spec().parametersSchema());

        assertThat(tool.spec().name()).isEqualTo("screen.capture");
        assertThat(tool.spec().description()).contains("You do not see the image yourself");
        assertThat(schema.path("properties").path("region").path("required").toString())
                .isEqualTo("[\"x\",\"y\",\"width\",\"height\"]");
        assertThat(schema.path("properties").path("display").path("type").asText()).isEqualTo("string");
    }
}
