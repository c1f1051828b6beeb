package org.openpista.tool.screen.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.settings.SettingsSection;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.support.ChildProcess;
import org.openpista.tool.support.Watchdog;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code screen.capture} tool: a screenshot of the owner's screen, or a region of it, as a PNG
 * attachment. The attachment is shown to the user and stored with the message; the model gets a line
 * saying what was captured (images never reach it as text), and is pointed to {@code screen.ocr}.
 *
 * <p>Nothing is opened or looked for until a call comes: the component only builds its spec. See
 * {@link Screens} for how the screen is reached.
 */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + ScreenCaptureTool.TOOL_NAME,
            Tool.DESCRIPTION + "=" + ScreenCaptureTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + ScreenCaptureTool.PARAMETERS,
            Tool.APPROVAL_NOTE + "=takes a picture of your screen; it is shown here and kept with the conversation"
        },
        configurationPid = ScreenCaptureTool.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ScreenConfig.class)
@SettingsSection(value = "tools.screen", pid = ScreenCaptureTool.PID, formats = "languages=csv")
public final class ScreenCaptureTool implements Tool {

    /** The tool's name. */
    static final String TOOL_NAME = "screen.capture";

    /** The configuration PID of both screen tools. */
    static final String PID = "org.openpista.tool.screen";

    static final String DESCRIPTION = "Takes a screenshot of the owner's screen, or of a region of it, as a PNG"
            + " that is shown to the user and stored with the conversation. You do not see the image yourself:"
            + " screen.ocr reads the text on the screen. Works on X11 desktops, on Wayland compositors that"
            + " grim supports, and on macOS; fails with the reason on a machine without a screen.";

    /** The arguments; {@code screen.ocr} takes these and more. */
    static final String PARAMETERS = """
            {"type":"object","properties":{"region":{"type":"object",\
            "description":"A rectangle of the screen in pixels, origin at the top left; the part on the screen is\
             taken. Default: the whole screen.",\
            "properties":{"x":{"type":"integer","minimum":0},"y":{"type":"integer","minimum":0},\
            "width":{"type":"integer","minimum":1},"height":{"type":"integer","minimum":1}},\
            "required":["x","y","width","height"]},\
            "display":{"type":"string","description":"Which screen: an X11 display such as \\":0\\", a Wayland output\
             such as \\"HDMI-A-1\\" (grim), or a macOS display number (1 is the main one). Default: the desktop\
             openpista runs in."}}}""";

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final ObjectMapper mapper = new ObjectMapper();
    private final ScreenSettings settings;
    private final Screens screens;

    /**
     * Activated by DS.
     *
     * @param context for the environment, including the variables the launcher keeps out of the
     *     process's own (XAUTHORITY, TESSDATA_PREFIX …)
     * @param config {@code [tools.screen]}, defaults when the table is missing
     */
    @Activate
    public ScreenCaptureTool(BundleContext context, ScreenConfig config) {
        this(config, ChildProcess.daemonEnvironment(context, Tesseract.VARIABLES), System.getProperty("os.name"));
    }

    /**
     * @param environment the daemon's environment ({@code DISPLAY}, {@code WAYLAND_DISPLAY}, {@code PATH} …)
     * @param osName the value of {@code os.name}
     */
    ScreenCaptureTool(ScreenConfig config, Map<String, String> environment, String osName) {
        this.settings = ScreenSettings.of(config);
        this.screens = new Screens(settings, environment, osName);
    }

    @Override
    public ToolSpec spec() {
        return new ToolSpec(TOOL_NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) {
        ScreenArguments arguments;
        try {
            arguments = ScreenArguments.parse(call.arguments(), mapper);
        } catch (IllegalArgumentException e) {
            return ToolResult.error("invalid arguments: " + e.getMessage());
        }
        Cancellation cancellation = context == null || context.cancellation() == null
                ? Cancellation.none() : context.cancellation();
        Duration timeout = Watchdog.limit(settings.timeout(), context == null ? null : context.deadline());
        if (cancellation.isCancelled() || timeout.isZero()) {
            return ToolResult.error("the turn was cancelled or has no time left; nothing was captured");
        }
        Shot shot;
        try {
            shot = screens.png(screens.target(arguments.display()), arguments.region(), cancellation, timeout);
        } catch (ScreenException e) {
            return ToolResult.error("screen.capture: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return ToolResult.error("screen.capture failed: " + e);
        }
        String name = "screen-" + LocalDateTime.now().format(STAMP) + ".png";
        String text = "Captured " + shot.what() + ": " + shot.width() + "x" + shot.height() + " pixels, "
                + kilobytes(shot.png().length) + " PNG, attached as " + name + " and shown to the user. You do not"
                + " see the image; screen.ocr reads its text." + (shot.note().isEmpty() ? "" : " " + shot.note());
        return new ToolResult(text, false, List.of(new Attachment("image/png", name, shot.png())));
    }


    static String kilobytes(int bytes) {
        return bytes < 1024 ? bytes + " bytes" : (bytes + 512) / 1024 + " KB";
    }
}
