package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.openpista.tool.browser.internal.cdp.CdpException;
import org.openpista.tool.browser.internal.cdp.CdpSession;

/**
 * Reads what a tab shows: its accessibility tree (with the trees of frames in the same process) and
 * the outline made of it.
 */
final class PageReader {

    /** Frames whose trees are read at most; a page full of ad frames must not take forever. */
    private static final int MAX_FRAMES = 10;

    private PageReader() {}

    /** @return the tab's accessibility tree now */
    static AxTree tree(Tab tab) {
        CdpSession page = tab.page();
        AxTree tree = AxTree.of(page.call("Accessibility.getFullAXTree"));
        int frames = 0;
        for (AxNode node : tree.nodes()) {
            if (!node.role().equals("Iframe") || node.backendId() == 0 || frames >= MAX_FRAMES) {
                continue;
            }
            frames++;
            try {
                JsonNode described = page.call("DOM.describeNode", page.params().put("backendNodeId", node.backendId()));
                String frameId = described.path("node").path("frameId").asText("");
                if (!frameId.isEmpty()) {
                    tree.addFrame(node.backendId(),
                            AxTree.of(page.call("Accessibility.getFullAXTree", page.params().put("frameId", frameId))));
                }
            } catch (CdpException e) {
                // a frame of another site runs in another process; its content is not shown
            }
        }
        return tree;
    }

    /** @return the outline of what the tab shows, cut into pages of the budget */
    static SnapshotPages snapshot(Tab tab, String url, int budget) {
        List<SnapshotRenderer.Line> lines = new SnapshotRenderer(tab.refs(), url).render(tree(tab));
        return SnapshotPages.of(lines, budget);
    }
}
