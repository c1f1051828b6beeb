package org.openpista.tool.browser.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a page's accessibility tree as the outline the model reads, in Playwright MCP's notation:
 * one line per element, {@code - role "name" [attributes] [ref=eN]}, children indented below,
 * text as {@code - text: …}, links with their {@code /url}, form values after a colon. Elements a
 * call can act on carry a ref; elements that appeared since the previous snapshot of the same
 * document are marked {@code [new]} (only the top of a new subtree). Wrappers without a role of
 * their own ({@code generic}, inline formatting) are left out and their content moves up, which
 * keeps the outline short.
 */
final class SnapshotRenderer {

    /** Roles a call acts on: they always get a ref. */
    static final Set<String> INTERACTIVE = Set.of("button", "link", "textbox", "searchbox", "combobox", "listbox",
            "option", "checkbox", "radio", "switch", "slider", "spinbutton", "tab", "menuitem", "menuitemcheckbox",
            "menuitemradio", "treeitem", "DisclosureTriangle", "MenuListOption", "ToggleButton", "PopUpButton");

    /** Roles whose content is their value or name: their children are not shown. */
    private static final Set<String> LEAVES = Set.of("textbox", "searchbox", "spinbutton", "slider", "image", "img",
            "checkbox", "radio", "switch", "progressbar", "meter", "separator", "scrollbar");

    /** Wrappers whose content moves up to their parent when they have neither name nor ref. */
    private static final Set<String> WRAPPERS = Set.of("generic", "none", "presentation", "group", "Section",
            "LabelText", "code", "strong", "emphasis", "mark", "subscript", "superscript", "deletion", "insertion", "time",
            "Abbr", "Ruby", "RubyAnnotation", "LayoutTable", "LayoutTableRow", "LayoutTableCell", "Pre", "Div",
            "RootWebArea", "MenuListPopup", "sectionheader", "sectionfooter");

    /** Inline wrappers: their text runs on with the text around them; other wrappers end a text line. */
    private static final Set<String> INLINE = Set.of("strong", "emphasis", "mark", "subscript", "superscript",
            "deletion", "insertion", "time", "Abbr", "Ruby", "RubyAnnotation", "code");

    private static final Set<String> SKIPPED = Set.of("InlineTextBox", "ListMarker");
    private static final Set<String> VALUED = Set.of("textbox", "searchbox", "combobox", "spinbutton", "slider");
    private static final int MAX_NAME = 150;
    private static final int MAX_TEXT = 600;
    private static final int MAX_URL = 120;
    private static final int MAX_OPTIONS = 30;

    /**
     * One line of the outline.
     *
     * @param depth its indentation level
     * @param text the line without indentation
     */
    record Line(int depth, String text) {
        /** @return the line as shown */
        String indented() {
            return "  ".repeat(depth) + text;
        }
    }

    private sealed interface Item permits Text, Element {}

    private static final class Text implements Item {
        final StringBuilder text = new StringBuilder();
        final List<Integer> ids = new ArrayList<>();
        boolean ended;
    }

    private record Element(AxNode node, String role, String ref, List<Item> children) implements Item {}

    private final RefTable refs;
    private final URI page;
    private final boolean markNew;
    private final Set<Integer> seen;
    private final Set<Integer> shown = new HashSet<>();

    /**
     * @param refs the tab's refs; elements get theirs from here
     * @param pageUrl the page's address, to shorten links to the same site
     */
    SnapshotRenderer(RefTable refs, String pageUrl) {
        this.refs = refs;
        this.page = uri(pageUrl);
        this.markNew = refs.hasSnapshot();
        this.seen = refs.seen();
    }

    /** @return the outline of the tree; the tab remembers what it showed, to mark what is new next time */
    List<Line> render(AxTree tree) {
        List<Line> lines = new ArrayList<>();
        if (tree.root() != null) {
            List<Item> items = new ArrayList<>();
            collect(tree, tree.root(), items);
            write(items, 0, false, lines);
        }
        refs.snapshotShowed(shown);
        return lines;
    }

    private void collect(AxTree tree, AxNode node, List<Item> out) {
        String role = node.role();
        if (SKIPPED.contains(role)) {
            return;
        }
        if (role.equals("StaticText") || role.equals("LineBreak")) {
            if (!node.ignored()) {
                text(out, role.equals("LineBreak") ? " " : node.name(), node.backendId());
            }
            return;
        }
        if (node.ignored() || role.equals("RootWebArea")) {
            collectChildren(tree, node, out);
            return;
        }
        boolean actionable = actionable(node);
        if (!actionable && node.name().isBlank() && wrapper(role)) {
            boolean block = !INLINE.contains(role);
            if (block) {
                endText(out);
            }
            collectChildren(tree, node, out);
            if (block) {
                endText(out);
            }
            return;
        }
        String ref = actionable && node.backendId() != 0 ? refs.refFor(node.backendId(), shownRole(role), node.name())
                : null;
        List<Item> children = new ArrayList<>();
        if (role.equals("Iframe")) {
            AxTree frame = tree.frames().get(node.backendId());
            if (frame != null && frame.root() != null) {
                collectChildren(frame, frame.root(), children);
            }
        } else if (!LEAVES.contains(role)) {
            collectChildren(tree, node, children);
        }
        out.add(new Element(node, shownRole(role), ref, children));
    }

    private void collectChildren(AxTree tree, AxNode node, List<Item> out) {
        for (AxNode child : tree.children(node)) {
            collect(tree, child, out);
        }
    }

    private static void text(List<Item> out, String text, int id) {
        if (text.isEmpty()) {
            return;
        }
        Text last = !out.isEmpty() && out.get(out.size() - 1) instanceof Text t && !t.ended ? t : null;
        if (last == null) {
            last = new Text();
            out.add(last);
        }
        last.text.append(text);
        if (id != 0) {
            last.ids.add(id);
        }
    }

    private static void endText(List<Item> out) {
        if (!out.isEmpty() && out.get(out.size() - 1) instanceof Text last) {
            last.ended = true;
        }
    }

    private void write(List<Item> items, int depth, boolean insideNew, List<Line> lines) {
        int options = 0;
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (item instanceof Text text) {
                String shownText = clip(squash(text.text.toString()), MAX_TEXT);
                // a label's text next to its control: the control's name says it already
                if (shownText.isEmpty() || names(items, i - 1, shownText) || names(items, i + 1, shownText)) {
                    shown.addAll(text.ids);
                    continue;
                }
                shown.addAll(text.ids);
                lines.add(new Line(depth, "- text: " + shownText + (isNew(text.ids, insideNew) ? " [new]" : "")));
            } else if (item instanceof Element element) {
                if (element.role.equals("option") && ++options > MAX_OPTIONS) {
                    if (options == MAX_OPTIONS + 1) {
                        lines.add(new Line(depth, "- text: … "
                                + items.stream().filter(other -> other instanceof Element e && e.role.equals("option")).count()
                                + " options in all"));
                    }
                    continue;
                }
                element(element, depth, insideNew, lines);
            }
        }
    }

    private static boolean names(List<Item> items, int index, String text) {
        return index >= 0 && index < items.size() && items.get(index) instanceof Element element
                && element.ref != null && squash(element.node.name()).equals(text);
    }

    private void element(Element element, int depth, boolean insideNew, List<Line> lines) {
        AxNode node = element.node;
        List<Item> children = element.children;
        String name = squash(node.name());
        // a button or link whose text is just its name says it once
        if (!name.isEmpty() && children.stream().allMatch(item -> item instanceof Text)
                && squash(joined(children)).equals(name)) {
            children.forEach(item -> shown.addAll(((Text) item).ids));
            children = List.of();
        }
        String url = element.role.equals("link") ? link(node.properties().get("url")) : null;
        String value = VALUED.contains(element.role) && children.isEmpty() ? squash(node.value()) : "";
        if (element.ref == null && name.isEmpty() && value.isEmpty() && url == null && children.isEmpty()) {
            return;
        }
        if (node.backendId() != 0) {
            shown.add(node.backendId());
        }
        boolean fresh = !insideNew && markNew && node.backendId() != 0 && !seen.contains(node.backendId());
        StringBuilder line = new StringBuilder("- ").append(element.role);
        if (!name.isEmpty()) {
            line.append(" \"").append(clip(name, MAX_NAME).replace("\"", "\\\"")).append('"');
        }
        attributes(node, element.role, line);
        if (element.ref != null) {
            line.append(" [ref=").append(element.ref).append(']');
        }
        if (fresh) {
            line.append(" [new]");
        }
        // a single text child goes on the line: "- paragraph: Hello"
        if (url == null && value.isEmpty() && children.size() == 1 && children.get(0) instanceof Text only) {
            String text = clip(squash(only.text.toString()), MAX_TEXT);
            shown.addAll(only.ids);
            boolean textNew = !fresh && isNew(only.ids, insideNew);
            lines.add(new Line(depth, line + (text.isEmpty() ? "" : ": " + text) + (textNew ? " [new]" : "")));
            return;
        }
        if (!value.isEmpty()) {
            line.append(": ").append(clip(value, MAX_TEXT));
        } else if (url != null || !children.isEmpty()) {
            line.append(':');
        }
        lines.add(new Line(depth, line.toString()));
        if (url != null) {
            lines.add(new Line(depth + 1, "- /url: " + url));
        }
        write(children, depth + 1, insideNew || fresh, lines);
    }

    private static void attributes(AxNode node, String role, StringBuilder line) {
        String checked = node.properties().get("checked");
        if ("true".equals(checked)) {
            line.append(" [checked]");
        } else if ("mixed".equals(checked)) {
            line.append(" [checked=mixed]");
        }
        if (node.is("disabled")) {
            line.append(" [disabled]");
        }
        if (node.is("expanded")) {
            line.append(" [expanded]");
        }
        if (role.equals("heading") && node.properties().containsKey("level")) {
            line.append(" [level=").append(node.properties().get("level")).append(']');
        }
        String pressed = node.properties().get("pressed");
        if ("true".equals(pressed)) {
            line.append(" [pressed]");
        } else if ("mixed".equals(pressed)) {
            line.append(" [pressed=mixed]");
        }
        if (node.is("selected")) {
            line.append(" [selected]");
        }
        if (node.is("required")) {
            line.append(" [required]");
        }
        if (node.is("focused") && !role.equals("RootWebArea")) {
            line.append(" [active]");
        }
    }

    private boolean isNew(List<Integer> ids, boolean insideNew) {
        if (insideNew || !markNew) {
            return false;
        }
        for (int id : ids) {
            if (!seen.contains(id)) {
                return true;
            }
        }
        return false;
    }

    /** @return whether a call may act on the node: interactive roles and whatever takes the focus */
    static boolean actionable(AxNode node) {
        String role = node.role();
        if (role.equals("RootWebArea") || role.equals("Iframe") || role.equals("StaticText")) {
            return false;
        }
        return INTERACTIVE.contains(role) || node.is("focusable") || node.is("editable") && !node.role().equals("generic");
    }

    private static boolean wrapper(String role) {
        return WRAPPERS.contains(role) || !role.isEmpty() && Character.isUpperCase(role.charAt(0))
                && !role.equals("Iframe") && !role.equals("DisclosureTriangle") && !role.equals("MenuListOption");
    }

    /** @return the role in ARIA's spelling where Chromium has its own */
    static String shownRole(String role) {
        return switch (role) {
            case "image" -> "img";
            case "Iframe" -> "iframe";
            case "DisclosureTriangle", "ToggleButton", "PopUpButton" -> "button";
            case "MenuListOption" -> "option";
            default -> role.isEmpty() ? "generic" : Character.toLowerCase(role.charAt(0)) + role.substring(1);
        };
    }

    private String link(String href) {
        if (href == null || href.isBlank()) {
            return null;
        }
        String shownUrl = href;
        URI target = uri(href);
        if (page != null && target != null && target.getScheme() != null && target.getScheme().equals(page.getScheme())
                && target.getRawAuthority() != null && target.getRawAuthority().equals(page.getRawAuthority())) {
            String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
            shownUrl = path + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery())
                    + (target.getRawFragment() == null ? "" : "#" + target.getRawFragment());
        }
        return clip(shownUrl, MAX_URL);
    }

    private static String joined(List<Item> items) {
        StringBuilder all = new StringBuilder();
        items.forEach(item -> all.append(((Text) item).text));
        return all.toString();
    }

    static String squash(String text) {
        return text.replaceAll("[\\s\\u00a0]+", " ").strip();
    }

    static String clip(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }

    private static URI uri(String text) {
        try {
            return text == null ? null : new URI(text);
        } catch (URISyntaxException e) {
            return null;
        }
    }

}
