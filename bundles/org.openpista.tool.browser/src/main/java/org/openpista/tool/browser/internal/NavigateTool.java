package org.openpista.tool.browser.internal;

import java.net.URI;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.navigate}: opens a URL in the session's tab and shows the loaded page. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + NavigateTool.NAME,
            Tool.DESCRIPTION + "=" + NavigateTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + NavigateTool.PARAMETERS
        })
public final class NavigateTool extends BrowserTool {

    static final String NAME = "browser.navigate";

    /** Snapshot notation, told in the tools that show pages. */
    static final String SNAPSHOT = " The result gives the final URL, the title and the page as an accessibility"
            + " snapshot: one line per element (- role \"name\" [ref=e5]); act on elements by their ref with"
            + " browser.click, browser.type, browser.select, browser.hover. [new] marks elements that appeared since"
            + " the previous snapshot. Long pages are cut; browser.snapshot {page: N} reads on.";

    static final String DESCRIPTION = "Opens a web page in a real Chromium (one tab per conversation; logins in it persist)."
            + SNAPSHOT + " Only http and https; local, private and cloud metadata addresses are refused unless"
            + " allowed in the configuration.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"url":{"type":"string",\
            "description":"The address; https:// is added when the scheme is missing."}},"required":["url"]}""";

    @Activate
    public NavigateTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        URI url = browser.policy().target(arguments.required("url"));
        return browser.call(context, loadTime(), visit -> {
            visit.tab().navigate(url, visit.budget(), browser.settings().navigationTimeout(), visit.browser().guard());
            return ToolResult.ok(visit.report("Opened " + url + "."));
        });
    }
}
