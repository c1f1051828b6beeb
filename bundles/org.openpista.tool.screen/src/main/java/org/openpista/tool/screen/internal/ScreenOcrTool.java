package org.openpista.tool.screen.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.support.ChildProcess;
import org.openpista.tool.support.Watchdog;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * The {@code screen.ocr} tool: the text on the owner's screen, or a region of it, read by Tesseract.
 * The screen is captured as {@code screen.capture} does, turned grey (inverted when it is mostly
 * dark), enlarged by {@code ocr_scale} and handed to {@link Tesseract}. Reads {@code [tools.screen]}
 * through {@link ScreenConfig}, which {@link ScreenCaptureTool} designates.
 */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + ScreenOcrTool.TOOL_NAME,
            Tool.APPROVAL_NOTE + "=reads the text on your screen and gives it to the model"
        },
        configurationPid = ScreenCaptureTool.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class ScreenOcrTool implements Tool {

    /** The tool's name. */
    static final String TOOL_NAME = "screen.ocr";

    private final ObjectMapper mapper = new ObjectMapper();
    private final ScreenSettings settings;
    private final Screens screens;
    private final Tesseract tesseract;
    private final ToolSpec spec;

    /**
     * Activated by DS.
     *
     * @param context for the environment, including the variables the launcher keeps out of the
     *     process's own (XAUTHORITY, TESSDATA_PREFIX …)
     * @param config {@code [tools.screen]}, defaults when the table is missing
     */
    @Activate
    public ScreenOcrTool(BundleContext context, ScreenConfig config) {
        this(config, ChildProcess.daemonEnvironment(context, Tesseract.VARIABLES), System.getProperty("os.name"));
    }

    /**
     * @param environment the daemon's environment ({@code DISPLAY}, {@code PATH}, {@code TESSDATA_PREFIX} …)
     * @param osName the value of {@code os.name}
     */
    ScreenOcrTool(ScreenConfig config, Map<String, String> environment, String osName) {
        this.settings = ScreenSettings.of(config);
        this.screens = new Screens(settings, environment, osName);
        this.tesseract = new Tesseract(expandHome(settings.tesseract(), environment), environment);
        this.spec = new ToolSpec(TOOL_NAME, "Reads the text on the owner's screen, or on a region of it, with"
                + " Tesseract OCR and returns it as plain text, line by line. Languages available: "
                + String.join(", ", settings.languages()) + " (all of them unless lang picks some).", schema());
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) {
        ScreenArguments arguments;
        String languages;
        boolean boxes;
        try {
            arguments = ScreenArguments.parse(call.arguments(), mapper);
            languages = Tesseract.languages(arguments.lang(), settings.languages());
            boxes = ScreenArguments.flag(call.arguments(), mapper, "boxes");
        } catch (IllegalArgumentException e) {
            return ToolResult.error("invalid arguments: " + e.getMessage());
        } catch (ScreenException e) {
            return ToolResult.error("screen.ocr: " + e.getMessage());
        }
        Cancellation cancellation = context == null || context.cancellation() == null
                ? Cancellation.none() : context.cancellation();
        Duration timeout = Watchdog.limit(settings.timeout(), context == null ? null : context.deadline());
        if (cancellation.isCancelled() || timeout.isZero()) {
            return ToolResult.error("the turn was cancelled or has no time left; nothing was read");
        }
        Instant end = Instant.now().plus(timeout);
        Scan scan;
        List<OcrLine> lines;
        try {
            scan = screens.grey(screens.target(arguments.display()), arguments.region(), cancellation, timeout);
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            scan.image().png(png, settings.scale());
            Duration left = Watchdog.limit(timeout, end);
            if (left.isZero()) {
                return ToolResult.error("screen.ocr: no time was left for recognition after the capture");
            }
            lines = tesseract.read(png.toByteArray(), languages, settings.passes(), left, cancellation);
        } catch (ScreenException e) {
            return ToolResult.error("screen.ocr: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return ToolResult.error("screen.ocr failed: " + e);
        }
        String text = OcrText.text(lines, settings.scale(), scan.x(), scan.y(), boxes);
        if (text.isEmpty()) {
            return ToolResult.ok("No text was recognised on " + scan.what() + " (Tesseract, " + languages + ").");
        }
        return ToolResult.ok("Text on " + scan.what() + " (Tesseract, " + languages + ")"
                + (boxes ? ", each line after its box on the screen [x,y widthxheight]" : "") + ":\n\n"
                + cut(text, settings.maxChars()));
    }

    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "\n[… " + (text.length() - max) + " more characters cut; pass a region to"
                + " read a part of the screen]";
    }

    /** @return screen.capture's arguments and two more; not constant (the languages are configured), so not published */
    private String schema() {
        ObjectNode schema;
        try {
            schema = (ObjectNode) mapper.readTree(ScreenCaptureTool.PARAMETERS);
        } catch (IOException e) {
            throw new IllegalStateException("screen.capture's PARAMETERS are not JSON", e);
        }
        ObjectNode properties = (ObjectNode) schema.get("properties");
        properties.putObject("boxes")
                .put("type", "boolean")
                .put("description", "Put each line's box on the screen before it, [x,y widthxheight] in pixels, to"
                        + " find where something is. Default: false.");
        properties.putObject("lang")
                .put("type", "string")
                .put("description", "Tesseract languages to read with, joined by +, among: "
                        + String.join(", ", settings.languages()) + ". Default: " + String.join("+", settings.languages())
                        + ".");
        return schema.toString();
    }

    private static String expandHome(String path, Map<String, String> environment) {
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        if (path.equals("~")) {
            return home;
        }
        return path.startsWith("~/") ? home + path.substring(1) : path;
    }
}
