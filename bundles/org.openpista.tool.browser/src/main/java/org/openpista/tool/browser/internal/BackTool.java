package org.openpista.tool.browser.internal;

import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.back}: the previous page of the tab's history. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + BackTool.NAME,
            Tool.DESCRIPTION + "=" + BackTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + BackTool.PARAMETERS
        })
public final class BackTool extends BrowserTool {

    static final String NAME = "browser.back";

    static final String DESCRIPTION = "Goes back to the previous page of the tab, like the browser's back button, and shows it"
            + " as a snapshot.";

    static final String PARAMETERS = """
            {"type":"object","properties":{}}""";

    @Activate
    public BackTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        return browser.call(context, loadTime(), visit -> {
            visit.tab().back(visit.budget(), browser.settings().navigationTimeout());
            return ToolResult.ok(visit.report("Went back."));
        });
    }
}
