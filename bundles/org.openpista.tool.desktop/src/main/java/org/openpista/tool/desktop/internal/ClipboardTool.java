package org.openpista.tool.desktop.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
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
 * The {@code system.clipboard} tool: reads the text on the owner's clipboard or puts text there. See
 * {@link Clipboard} for the programs it uses. Reads {@code [tools.desktop]} through {@link
 * DesktopConfig}, which {@link NotifyTool} designates.
 */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + ClipboardTool.TOOL_NAME,
            Tool.DESCRIPTION + "=" + ClipboardTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + ClipboardTool.PARAMETERS,
            Tool.APPROVAL_NOTE + "=read: gives the text on your clipboard to the model; write: replaces it"
        },
        configurationPid = NotifyTool.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public final class ClipboardTool implements Tool {

    /** The tool's name. */
    static final String TOOL_NAME = "system.clipboard";

    static final List<String> ACTIONS = List.of("read", "write");
    static final int MAX_WRITE = 1_000_000;

    static final String DESCRIPTION = "Reads the text on the owner's clipboard (action read) or puts text"
            + " there (action write, with text), on X11, Wayland and macOS desktops. Text only.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"action":{"type":"string",\
            "description":"read: return the clipboard's text; write: replace it with text.",\
            "enum":["read","write"]},"text":{"type":"string",\
            "maxLength":""" + MAX_WRITE + """
            ,"description":"The text to put on the clipboard (write only)."}},"required":["action"]}""";

    private final ObjectMapper mapper = new ObjectMapper();
    private final DesktopSettings settings;
    private final Clipboard clipboard;

    /**
     * Activated by DS.
     *
     * @param context for the environment, including the variables the launcher keeps out of the
     *     process's own (XAUTHORITY, TESSDATA_PREFIX …)
     * @param config {@code [tools.desktop]}, defaults when the table is missing
     */
    @Activate
    public ClipboardTool(BundleContext context, DesktopConfig config) {
        this(config, ChildProcess.daemonEnvironment(context), System.getProperty("os.name"));
    }

    /**
     * @param environment the daemon's environment ({@code DISPLAY}, {@code WAYLAND_DISPLAY}, {@code PATH} …)
     * @param osName the value of {@code os.name}
     */
    ClipboardTool(DesktopConfig config, Map<String, String> environment, String osName) {
        this.settings = DesktopSettings.of(config);
        this.clipboard = new Clipboard(settings.display(), environment, osName);
    }

    @Override
    public ToolSpec spec() {
        return new ToolSpec(TOOL_NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) {
        String action;
        String text;
        try {
            Arguments arguments = Arguments.parse(call.arguments(), mapper);
            action = arguments.choice("action", ACTIONS);
            if (action == null) {
                throw new IllegalArgumentException("\"action\" is required: read or write");
            }
            text = arguments.text("text", MAX_WRITE);
            if (action.equals("write") && text == null) {
                throw new IllegalArgumentException("\"text\" is required to write");
            }
        } catch (IllegalArgumentException e) {
            return ToolResult.error("invalid arguments: " + e.getMessage());
        }
        Cancellation cancellation = context == null || context.cancellation() == null
                ? Cancellation.none() : context.cancellation();
        Duration timeout = Watchdog.limit(settings.timeout(), context == null ? null : context.deadline());
        if (cancellation.isCancelled() || timeout.isZero()) {
            return ToolResult.error("the turn was cancelled or has no time left; the clipboard was not touched");
        }
        try {
            Clipboard.Programs programs = clipboard.programs();
            if (action.equals("write")) {
                clipboard.write(programs, text, timeout, cancellation);
                return ToolResult.ok("Put " + text.length() + " characters on " + programs.what() + ".");
            }
            String content = clipboard.read(programs, timeout, cancellation);
            if (content.isEmpty()) {
                return ToolResult.ok(capitalised(programs.what()) + " holds no text.");
            }
            return ToolResult.ok(capitalised(programs.what()) + " holds " + content.length() + " characters:\n\n"
                    + cut(content, settings.maxChars()));
        } catch (DesktopException e) {
            return ToolResult.error("system.clipboard: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return ToolResult.error("system.clipboard failed: " + e);
        }
    }

    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        return text.substring(0, max) + "\n[… " + (text.length() - max) + " more characters cut]";
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

}
