package org.openpista.tool.browser.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.openpista.tool.browser.internal.cdp.CdpException;

/**
 * Writes what a call's result says about the page, in the shape of Playwright MCP's page state: a
 * headline (what the call did), the address and title, what happened meanwhile (new tabs, downloads,
 * blocked requests, dialogs), then one page of the snapshot.
 */
final class Reporter {

    private final Browser browser;
    private final int budget;
    private final Duration navigationTimeout;

    Reporter(Browser browser, int budget, Duration navigationTimeout) {
        this.browser = browser;
        this.budget = budget;
        this.navigationTimeout = navigationTimeout;
    }

    /**
     * Reports the session's current tab after a call; a tab the page opened meanwhile becomes the
     * current one first.
     *
     * @param headline what the call did, may be empty
     * @param page the snapshot page to show, from 1; 0 shows no snapshot
     * @param notes what else the result should say
     */
    String report(SessionTabs session, Tab tab, String headline, int page, List<String> notes, CallBudget call) {
        List<String> said = new ArrayList<>(notes);
        Tab shown = adoptPopups(session, tab, said, call);
        said.addAll(shown.takeNotes());
        StringBuilder text = new StringBuilder();
        if (!headline.isEmpty()) {
            text.append(headline).append('\n');
        }
        text.append("### Page state\n");
        Tab.Dialog dialog = shown.dialog();
        Tab.Location location = shown.location();
        text.append("- Page URL: ").append(location.url()).append('\n');
        text.append("- Page Title: ").append(location.title()).append('\n');
        if (location.status() >= 400) {
            text.append("- HTTP status: ").append(location.status()).append('\n');
        }
        List<Tab> tabs = session.all();
        if (tabs.size() > 1) {
            text.append("- Tabs: ").append(tabs.size()).append(" open, this is tab ").append(tabs.indexOf(shown) + 1)
                    .append(" (browser.tabs lists them)\n");
        }
        for (String note : said) {
            text.append("- ").append(note).append('\n');
        }
        if (dialog != null) {
            text.append("- Dialog: the page shows ").append(dialog.describe()).append(" and waits for an answer:"
                    + " browser.press {\"key\": \"Enter\"} accepts it, {\"key\": \"Escape\"} dismisses it")
                    .append(dialog.type().equals("prompt") ? ", browser.type {\"text\": \"…\"} answers it" : "")
                    .append('\n');
            return text.toString();
        }
        if (page > 0) {
            snapshot(shown, location.url(), page, text);
        }
        return text.toString();
    }

    private void snapshot(Tab tab, String url, int page, StringBuilder text) {
        SnapshotPages pages = PageReader.snapshot(tab, url, budget);
        int shownPage = Math.min(page, pages.count());
        text.append("- Page Snapshot");
        if (pages.count() > 1) {
            text.append(" (page ").append(shownPage).append(" of ").append(pages.count()).append(", ")
                    .append(pages.characters()).append(" characters in all")
                    .append(shownPage < pages.count() ? "; browser.snapshot {\"page\": " + (shownPage + 1)
                            + "} shows the next" : "")
                    .append(')');
        }
        if (page > pages.count()) {
            text.append(" (there is no page ").append(page).append("; this is the last)");
        }
        text.append(":\n```yaml\n");
        String body = pages.page(shownPage);
        text.append(body.isEmpty() ? "# the page is empty\n" : body).append("```\n");
    }

    private Tab adoptPopups(SessionTabs session, Tab tab, List<String> said, CallBudget call) {
        Tab current = tab;
        for (String targetId : tab.takePopups()) {
            try {
                Tab popup = browser.adopt(targetId);
                session.add(popup);
                waitUntilLoaded(popup, call);
                current = popup;
                said.add("The page opened a new tab, which is now the current one (tab "
                        + session.all().size() + "); browser.tabs switches back.");
            } catch (CdpException e) {
                if (e.kind() == CdpException.Kind.CLOSED) {
                    throw e;
                }
                // closed again before it could be attached
            }
        }
        return current;
    }

    /** A tab attached while loading missed the start of its load: its document says when it is done. */
    private void waitUntilLoaded(Tab tab, CallBudget call) {
        Instant until = call.until(navigationTimeout);
        while (Instant.now().isBefore(until) && tab.dialog() == null) {
            com.fasterxml.jackson.databind.JsonNode answer = tab.awaitUnlessDialog(tab.page().send("Runtime.evaluate",
                    tab.page().params().put("expression", "document.readyState").put("returnByValue", true)),
                    "Runtime.evaluate", call);
            if (answer == null || answer.path("result").path("value").asText().equals("complete")) {
                return;
            }
            call.pause(50);
        }
    }
}
