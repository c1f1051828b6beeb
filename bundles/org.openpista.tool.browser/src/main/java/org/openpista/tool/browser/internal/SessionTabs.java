package org.openpista.tool.browser.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The tabs of one session: the one it works in and those its pages opened. Sessions never see each
 * other's tabs.
 */
final class SessionTabs {

    private final List<Tab> tabs = new ArrayList<>();
    private Tab current;

    /** @return the tab calls go to, {@code null} when there is none (or it closed) */
    synchronized Tab current() {
        tabs.removeIf(Tab::closed);
        if (current != null && current.closed()) {
            current = tabs.isEmpty() ? null : tabs.get(tabs.size() - 1);
        }
        return current;
    }

    /** Adds a tab and makes it the current one. */
    synchronized void add(Tab tab) {
        tabs.add(tab);
        current = tab;
    }

    /** Makes a tab the current one. */
    synchronized void select(Tab tab) {
        current = tab;
    }

    /** @return the open tabs, in the order they were opened */
    synchronized List<Tab> all() {
        tabs.removeIf(Tab::closed);
        return new ArrayList<>(tabs);
    }

    /** Forgets a tab. */
    synchronized void remove(Tab tab) {
        tabs.remove(tab);
        if (current == tab) {
            current = tabs.isEmpty() ? null : tabs.get(tabs.size() - 1);
        }
    }
}
