package org.openpista.tool.browser.internal;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.tabs}: the conversation's tabs: list, switch, open, close. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + TabsTool.NAME,
            Tool.DESCRIPTION + "=" + TabsTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + TabsTool.PARAMETERS
        })
public final class TabsTool extends BrowserTool {

    static final String NAME = "browser.tabs";

    static final String DESCRIPTION = "Lists the browser tabs of this conversation (a page that opens a link in a new tab adds"
            + " one, and it becomes the current tab), or with action: select (index) switches to a tab and shows"
            + " it, new opens a tab (optionally at url), close closes one (default: the current tab).";

    static final String PARAMETERS = """
            {"type":"object","properties":{"action":{"type":"string",\
            "description":"list (default), select, new or close.",\
            "enum":["list","select","new","close"]},"index":{"type":"integer",\
            "description":"The tab's number in the list, from 1.",\
            "minimum":1},"url":{"type":"string","description":"For new: the page to open."}}}""";

    @Activate
    public TabsTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        String action = arguments.string("action") == null ? "list"
                : arguments.string("action").strip().toLowerCase(Locale.ROOT);
        URI url = arguments.has("url") ? browser.policy().target(arguments.required("url")) : null;
        int index = arguments.integer("index", 0, 1, 1000);
        return browser.call(context, loadTime(), visit -> switch (action) {
            case "list" -> ToolResult.ok(list(visit.session(), "Tabs of this conversation:"));
            case "select" -> {
                Tab tab = pick(visit.session(), index, false);
                visit.session().select(tab);
                tab.page().call("Page.bringToFront");
                yield ToolResult.ok(visit.reporter().report(visit.session(), tab, "Switched to tab " + index + ".", 1,
                        List.of(), visit.budget()));
            }
            case "new" -> {
                Tab tab = visit.browser().newTab();
                visit.session().add(tab);
                if (url != null) {
                    tab.navigate(url, visit.budget(), browser.settings().navigationTimeout(), visit.browser().guard());
                }
                yield ToolResult.ok(visit.reporter().report(visit.session(), tab, "Opened a new tab ("
                        + visit.session().all().size() + ").", 1, List.of(), visit.budget()));
            }
            case "close" -> {
                Tab tab = index == 0 ? visit.tab() : pick(visit.session(), index, true);
                visit.browser().closeTab(tab);
                visit.session().remove(tab);
                yield ToolResult.ok(list(visit.session(), "Closed the tab. Tabs left:"));
            }
            default -> throw Arguments.invalid("\"action\" must be list, select, new or close");
        });
    }

    private static Tab pick(SessionTabs session, int index, boolean closing) {
        List<Tab> tabs = session.all();
        if (index < 1 || index > tabs.size()) {
            throw Arguments.invalid("\"index\" must name one of the " + tabs.size() + " tabs (1 to " + tabs.size()
                    + ")" + (closing ? "" : "; browser.tabs lists them"));
        }
        return tabs.get(index - 1);
    }

    private static String list(SessionTabs session, String title) {
        List<Tab> tabs = session.all();
        if (tabs.isEmpty()) {
            return title + " none (the next browser call opens one).";
        }
        Tab current = session.current();
        StringBuilder text = new StringBuilder(title).append('\n');
        for (int i = 0; i < tabs.size(); i++) {
            Tab tab = tabs.get(i);
            Tab.Location location = tab.location();
            text.append(i + 1).append(". ").append(location.title().isEmpty() ? "(no title)" : location.title())
                    .append(" — ").append(location.url()).append(tab == current ? " (current)" : "").append('\n');
        }
        return text.toString();
    }
}
