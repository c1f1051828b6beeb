package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;
import org.commonmark.ext.gfm.tables.TableBlock;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * Markdown for a terminal: headings, emphasis, inline code and code blocks, lists (nested,
 * numbered), quotes, links (text and address), tables (GitHub's), rules. The text is made safe
 * for the terminal first ({@link Layout#clean(String)}); the result is lines of at most the width given.
 */
final class Markdown {

    private final Parser parser = Parser.builder().extensions(List.of(TablesExtension.create())).build();
    private final Styles styles;

    Markdown(Styles styles) {
        this.styles = styles;
    }

    List<AttributedString> render(String markdown, int width) {
        List<AttributedString> out = new ArrayList<>();
        blocks(parser.parse(Layout.clean(markdown)), Math.max(8, width), AttributedString.EMPTY, AttributedString.EMPTY, out);
        while (!out.isEmpty() && out.get(out.size() - 1).length() == 0) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /** Renders the blocks under {@code parent}, the first line after {@code first}, the others after {@code rest}. */
    private void blocks(Node parent, int width, AttributedString first, AttributedString rest, List<AttributedString> out) {
        boolean firstBlock = true;
        boolean tight = parent instanceof ListItem item && item.getParent() instanceof ListBlock list && list.isTight();
        for (Node block = parent.getFirstChild(); block != null; block = block.getNext()) {
            if (!firstBlock && !tight) {
                out.add(rest);
            }
            AttributedString prefix = firstBlock ? first : rest;
            block(block, width, prefix, rest, out);
            firstBlock = false;
        }
    }

    private void block(Node block, int width, AttributedString first, AttributedString rest, List<AttributedString> out) {
        int room = Math.max(4, width - rest.columnLength());
        if (block instanceof Paragraph) {
            out.addAll(Layout.indent(Layout.wrap(inline(block, styles.plain()), room), first, rest));
        } else if (block instanceof Heading heading) {
            AttributedStyle style = heading.getLevel() <= 2 ? styles.heading().underline() : styles.heading();
            out.addAll(Layout.indent(Layout.wrap(inline(block, style), room), first, rest));
        } else if (block instanceof FencedCodeBlock fenced) {
            code(fenced.getLiteral(), fenced.getInfo(), room, first, rest, out);
        } else if (block instanceof IndentedCodeBlock indented) {
            code(indented.getLiteral(), "", room, first, rest, out);
        } else if (block instanceof BulletList || block instanceof OrderedList) {
            list((ListBlock) block, width, first, rest, out);
        } else if (block instanceof BlockQuote) {
            AttributedString bar = new AttributedString("▌ ", styles.dim());
            blocks(block, width, concat(first, bar), concat(rest, bar), out);
        } else if (block instanceof ThematicBreak) {
            out.add(concat(first, new AttributedString("─".repeat(Math.min(room, 40)), styles.dim())));
        } else if (block instanceof TableBlock table) {
            out.addAll(Layout.indent(Tables.render(table, room, styles, this::inline), first, rest));
        } else if (block instanceof HtmlBlock html) {
            out.addAll(Layout.indent(Layout.wrap(new AttributedString(html.getLiteral().stripTrailing(), styles.dim()), room),
                    first, rest));
        } else {
            blocks(block, width, first, rest, out);
        }
    }

    private void list(ListBlock list, int width, AttributedString first, AttributedString rest, List<AttributedString> out) {
        int number = list instanceof OrderedList ordered && ordered.getMarkerStartNumber() != null
                ? ordered.getMarkerStartNumber() : 1;
        boolean firstItem = true;
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            if (!firstItem && !list.isTight()) {
                out.add(rest);
            }
            String marker = list instanceof OrderedList ? (number++) + ". " : "• ";
            AttributedString bullet = new AttributedString(marker, styles.accent());
            AttributedString hanging = new AttributedString(" ".repeat(marker.length()));
            blocks(item, width, concat(firstItem ? first : rest, bullet), concat(rest, hanging), out);
            firstItem = false;
        }
    }

    private void code(String literal, String info, int room, AttributedString first, AttributedString rest,
            List<AttributedString> out) {
        AttributedString gutter = new AttributedString("│ ", styles.dim());
        String language = info == null ? "" : info.strip();
        if (!language.isEmpty()) {
            out.add(concat(first, new AttributedString("╭ " + language, styles.dim())));
            first = rest;
        }
        String text = literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
        List<AttributedString> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            lines.addAll(Layout.wrap(new AttributedString(line, styles.code()), Math.max(2, room - 2)));
        }
        for (int i = 0; i < lines.size(); i++) {
            out.add(concat(concat(i == 0 ? first : rest, gutter), lines.get(i)));
        }
    }

    /** @return the inline content of a block as one styled text; line breaks stay as new lines */
    AttributedString inline(Node block, AttributedStyle base) {
        AttributedStringBuilder text = new AttributedStringBuilder();
        inlines(block, base, text);
        return text.toAttributedString();
    }

    private void inlines(Node parent, AttributedStyle style, AttributedStringBuilder text) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Text plain) {
                text.style(style).append(plain.getLiteral());
            } else if (node instanceof Code code) {
                text.style(styles.code()).append(code.getLiteral());
            } else if (node instanceof Emphasis) {
                inlines(node, style.italic(), text);
            } else if (node instanceof StrongEmphasis) {
                inlines(node, style.bold(), text);
            } else if (node instanceof Link link) {
                int before = text.length();
                inlines(node, styles.link(), text);
                String shown = text.toAttributedString().subSequence(before, text.length()).toString();
                if (!link.getDestination().isEmpty() && !shown.equals(link.getDestination())) {
                    text.style(styles.dim()).append(" (" + link.getDestination() + ")");
                }
            } else if (node instanceof Image image) {
                text.style(styles.dim()).append("[image: ");
                inlines(node, styles.dim(), text);
                text.style(styles.dim()).append(" " + image.getDestination() + "]");
            } else if (node instanceof SoftLineBreak) {
                text.style(style).append(" ");
            } else if (node instanceof HardLineBreak) {
                text.style(style).append("\n");
            } else if (node instanceof HtmlInline html) {
                text.style(styles.dim()).append(html.getLiteral());
            } else if (node instanceof TableCell) {
                inlines(node, style, text);
            } else {
                inlines(node, style, text);
            }
        }
    }

    static AttributedString concat(AttributedString a, AttributedString b) {
        AttributedStringBuilder joined = new AttributedStringBuilder();
        joined.append(a).append(b);
        return joined.toAttributedString();
    }
}
