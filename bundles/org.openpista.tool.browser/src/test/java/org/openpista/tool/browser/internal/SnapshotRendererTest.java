package org.openpista.tool.browser.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The outline of accessibility trees shaped like Chromium's answers to {@code Accessibility.getFullAXTree}. */
class SnapshotRendererTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Builds an answer of getFullAXTree: nodes with ids, roles, names, children and properties. */
    static final class Tree {
        final ObjectNode result = JSON.createObjectNode();
        final ArrayNode nodes = result.putArray("nodes");

        Tree node(int id, String role, String name, List<Integer> children, Map<String, Object> properties) {
            ObjectNode node = nodes.addObject().put("nodeId", String.valueOf(id)).put("backendDOMNodeId", id)
                    .put("ignored", false);
            node.putObject("role").put("value", role);
            if (name != null) {
                node.putObject("name").put("value", name);
            }
            ArrayNode ids = node.putArray("childIds");
            children.forEach(child -> ids.add(String.valueOf(child)));
            ArrayNode props = node.putArray("properties");
            properties.forEach((key, value) -> {
                ObjectNode property = props.addObject().put("name", key);
                if (value instanceof Boolean b) {
                    property.putObject("value").put("value", b);
                } else if (value instanceof Integer i) {
                    property.putObject("value").put("value", i);
                } else {
                    property.putObject("value").put("value", String.valueOf(value));
                }
            });
            return this;
        }

        Tree node(int id, String role, String name, List<Integer> children) {
            return node(id, role, name, children, Map.of());
        }

        Tree value(int id, String value) {
            for (var node : nodes) {
                if (node.path("nodeId").asText().equals(String.valueOf(id))) {
                    ((ObjectNode) node).putObject("value").put("value", value);
                }
            }
            return this;
        }

        Tree ignored(int id, List<Integer> children) {
            node(id, "none", null, children);
            ((ObjectNode) nodes.get(nodes.size() - 1)).put("ignored", true);
            return this;
        }

        AxTree build() {
            return AxTree.of(result);
        }
    }

    static Tree searchPage() {
        return new Tree()
                .node(1, "RootWebArea", "Search", List.of(2), Map.of("focusable", true))
                .node(2, "generic", "", List.of(3, 4, 6, 7, 9))
                .node(3, "heading", "Find things", List.of(30), Map.of("level", 1))
                .node(30, "StaticText", "Find things", List.of())
                .node(4, "paragraph", "", List.of(40, 41, 42))
                .node(40, "StaticText", "Type a ", List.of())
                .node(41, "StaticText", "word", List.of())
                .node(42, "StaticText", " below.", List.of())
                .node(6, "textbox", "Search", List.of(), Map.of("focusable", true, "focused", true))
                .value(6, "cats")
                .node(7, "button", "Go", List.of(70), Map.of("focusable", true))
                .node(70, "StaticText", "Go", List.of())
                .node(9, "link", "Docs", List.of(90), Map.of("focusable", true, "url", "https://example.org/docs?x=1"))
                .node(90, "StaticText", "Docs", List.of());
    }

    static String render(RefTable refs, Tree tree) {
        return new SnapshotRenderer(refs, "https://example.org/search").render(tree.build()).stream()
                .map(SnapshotRenderer.Line::indented).collect(Collectors.joining("\n"));
    }

    @Test
    void writesPlaywrightNotationWithRefsOnWhatCanBeActedOn() {
        assertThat(render(new RefTable(), searchPage())).isEqualTo("""
                - heading "Find things" [level=1]
                - paragraph: Type a word below.
                - textbox "Search" [active] [ref=e1]: cats
                - button "Go" [ref=e2]
                - link "Docs" [ref=e3]:
                  - /url: /docs?x=1""");
    }

    @Test
    void refsStayWithTheirElementsAndNewOnesAreMarked() {
        RefTable refs = new RefTable();
        render(refs, searchPage());
        Tree changed = searchPage();
        ((ArrayNode) changed.nodes.get(1).get("childIds")).add("11");
        changed.node(11, "alert", "", List.of(12, 13))
                .node(12, "StaticText", "No results for cats", List.of())
                .node(13, "button", "Clear", List.of(), Map.of("focusable", true));
        assertThat(render(refs, changed)).isEqualTo("""
                - heading "Find things" [level=1]
                - paragraph: Type a word below.
                - textbox "Search" [active] [ref=e1]: cats
                - button "Go" [ref=e2]
                - link "Docs" [ref=e3]:
                  - /url: /docs?x=1
                - alert [new]:
                  - text: No results for cats
                  - button "Clear" [ref=e4]""");
        assertThat(render(refs, changed)).as("nothing is new the third time").doesNotContain("[new]");
    }

    @Test
    void aNewDocumentMakesEarlierRefsStale() {
        RefTable refs = new RefTable();
        render(refs, searchPage());
        refs.newDocument();
        assertThat(refs.lookup("e2").state()).isEqualTo(RefTable.State.STALE);
        assertThat(refs.lookup("e2").describe()).isEqualTo("button \"Go\" [ref=e2]");
        assertThat(render(refs, searchPage())).as("a new document gets new refs and no [new] marks")
                .contains("button \"Go\" [ref=e5]").doesNotContain("[new]");
        assertThat(refs.lookup("[ref=e5]").state()).isEqualTo(RefTable.State.CURRENT);
        assertThat(refs.lookup("e99").state()).isEqualTo(RefTable.State.UNKNOWN);
    }

    @Test
    void wrappersAndIgnoredNodesGiveTheirContentToTheirParent() {
        Tree tree = new Tree()
                .node(1, "RootWebArea", "", List.of(2))
                .ignored(2, List.of(3, 5))
                .node(3, "generic", "", List.of(31))
                .node(31, "StaticText", "First block", List.of())
                .node(5, "generic", "", List.of(51, 52))
                .node(51, "StaticText", "Second ", List.of())
                .node(52, "strong", "", List.of(53))
                .node(53, "StaticText", "block", List.of());
        assertThat(render(new RefTable(), tree)).isEqualTo("""
                - text: First block
                - text: Second block""");
    }

    @Test
    void aLabelNextToItsFieldIsSaidOnce() {
        Tree tree = new Tree()
                .node(1, "RootWebArea", "", List.of(2, 3, 4))
                .node(2, "StaticText", "E-mail", List.of())
                .node(3, "textbox", "E-mail", List.of(), Map.of("focusable", true, "required", true))
                .node(4, "checkbox", "Remember me", List.of(), Map.of("focusable", true, "checked", "true"));
        assertThat(render(new RefTable(), tree)).isEqualTo("""
                - textbox "E-mail" [required] [ref=e1]
                - checkbox "Remember me" [checked] [ref=e2]""");
    }

    @Test
    void longDropDownsShowTheirFirstOptions() {
        Tree tree = new Tree().node(1, "RootWebArea", "", List.of(2));
        List<Integer> options = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            options.add(100 + i);
        }
        tree.node(2, "combobox", "Country", List.of(3), Map.of("focusable", true)).node(3, "MenuListPopup", "", options);
        for (int i = 0; i < 50; i++) {
            tree.node(100 + i, "option", "Country " + i, List.of(), Map.of("selected", i == 7));
        }
        String outline = render(new RefTable(), tree);
        assertThat(outline).contains("- option \"Country 7\" [selected]").contains("- option \"Country 29\"")
                .doesNotContain("Country 30").contains("- text: … 50 options in all");
    }

    @Test
    void pagesKeepToTheBudgetAndSayWhereTheyAre() {
        Tree tree = new Tree().node(1, "RootWebArea", "", List.of(2));
        List<Integer> items = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            items.add(1000 + i);
        }
        tree.node(2, "list", "", items);
        for (int i = 0; i < 400; i++) {
            tree.node(1000 + i, "listitem", "", List.of(5000 + i))
                    .node(5000 + i, "link", "Article number " + i, List.of(), Map.of("focusable", true,
                            "url", "https://example.org/a/" + i));
        }
        List<SnapshotRenderer.Line> lines = new SnapshotRenderer(new RefTable(), "https://example.org/").render(tree.build());
        SnapshotPages pages = SnapshotPages.of(lines, 2000);
        assertThat(pages.count()).isGreaterThan(5);
        StringBuilder all = new StringBuilder();
        for (int page = 1; page <= pages.count(); page++) {
            String text = pages.page(page);
            assertThat(text.length()).as("page %d", page).isLessThanOrEqualTo(2000 + 60);
            if (page > 1) {
                assertThat(text).as("a later page starts with its ancestors").startsWith("- list:\n");
            }
            all.append(text);
        }
        assertThat(all.toString()).contains("Article number 0\"").contains("Article number 399\"");
        assertThat(pages.page(pages.count() + 5)).isEqualTo(pages.page(pages.count()));
    }
}
