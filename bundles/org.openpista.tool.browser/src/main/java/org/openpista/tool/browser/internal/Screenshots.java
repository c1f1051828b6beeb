package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.List;
import org.openpista.tool.browser.internal.cdp.CdpException;
import org.openpista.tool.browser.internal.cdp.CdpSession;

/**
 * PNG screenshots of a tab: the viewport or the whole page, optionally with each ref of the latest
 * snapshot drawn on its element (a red frame and the ref), drawn by the page itself in an overlay
 * that is removed right after.
 */
final class Screenshots {

    /**
     * A captured image.
     *
     * @param png the PNG bytes
     * @param width its width in pixels
     * @param height its height in pixels
     * @param labels how many refs were drawn
     * @param cut whether a very long page was cut at {@link #MAX_HEIGHT}
     */
    record Shot(byte[] png, int width, int height, int labels, boolean cut) {}

    /** Taller pages are cut: Chromium cannot paint larger images reliably. */
    static final int MAX_HEIGHT = 16_384;
    private static final int MAX_LABELS = 300;
    private static final String OVERLAY = "openpista-labels";
    private static final String DRAW = "function(boxes) { const host = document.createElement('div');"
            + " host.id = '" + OVERLAY + "'; host.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;"
            + "z-index:2147483647;pointer-events:none'; const root = host.attachShadow({mode: 'closed'});"
            + " for (const b of boxes) { const d = document.createElement('div'); d.style.cssText ="
            + " `position:absolute;left:${b.x}px;top:${b.y}px;width:${b.w}px;height:${b.h}px;"
            + "outline:2px solid #e0115f;box-sizing:border-box`; const l = document.createElement('span');"
            + " l.textContent = b.ref; l.style.cssText = 'position:absolute;left:-2px;top:-16px;background:#e0115f;"
            + "color:#fff;font:bold 11px/14px sans-serif;padding:1px 3px;white-space:nowrap';"
            + " d.appendChild(l); root.appendChild(d); } document.documentElement.appendChild(host); }";

    private Screenshots() {}

    /** Captures the tab; with {@code labels}, the refs of the latest snapshot are drawn on their elements. */
    static Shot capture(Tab tab, boolean fullPage, boolean labels) {
        CdpSession page = tab.page();
        // a tab in the background may not paint
        page.call("Page.bringToFront");
        JsonNode metrics = page.call("Page.getLayoutMetrics");
        JsonNode viewport = metrics.path("cssVisualViewport");
        int drawn = labels ? draw(tab, viewport) : 0;
        try {
            ObjectNode params = page.params().put("format", "png");
            boolean cut = false;
            if (fullPage) {
                JsonNode content = metrics.path("cssContentSize");
                double width = Math.max(1, Math.ceil(content.path("width").asDouble()));
                double height = Math.max(1, Math.ceil(content.path("height").asDouble()));
                cut = height > MAX_HEIGHT;
                params.put("captureBeyondViewport", true);
                params.putObject("clip").put("x", 0).put("y", 0).put("width", width)
                        .put("height", Math.min(height, MAX_HEIGHT)).put("scale", 1);
            }
            byte[] png = Base64.getDecoder().decode(page.call("Page.captureScreenshot", params).path("data").asText());
            return new Shot(png, pngWidth(png), pngHeight(png), drawn, cut);
        } finally {
            if (drawn > 0) {
                page.send("Runtime.evaluate", page.params().put("expression",
                        "document.getElementById('" + OVERLAY + "')?.remove()"));
            }
        }
    }

    private static int draw(Tab tab, JsonNode viewport) {
        CdpSession page = tab.page();
        double scrollX = viewport.path("pageX").asDouble();
        double scrollY = viewport.path("pageY").asDouble();
        List<RefTable.Lookup> refs = tab.refs().current();
        ArrayNode boxes = page.connection().params().arrayNode();
        for (RefTable.Lookup ref : refs.subList(0, Math.min(MAX_LABELS, refs.size()))) {
            try {
                JsonNode quads = page.call("DOM.getContentQuads", page.params().put("backendNodeId", ref.backendId()))
                        .path("quads");
                if (quads.isEmpty()) {
                    continue;
                }
                JsonNode quad = quads.get(0);
                double left = Math.min(quad.get(0).asDouble(), quad.get(6).asDouble());
                double top = Math.min(quad.get(1).asDouble(), quad.get(3).asDouble());
                double right = Math.max(quad.get(2).asDouble(), quad.get(4).asDouble());
                double bottom = Math.max(quad.get(5).asDouble(), quad.get(7).asDouble());
                if (right - left < 1 || bottom - top < 1) {
                    continue;
                }
                boxes.addObject().put("ref", ref.ref()).put("x", left + scrollX).put("y", top + scrollY)
                        .put("w", right - left).put("h", bottom - top);
            } catch (CdpException e) {
                if (e.kind() != CdpException.Kind.ERROR) {
                    throw e;
                }
                // removed since the snapshot: nothing to draw
            }
        }
        if (boxes.isEmpty()) {
            return 0;
        }
        JsonNode document = page.call("Runtime.evaluate", page.params().put("expression", "document.documentElement"));
        String objectId = document.path("result").path("objectId").asText();
        ObjectNode params = page.params().put("objectId", objectId).put("functionDeclaration", DRAW);
        params.putArray("arguments").addObject().set("value", boxes);
        page.call("Runtime.callFunctionOn", params);
        Pointer.release(page, objectId);
        return boxes.size();
    }

    /** @return the width in a PNG's IHDR chunk */
    static int pngWidth(byte[] png) {
        return png.length < 24 ? 0 : readInt(png, 16);
    }

    /** @return the height in a PNG's IHDR chunk */
    static int pngHeight(byte[] png) {
        return png.length < 24 ? 0 : readInt(png, 20);
    }

    private static int readInt(byte[] bytes, int at) {
        return (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
                | bytes[at + 3] & 0xff;
    }
}
