package org.openpista.tool.browser.internal;

import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.press}: presses a key or combination in the page; answers an open dialog. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + PressTool.NAME,
            Tool.DESCRIPTION + "=" + PressTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + PressTool.PARAMETERS
        })
public final class PressTool extends BrowserTool {

    static final String NAME = "browser.press";

    static final String DESCRIPTION = "Presses a key in the current page, on the element that has the focus: Enter, Tab,"
            + " Escape, Backspace, ArrowDown, PageDown, F5, a character, or a combination like Control+a or"
            + " Shift+Tab. While a dialog (alert, confirm, prompt) is open, Enter accepts and Escape dismisses it."
            + " Shows the page again.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"key":{"type":"string",\
            "description":"The key, for example \\"Enter\\" or \\"Control+a\\"."}},"required":["key"]}""";

    @Activate
    public PressTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        String key = arguments.required("key");
        Keys.parse(key);
        return browser.call(context, loadTime(), visit -> {
            String said = Forms.press(visit.tab(), key, visit.budget());
            visit.tab().settle(visit.budget(), true, browser.settings().navigationTimeout());
            return ToolResult.ok(visit.report(said.isEmpty() ? "Pressed " + key + "." : said));
        });
    }
}
