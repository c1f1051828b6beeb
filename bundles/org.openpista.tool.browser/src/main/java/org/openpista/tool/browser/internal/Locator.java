package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.openpista.tool.browser.internal.cdp.CdpException;
import org.openpista.tool.browser.internal.cdp.CdpSession;

/**
 * Finds the element a call means: by ref from the latest snapshot (the usual way), by CSS selector,
 * or by its visible text or accessible name. A ref of an earlier page is stale; it is taken to mean
 * the element of the same role and name on the current page when there is exactly one such.
 */
final class Locator {

    /**
     * The element a call acts on.
     *
     * @param backendId its DOM node
     * @param description how results name it: {@code button "Go" [ref=e6]}
     * @param note something the model should know about how it was found, empty when nothing
     */
    record Target(int backendId, String description, String note) {}

    /**
     * What a call names.
     *
     * @param ref a ref, or {@code null}
     * @param selector a CSS selector, or {@code null}
     * @param text visible text or an accessible name, or {@code null}
     */
    record Query(String ref, String selector, String text) {
        /** @return whether it names anything */
        boolean present() {
            return ref != null || selector != null || text != null;
        }
    }

    private static final int LISTED = 5;

    private Locator() {}

    /** @throws BrowserException {@code no_such_ref}, {@code stale_ref}, {@code no_such_element} or {@code ambiguous} */
    static Target find(Tab tab, Query query) {
        if (query.ref() != null) {
            return byRef(tab, query.ref());
        }
        if (query.selector() != null) {
            return bySelector(tab, query.selector());
        }
        if (query.text() != null) {
            return byText(tab, query.text());
        }
        throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS,
                "say which element: \"ref\" from the latest snapshot, or a CSS \"selector\", or its visible \"text\"");
    }

    private static Target byRef(Tab tab, String text) {
        RefTable.Lookup lookup = tab.refs().lookup(text);
        if (lookup.state() == RefTable.State.UNKNOWN) {
            throw new BrowserException(BrowserException.Kind.NO_SUCH_REF, "there is no ref " + lookup.ref()
                    + " in this tab; refs come from the latest snapshot (browser.snapshot)");
        }
        if (lookup.state() == RefTable.State.CURRENT && attached(tab.page(), lookup.backendId())) {
            return new Target(lookup.backendId(), lookup.describe(), "");
        }
        tab.refs().removed(lookup.backendId());
        // the page changed since the ref was given: the same element is taken when it is unambiguous
        AxTree tree = PageReader.tree(tab);
        List<AxNode> same = matches(tree, node -> SnapshotRenderer.shownRole(node.role()).equals(lookup.role())
                && SnapshotRenderer.squash(node.name()).equals(SnapshotRenderer.squash(lookup.name()))
                && SnapshotRenderer.actionable(node));
        if (same.size() == 1 && !lookup.name().isBlank()) {
            Target target = target(tab, same.get(0));
            return new Target(target.backendId(), target.description(), lookup.ref() + " was from an earlier state"
                    + " of the page; used the only " + target.description() + " on the page now.");
        }
        throw new BrowserException(BrowserException.Kind.STALE_REF, lookup.describe() + " is from an earlier page"
                + " or was removed; take a new snapshot (browser.snapshot)");
    }

    private static Target bySelector(Tab tab, String selector) {
        CdpSession page = tab.page();
        String quoted = page.connection().params().textNode(selector).toString();
        JsonNode count = evaluate(page, "document.querySelectorAll(" + quoted + ").length", true, selector);
        int found = count.path("result").path("value").asInt();
        if (found == 0) {
            throw new BrowserException(BrowserException.Kind.NO_SUCH_ELEMENT, "no element matches the selector "
                    + quoted);
        }
        JsonNode element = evaluate(page, "(() => { const all = [...document.querySelectorAll(" + quoted + ")];"
                + " return all.find(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })"
                + " || all[0]; })()", false, selector);
        String objectId = element.path("result").path("objectId").asText();
        int backendId = page.call("DOM.describeNode", page.params().put("objectId", objectId))
                .path("node").path("backendNodeId").asInt();
        page.send("Runtime.releaseObject", page.params().put("objectId", objectId));
        AxNode node = axNode(tab, backendId);
        String description = node == null ? "the element matching " + quoted : describe(tab, node);
        return new Target(backendId, description, found > 1 ? "The selector matches " + found
                + " elements; used the first visible one." : "");
    }

    private static Target byText(Tab tab, String text) {
        String wanted = SnapshotRenderer.squash(text).toLowerCase(Locale.ROOT);
        if (wanted.isEmpty()) {
            throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "\"text\" is empty");
        }
        AxTree tree = PageReader.tree(tab);
        List<Predicate<AxNode>> tiers = List.of(
                node -> SnapshotRenderer.actionable(node) && name(node).equals(wanted),
                node -> !node.role().equals("StaticText") && name(node).equals(wanted),
                node -> node.role().equals("StaticText") && name(node).equals(wanted),
                node -> SnapshotRenderer.actionable(node) && name(node).contains(wanted),
                node -> node.role().equals("StaticText") && name(node).contains(wanted));
        for (Predicate<AxNode> tier : tiers) {
            List<AxNode> found = matches(tree, tier);
            if (found.size() == 1) {
                return target(tab, found.get(0));
            }
            if (found.size() > 1) {
                List<String> listed = new ArrayList<>();
                for (AxNode node : found.subList(0, Math.min(LISTED, found.size()))) {
                    listed.add(describe(tab, node));
                }
                throw new BrowserException(BrowserException.Kind.AMBIGUOUS, "the text \"" + text + "\" matches "
                        + found.size() + " elements: " + String.join(", ", listed)
                        + (found.size() > LISTED ? ", …" : "") + "; use a ref");
            }
        }
        throw new BrowserException(BrowserException.Kind.NO_SUCH_ELEMENT, "no element shows the text \"" + text
                + "\"; take a snapshot (browser.snapshot) to see what the page has");
    }

    private static List<AxNode> matches(AxTree tree, Predicate<AxNode> test) {
        List<AxNode> found = new ArrayList<>();
        for (AxNode node : tree.allNodes()) {
            if (!node.ignored() && node.backendId() != 0 && test.test(node)) {
                found.add(node);
            }
        }
        return found;
    }

    private static String name(AxNode node) {
        return SnapshotRenderer.squash(node.name()).toLowerCase(Locale.ROOT);
    }

    private static Target target(Tab tab, AxNode node) {
        return new Target(node.backendId(), describe(tab, node), "");
    }

    /** @return how results name a node, with a ref when a call could act on it */
    private static String describe(Tab tab, AxNode node) {
        if (node.role().equals("StaticText")) {
            return "the text \"" + SnapshotRenderer.clip(SnapshotRenderer.squash(node.name()), 80) + "\"";
        }
        String role = SnapshotRenderer.shownRole(node.role());
        String name = SnapshotRenderer.clip(SnapshotRenderer.squash(node.name()), 80);
        String ref = SnapshotRenderer.actionable(node) ? " [ref=" + tab.refs().refFor(node.backendId(), role,
                node.name()) + "]" : "";
        return role + (name.isEmpty() ? "" : " \"" + name + "\"") + ref;
    }

    private static AxNode axNode(Tab tab, int backendId) {
        try {
            JsonNode result = tab.page().call("Accessibility.getPartialAXTree",
                    tab.page().params().put("backendNodeId", backendId).put("fetchRelatives", false));
            for (JsonNode node : result.path("nodes")) {
                if (node.path("backendDOMNodeId").asInt() == backendId) {
                    return AxNode.of(node);
                }
            }
        } catch (CdpException e) {
            // described by its selector instead
        }
        return null;
    }

    private static boolean attached(CdpSession page, int backendId) {
        try {
            JsonNode resolved = page.call("DOM.resolveNode", page.params().put("backendNodeId", backendId));
            String objectId = resolved.path("object").path("objectId").asText();
            ObjectNode params = page.params().put("objectId", objectId)
                    .put("functionDeclaration", "function() { return this.isConnected; }").put("returnByValue", true);
            boolean connected = page.call("Runtime.callFunctionOn", params).path("result").path("value").asBoolean();
            page.send("Runtime.releaseObject", page.params().put("objectId", objectId));
            return connected;
        } catch (CdpException e) {
            if (e.kind() != CdpException.Kind.ERROR) {
                throw e;
            }
            return false;
        }
    }

    private static JsonNode evaluate(CdpSession page, String expression, boolean byValue, String selector) {
        JsonNode result = page.call("Runtime.evaluate", page.params().put("expression", expression)
                .put("returnByValue", byValue));
        if (result.has("exceptionDetails")) {
            throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "\"" + selector
                    + "\" is not a valid CSS selector");
        }
        return result;
    }
}
