package org.openpista.tool.browser.internal;

import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.hover}: moves the mouse over an element (menus, tooltips), then shows the page. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + HoverTool.NAME,
            Tool.DESCRIPTION + "=" + HoverTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + HoverTool.PARAMETERS
        })
public final class HoverTool extends BrowserTool {

    static final String NAME = "browser.hover";

    static final String DESCRIPTION = "Moves the mouse over an element of the current page (by ref; or a CSS selector, or its"
            + " visible text), for menus and tooltips that open on hover, and shows the page again.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"ref":{"type":"string",\
            "description":"The element's ref from the latest snapshot, for example \\"e5\\"."},\
            "selector":{"type":"string","description":"Instead of a ref: a CSS selector (the first visible match is used)."},\
            "element":{"type":"string","description":"Instead of a ref: the element's visible text or accessible name."}}}""";

    @Activate
    public HoverTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        return onElement(context, arguments.element("text"), (visit, target) -> {
            Pointer.hover(visit.tab(), target, visit.budget());
            return headline("Hovered over", target);
        });
    }
}
