package org.openpista.channel.slack.internal;

import java.util.ArrayList;
import java.util.List;
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
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;
import org.openpista.channel.support.Lazy;

/**
 * Turns the model's markdown into Slack's mrkdwn: {@code **bold**} becomes {@code *bold*}, {@code
 * *italic*} {@code _italic_}, links {@code <url|text>}, headings bold lines, lists bullets, code
 * stays in backticks; {@code &}, {@code <} and {@code >} are escaped everywhere, so text the model
 * did not mean as markup never becomes a mention or a link. Long answers are cut into messages of at
 * most {@value #LIMIT} characters between blocks (Slack takes 40,000 but shows long messages
 * collapsed; its guidance is 4,000), a code block that is cut is closed and opened again.
 */
final class Mrkdwn {

    /** The longest message text sent. */
    static final int LIMIT = 3_900;

    /** Built at the first answer: an idle channel never loads commonmark's ~60 parser classes. */
    private final Lazy<Parser> parser = Lazy.of(() -> Parser.builder().build());
    private final int limit;

    Mrkdwn() {
        this(LIMIT);
    }

    /** @param limit the longest message, for tests */
    Mrkdwn(int limit) {
        this.limit = limit;
    }

    /** @return the messages for a markdown text; none for blank text */
    List<String> render(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return List.of();
        }
        List<String> blocks = new ArrayList<>();
        Node document = parser.get().parse(markdown);
        for (Node node = document.getFirstChild(); node != null; node = node.getNext()) {
            String block = block(node, "").strip();
            if (!block.isEmpty()) {
                blocks.add(block);
            }
        }
        return pack(blocks);
    }


    /** @return plain text, escaped and cut to the limit (error lines, notices) */
    List<String> plain(String text) {
        return pack(List.of(escape(text)));
    }

    /** @return the text with Slack's three control characters escaped */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private String block(Node node, String indent) {
        if (node instanceof Heading || node instanceof Paragraph) {
            String text = inline(node);
            return node instanceof Heading ? "*" + text.strip() + "*" : text;
        }
        if (node instanceof FencedCodeBlock fenced) {
            return fence(fenced.getLiteral());
        }
        if (node instanceof IndentedCodeBlock indented) {
            return fence(indented.getLiteral());
        }
        if (node instanceof BlockQuote) {
            StringBuilder quoted = new StringBuilder();
            for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
                for (String line : block(child, "").strip().split("\n", -1)) {
                    quoted.append("> ").append(line).append('\n');
                }
            }
            return quoted.toString();
        }
        if (node instanceof BulletList || node instanceof OrderedList) {
            StringBuilder list = new StringBuilder();
            int number = node instanceof OrderedList ordered && ordered.getMarkerStartNumber() != null
                    ? ordered.getMarkerStartNumber() : 1;
            for (Node item = node.getFirstChild(); item != null; item = item.getNext()) {
                String marker = node instanceof OrderedList ? (number++) + ". " : "• ";
                list.append(indent).append(marker).append(item(item, indent + "    ")).append('\n');
            }
            return list.toString();
        }
        if (node instanceof ThematicBreak) {
            return "──────────";
        }
        if (node instanceof HtmlBlock html) {
            return escape(html.getLiteral());
        }
        return inline(node);
    }

    private String item(Node item, String indent) {
        StringBuilder text = new StringBuilder();
        for (Node child = item.getFirstChild(); child != null; child = child.getNext()) {
            if (child instanceof BulletList || child instanceof OrderedList) {
                text.append('\n').append(block(child, indent).stripTrailing());
            } else {
                text.append(text.length() == 0 ? "" : "\n" + indent).append(block(child, indent).strip());
            }
        }
        return text.toString();
    }

    private String inline(Node parent) {
        StringBuilder out = new StringBuilder();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Text text) {
                out.append(escape(text.getLiteral()));
            } else if (node instanceof Code code) {
                out.append('`').append(escape(code.getLiteral())).append('`');
            } else if (node instanceof StrongEmphasis) {
                out.append('*').append(inline(node)).append('*');
            } else if (node instanceof Emphasis) {
                out.append('_').append(inline(node)).append('_');
            } else if (node instanceof Link link) {
                String label = inline(node);
                out.append('<').append(link.getDestination().replace("|", "%7C").replace(">", "%3E")).append('|')
                        .append(label.isEmpty() ? escape(link.getDestination()) : label.replace("|", "¦")).append('>');
            } else if (node instanceof Image image) {
                out.append('<').append(image.getDestination().replace("|", "%7C")).append('|').append(inline(node)).append('>');
            } else if (node instanceof SoftLineBreak || node instanceof HardLineBreak) {
                out.append('\n');
            } else if (node instanceof HtmlInline html) {
                out.append(escape(html.getLiteral()));
            } else {
                out.append(inline(node));
            }
        }
        return out.toString();
    }

    private static String fence(String code) {
        String body = escape(code.endsWith("\n") ? code.substring(0, code.length() - 1) : code);
        return "```\n" + body + "\n```";
    }

    /** Puts blocks into messages, separated by a blank line; a block longer than a message is cut by lines. */
    private List<String> pack(List<String> blocks) {
        List<String> messages = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String block : blocks) {
            for (String piece : cut(block)) {
                if (current.length() > 0 && current.length() + 2 + piece.length() > limit) {
                    messages.add(current.toString());
                    current.setLength(0);
                }
                current.append(current.length() == 0 ? "" : "\n\n").append(piece);
            }
        }
        if (current.length() > 0) {
            messages.add(current.toString());
        }
        return messages;
    }

    /** @return a block as pieces of at most the limit: by lines, long lines by spaces or hard; code fences kept whole */
    private List<String> cut(String block) {
        if (block.length() <= limit) {
            return List.of(block);
        }
        boolean code = block.startsWith("```\n") && block.endsWith("\n```");
        String body = code ? block.substring(4, block.length() - 4) : block;
        int room = code ? limit - 8 : limit;
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            while (line.length() > room) {
                int space = line.lastIndexOf(' ', room);
                int end = space > room / 2 ? space : room;
                if (piece.length() > 0) {
                    pieces.add(piece.toString());
                    piece.setLength(0);
                }
                pieces.add(line.substring(0, end));
                line = line.substring(end).stripLeading();
            }
            if (piece.length() > 0 && piece.length() + 1 + line.length() > room) {
                pieces.add(piece.toString());
                piece.setLength(0);
            }
            piece.append(piece.length() == 0 ? "" : "\n").append(line);
        }
        if (piece.length() > 0) {
            pieces.add(piece.toString());
        }
        return code ? pieces.stream().map(text -> "```\n" + text + "\n```").toList() : pieces;
    }
}
