package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A page's accessibility tree as {@code Accessibility.getFullAXTree} gives it, with the trees of
 * its same-process frames hung under their {@code Iframe} nodes.
 */
final class AxTree {

    private final Map<String, AxNode> nodes;
    private final AxNode root;
    private final Map<Integer, AxTree> frames;

    private AxTree(Map<String, AxNode> nodes, AxNode root, Map<Integer, AxTree> frames) {
        this.nodes = nodes;
        this.root = root;
        this.frames = frames;
    }

    /** @return the tree of {@code Accessibility.getFullAXTree}'s result */
    static AxTree of(JsonNode result) {
        Map<String, AxNode> nodes = new LinkedHashMap<>();
        AxNode root = null;
        for (JsonNode json : result.path("nodes")) {
            AxNode node = AxNode.of(json);
            nodes.put(node.id(), node);
            if (root == null && !json.has("parentId")) {
                root = node;
            }
        }
        if (root == null && !nodes.isEmpty()) {
            root = nodes.values().iterator().next();
        }
        return new AxTree(nodes, root, new LinkedHashMap<>());
    }

    /** @return the root, {@code null} for an empty tree */
    AxNode root() {
        return root;
    }

    /** @return the children of a node that are in the tree */
    List<AxNode> children(AxNode node) {
        List<AxNode> children = new ArrayList<>(node.children().size());
        for (String id : node.children()) {
            AxNode child = nodes.get(id);
            if (child != null) {
                children.add(child);
            }
        }
        return children;
    }

    /** @return every node, in document order of the answer */
    Iterable<AxNode> nodes() {
        return nodes.values();
    }

    /** @return the frames' trees by the backend id of their {@code <iframe>} element */
    Map<Integer, AxTree> frames() {
        return frames;
    }

    /** Hangs a frame's tree under its {@code <iframe>} element. */
    void addFrame(int iframeBackendId, AxTree frame) {
        frames.put(iframeBackendId, frame);
    }

    /** @return every node of this tree and of its frames */
    List<AxNode> allNodes() {
        List<AxNode> all = new ArrayList<>(nodes.values());
        frames.values().forEach(frame -> all.addAll(frame.allNodes()));
        return all;
    }
}
