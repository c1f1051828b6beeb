package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openpista.tool.browser.internal.cdp.CdpException;
import org.openpista.tool.browser.internal.cdp.CdpSession;

/**
 * Moves and clicks the mouse on an element as a person would: scrolled into view, at the centre of
 * its box, after checking that nothing covers that point (a modal, a cookie banner), so the click
 * lands on what the model meant or the result says what is in the way.
 */
final class Pointer {

    /** A point in the viewport, in CSS pixels. */
    record Point(double x, double y) {}

    private static final String CONTAINS = "function(hit) {"
            + " if (this === hit || this.contains(hit)) return true;"
            + " if (this.nodeType === 3 && hit.contains(this)) return true;"
            + " if (hit.control && hit.control === this) return true;"
            + " if (this.labels) { for (const l of this.labels) { if (l === hit || l.contains(hit)) return true; } }"
            + " const root = hit.getRootNode && hit.getRootNode();"
            + " return !!(root && root.host && (root.host === this || this.contains(root.host)));"
            + " }";

    private Pointer() {}

    /** Clicks the element once with the left button. */
    static void click(Tab tab, Locator.Target target, CallBudget budget) {
        Point point = reachable(tab, target);
        mouse(tab, "mouseMoved", point, 0, budget);
        if (mouse(tab, "mousePressed", point, 1, budget)) {
            mouse(tab, "mouseReleased", point, 1, budget);
        }
    }

    /** Moves the mouse over the element. */
    static void hover(Tab tab, Locator.Target target, CallBudget budget) {
        mouse(tab, "mouseMoved", reachable(tab, target), 0, budget);
    }

    /** @return the centre of the element, scrolled into view, after checking nothing covers it */
    static Point reachable(Tab tab, Locator.Target target) {
        CdpSession page = tab.page();
        try {
            page.call("DOM.scrollIntoViewIfNeeded", page.params().put("backendNodeId", target.backendId()));
        } catch (CdpException e) {
            if (e.kind() != CdpException.Kind.ERROR) {
                throw e;
            }
            // text nodes and some SVG cannot scroll themselves; their quads still tell where they are
        }
        Point point = center(page, target);
        JsonNode hit;
        try {
            hit = page.call("DOM.getNodeForLocation", page.params().put("x", (int) point.x()).put("y", (int) point.y())
                    .put("includeUserAgentShadowDOM", false).put("ignorePointerEventsNone", true));
        } catch (CdpException e) {
            if (e.kind() != CdpException.Kind.ERROR) {
                throw e;
            }
            return point;
        }
        int hitId = hit.path("backendNodeId").asInt();
        if (hitId == target.backendId() || covers(page, target.backendId(), hitId)) {
            return point;
        }
        throw new BrowserException(BrowserException.Kind.NOT_INTERACTABLE, target.description()
                + " is covered by " + element(page, hitId) + " at its centre; close or act on what covers it first");
    }

    private static Point center(CdpSession page, Locator.Target target) {
        JsonNode quads;
        try {
            quads = page.call("DOM.getContentQuads", page.params().put("backendNodeId", target.backendId()))
                    .path("quads");
        } catch (CdpException e) {
            if (e.kind() != CdpException.Kind.ERROR) {
                throw e;
            }
            throw new BrowserException(BrowserException.Kind.NOT_INTERACTABLE, target.description()
                    + " is not rendered (hidden or removed)");
        }
        for (JsonNode quad : quads) {
            double x = 0;
            double y = 0;
            for (int i = 0; i < 8; i += 2) {
                x += quad.get(i).asDouble() / 4;
                y += quad.get(i + 1).asDouble() / 4;
            }
            double width = Math.abs(quad.get(2).asDouble() - quad.get(0).asDouble());
            double height = Math.abs(quad.get(5).asDouble() - quad.get(1).asDouble());
            if (width >= 1 && height >= 1) {
                return new Point(x, y);
            }
        }
        throw new BrowserException(BrowserException.Kind.NOT_INTERACTABLE, target.description()
                + " is not visible (it has no size on the page)");
    }

    /** @return whether a click at a point of {@code hitId} reaches the target (a child, its label, a frame) */
    private static boolean covers(CdpSession page, int targetId, int hitId) {
        String targetObject = null;
        String hitObject = null;
        try {
            targetObject = objectId(page, targetId);
            hitObject = objectId(page, hitId);
            JsonNode described = page.call("DOM.describeNode", page.params().put("backendNodeId", hitId));
            String tag = described.path("node").path("nodeName").asText();
            if (tag.equals("IFRAME") || tag.equals("FRAME")) {
                return true; // the target lies in a frame; the frame's own document decides
            }
            ObjectNode params = page.params().put("objectId", targetObject).put("functionDeclaration", CONTAINS)
                    .put("returnByValue", true);
            params.putArray("arguments").addObject().put("objectId", hitObject);
            JsonNode result = page.call("Runtime.callFunctionOn", params);
            return result.has("exceptionDetails") || result.path("result").path("value").asBoolean(false);
        } catch (CdpException e) {
            if (e.kind() != CdpException.Kind.ERROR) {
                throw e;
            }
            return true; // cannot tell: let the click decide
        } finally {
            release(page, targetObject);
            release(page, hitObject);
        }
    }

    /** @return the node as a short tag, for example {@code <div id="cookie-banner">} */
    private static String element(CdpSession page, int backendId) {
        try {
            JsonNode node = page.call("DOM.describeNode", page.params().put("backendNodeId", backendId)).path("node");
            StringBuilder tag = new StringBuilder("<").append(node.path("localName").asText("element"));
            JsonNode attributes = node.path("attributes");
            for (int i = 0; i + 1 < attributes.size(); i += 2) {
                String name = attributes.get(i).asText();
                if (name.equals("id") || name.equals("class") || name.equals("role") || name.equals("aria-label")) {
                    tag.append(' ').append(name).append("=\"")
                            .append(SnapshotRenderer.clip(attributes.get(i + 1).asText(), 60)).append('"');
                }
            }
            return tag.append('>').toString();
        } catch (CdpException e) {
            return "another element";
        }
    }

    /**
     * Sends a mouse event.
     *
     * @return {@code false} when a dialog opened instead of the event finishing
     */
    private static boolean mouse(Tab tab, String type, Point point, int clicks, CallBudget budget) {
        CdpSession page = tab.page();
        ObjectNode params = page.params().put("type", type).put("x", point.x()).put("y", point.y());
        if (clicks > 0) {
            params.put("button", "left").put("buttons", type.equals("mousePressed") ? 1 : 0).put("clickCount", clicks);
        }
        return tab.awaitUnlessDialog(page.send("Input.dispatchMouseEvent", params), type, budget) != null;
    }

    static String objectId(CdpSession page, int backendId) {
        return page.call("DOM.resolveNode", page.params().put("backendNodeId", backendId)).path("object")
                .path("objectId").asText();
    }

    static void release(CdpSession page, String objectId) {
        if (objectId != null && !objectId.isEmpty()) {
            page.send("Runtime.releaseObject", page.params().put("objectId", objectId));
        }
    }
}
