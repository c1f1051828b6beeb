package org.openpista.tool.browser.internal;

import java.time.Duration;
import java.util.List;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.snapshot}: the current page as an accessibility outline with refs, page by page. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + SnapshotTool.NAME,
            Tool.DESCRIPTION + "=" + SnapshotTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + SnapshotTool.PARAMETERS
        })
public final class SnapshotTool extends BrowserTool {

    static final String NAME = "browser.snapshot";

    static final String DESCRIPTION = "Shows the current page of the browser tab as an accessibility snapshot: one line per"
            + " element (- role \"name\" [ref=e5]), refs to act on with the other browser tools, [new] on what"
            + " appeared since the previous snapshot. Take one before acting when the page may have changed. A"
            + " large page is cut into pages of a few thousand characters ([tools.browser] snapshot_chars);"
            + " \"page\" picks one.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"page":{"type":"integer",\
            "description":"Which part of a long snapshot, from 1 (default 1).","minimum":1}}}""";

    @Activate
    public SnapshotTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        int page = arguments.integer("page", 1, 1, 10_000);
        return browser.call(context, Duration.ofSeconds(60),
                visit -> ToolResult.ok(visit.report("", page, List.of())));
    }
}
