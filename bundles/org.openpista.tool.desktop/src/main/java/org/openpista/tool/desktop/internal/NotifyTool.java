package org.openpista.tool.desktop.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The {@code system.notify} tool: a notification on the owner's desktop, with a title, a body and an
 * urgency. See {@link Notifier} for how it gets there. Nothing is opened or looked for until a call
 * comes.
 */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + NotifyTool.TOOL_NAME,
            Tool.DESCRIPTION + "=" + NotifyTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + NotifyTool.PARAMETERS,
            Tool.APPROVAL_NOTE + "=shows a notification on your desktop"
        },
        configurationPid = NotifyTool.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DesktopConfig.class)
@SettingsSection(value = "tools.desktop", pid = NotifyTool.PID)
public final class NotifyTool implements Tool {

    /** The tool's name. */
    static final String TOOL_NAME = "system.notify";

    /** The configuration PID of both desktop tools. */
    static final String PID = "org.openpista.tool.desktop";

    static final List<String> URGENCIES = List.of("low", "normal", "critical");
    static final int MAX_TITLE = 200;
    static final int MAX_BODY = 4000;

    static final String DESCRIPTION = "Shows a notification on the owner's desktop (Linux desktops through"
            + " org.freedesktop.Notifications, macOS Notification Center), for example when a long task is done."
            + " Plain text; fails with the reason on a machine without a desktop.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"title":{"type":"string",\
            "maxLength":""" + MAX_TITLE + """
            ,"description":"The headline, a few words."},\
            "body":{"type":"string","maxLength":""" + MAX_BODY + """
            ,"description":"The text below it, plain text."},\
            "urgency":{"type":"string","description":"How urgent: critical notifications stay until dismissed.\
             Default: normal.","enum":["low","normal","critical"]}},"required":["title"]}""";

    private final ObjectMapper mapper = new ObjectMapper();
    private final DesktopSettings settings;
    private final Notifier notifier;

    /**
     * Activated by DS.
     *
     * @param context for the environment, including the variables the launcher keeps out of the
     *     process's own (XAUTHORITY, TESSDATA_PREFIX …)
     * @param config {@code [tools.desktop]}, defaults when the table is missing
     */
    @Activate
    public NotifyTool(BundleContext context, DesktopConfig config) {
        this(config, ChildProcess.daemonEnvironment(context), System.getProperty("os.name"));
    }

    /**
     * @param environment the daemon's environment ({@code DBUS_SESSION_BUS_ADDRESS}, {@code PATH} …)
     * @param osName the value of {@code os.name}
     */
    NotifyTool(DesktopConfig config, Map<String, String> environment, String osName) {
        this.settings = DesktopSettings.of(config);
        this.notifier = new Notifier(settings, environment, osName);
    }

    @Override
    public ToolSpec spec() {
        return new ToolSpec(TOOL_NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    public ToolResult execute(ToolCall call, ToolContext context) {
        Notifier.Notification notification;
        try {
            Arguments arguments = Arguments.parse(call.arguments(), mapper);
            String body = arguments.text("body", MAX_BODY);
            notification = new Notifier.Notification(arguments.required("title", MAX_TITLE).strip(),
                    body == null ? "" : body.strip(), arguments.choice("urgency", URGENCIES));
        } catch (IllegalArgumentException e) {
            return ToolResult.error("invalid arguments: " + e.getMessage());
        }
        Cancellation cancellation = context == null || context.cancellation() == null
                ? Cancellation.none() : context.cancellation();
        Duration timeout = Watchdog.limit(settings.timeout(), context == null ? null : context.deadline());
        if (cancellation.isCancelled() || timeout.isZero()) {
            return ToolResult.error("the turn was cancelled or has no time left; no notification was shown");
        }
        try {
            return ToolResult.ok("The " + notifier.send(notification, timeout, cancellation) + ": \""
                    + notification.title() + "\".");
        } catch (DesktopException e) {
            return ToolResult.error("system.notify: " + e.getMessage());
        } catch (IOException | RuntimeException e) {
            return ToolResult.error("system.notify failed: " + e);
        }
    }

}
