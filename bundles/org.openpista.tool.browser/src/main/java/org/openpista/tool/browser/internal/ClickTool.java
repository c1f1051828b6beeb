package org.openpista.tool.browser.internal;

import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.click}: clicks an element as a person would, then shows the page. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + ClickTool.NAME,
            Tool.DESCRIPTION + "=" + ClickTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + ClickTool.PARAMETERS
        })
public final class ClickTool extends BrowserTool {

    static final String NAME = "browser.click";

    static final String DESCRIPTION = "Clicks an element of the current page (by ref from the latest snapshot; or a CSS"
            + " selector, or its visible text) with the mouse, waits for what the click starts (a navigation,"
            + " requests) and shows the page again as a snapshot. Says so when something covers the element.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"ref":{"type":"string",\
            "description":"The element's ref from the latest snapshot, for example \\"e5\\"."},\
            "selector":{"type":"string","description":"Instead of a ref: a CSS selector (the first visible match is used)."},\
            "element":{"type":"string","description":"Instead of a ref: the element's visible text or accessible name."}}}""";

    @Activate
    public ClickTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        return onElement(context, arguments.element("text"), (visit, target) -> {
            Pointer.click(visit.tab(), target, visit.budget());
            return headline("Clicked", target);
        });
    }
}
