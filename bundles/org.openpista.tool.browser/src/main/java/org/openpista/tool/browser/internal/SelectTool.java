package org.openpista.tool.browser.internal;

import java.util.List;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.select}: chooses options of a drop-down, then shows the page. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + SelectTool.NAME,
            Tool.DESCRIPTION + "=" + SelectTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + SelectTool.PARAMETERS
        })
public final class SelectTool extends BrowserTool {

    static final String NAME = "browser.select";

    static final String DESCRIPTION = "Chooses an option of a drop-down (<select>, shown as combobox or listbox in the"
            + " snapshot) by its value or visible label, fires the page's change events, and shows the page again."
            + " For a multiple choice, give a list.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"ref":{"type":"string",\
            "description":"The element's ref from the latest snapshot, for example \\"e5\\"."},\
            "selector":{"type":"string","description":"Instead of a ref: a CSS selector (the first visible match is used)."},\
            "element":{"type":"string","description":"Instead of a ref: the element's visible text or accessible name."},\
            "value":{"description":"The option's value or label, or a list of them for a multiple choice.",\
            "type":["string","array"],"items":{"type":"string"}}},"required":["value"]}""";

    @Activate
    public SelectTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        List<String> values = arguments.strings("value");
        if (values.isEmpty()) {
            throw Arguments.invalid("\"value\" is required");
        }
        return onElement(context, arguments.element("text"), (visit, target) -> {
            List<String> chosen = Forms.select(visit.tab(), target, values, visit.budget());
            return headline("Chose " + (chosen.isEmpty() ? "" : "\"" + String.join("\", \"", chosen) + "\" ") + "in", target);
        });
    }
}
