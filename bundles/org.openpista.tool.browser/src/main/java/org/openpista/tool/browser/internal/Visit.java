package org.openpista.tool.browser.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything one tool call works with: the session's tabs, the tab it acts on, its time, the browser
 * and where results and downloads go.
 *
 * @param session the session's tabs
 * @param tab the current tab, locked for this call
 * @param budget the call's time and cancellation
 * @param browser the browser
 * @param reporter writes the result's page state
 * @param workspace the agent's workspace
 */
record Visit(SessionTabs session, Tab tab, CallBudget budget, Browser browser, Reporter reporter, Path workspace) {

    /** @return the result text: the headline, the page state and the first snapshot page */
    String report(String headline) {
        return reporter.report(session, tab, headline, 1, List.of(), budget);
    }

    /** @return the result text with extra notes and the given snapshot page (0: none) */
    String report(String headline, int page, List<String> notes) {
        return reporter.report(session, tab, headline, page, notes, budget);
    }
}
