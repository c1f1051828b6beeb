package org.openpista.channel.telegram.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
import org.commonmark.node.ListItem;
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
 * Turns the model's markdown into messages Telegram renders safely: its HTML parse mode with only
 * the tags Telegram knows ({@code b}, {@code i}, {@code code}, {@code pre}, {@code a}, {@code
 * blockquote}), every other character escaped, cut into messages of at most {@value #LIMIT}
 * characters at paragraph boundaries.
 *
 * <p>HTML rather than MarkdownV2 because HTML needs only {@code < > &} escaped, so text the model
 * did not mean as markup can never break a message. Each chunk also carries its plain text, sent
 * instead when Telegram still refuses the markup.
 */
final class TelegramFormat {

    /** Telegram's limit for one message text. */
    static final int LIMIT = 4096;

    /**
     * One message to send.
     *
     * @param html the text in Telegram's HTML parse mode
     * @param plain the same text without markup
     */
    record Chunk(String html, String plain) {}

    /** A rendered top-level block; {@code code} blocks can be split line by line. */
    private record Block(String html, String plain, String codeLanguage, String code) {}

    /** Built at the first answer: an idle channel never loads commonmark's ~60 parser classes. */
    private final Lazy<Parser> parser = Lazy.of(() -> Parser.builder().build());
    private final int limit;

    TelegramFormat() {
        this(LIMIT);
    }

    /** @param limit the longest chunk, for tests */
    TelegramFormat(int limit) {
        this.limit = limit;
    }

    /** @return the messages for a markdown text; none for blank text */
    List<Chunk> render(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return List.of();
        }
        Node document = parser.get().parse(markdown);
        List<Block> blocks = new ArrayList<>();
        for (Node node = document.getFirstChild(); node != null; node = node.getNext()) {
            blocks.add(block(node));
        }
        return pack(blocks);
    }


    /** @return the text escaped for Telegram's HTML parse mode */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** @return plain text cut into chunks (for texts that are not markdown, such as errors) */
    List<Chunk> plain(String text) {
        List<Chunk> chunks = new ArrayList<>();
        for (String piece : splitEscaped(text, limit)) {
            chunks.add(new Chunk(escape(piece), piece));
        }
        return chunks;
    }

    private List<Chunk> pack(List<Block> blocks) {
        List<Chunk> chunks = new ArrayList<>();
        StringBuilder html = new StringBuilder();
        StringBuilder plain = new StringBuilder();
        for (Block block : blocks) {
            if (block.html().isBlank()) {
                continue;
            }
            if (block.html().length() > limit) {
                flush(chunks, html, plain);
                chunks.addAll(split(block));
                continue;
            }
            int separator = html.length() == 0 ? 0 : 2;
            if (html.length() + separator + block.html().length() > limit) {
                flush(chunks, html, plain);
                separator = 0;
            }
            if (separator > 0) {
                html.append("\n\n");
                plain.append("\n\n");
            }
            html.append(block.html());
            plain.append(block.plain());
        }
        flush(chunks, html, plain);
        return chunks;
    }

    private static void flush(List<Chunk> chunks, StringBuilder html, StringBuilder plain) {
        if (html.length() > 0) {
            chunks.add(new Chunk(html.toString(), plain.toString()));
        }
        html.setLength(0);
        plain.setLength(0);
    }

    /** Splits one block longer than the limit: code keeps its {@code pre} per piece, other text goes plain. */
    private List<Chunk> split(Block block) {
        List<Chunk> chunks = new ArrayList<>();
        if (block.code() != null) {
            String open = block.codeLanguage().isEmpty()
                    ? "<pre>"
                    : "<pre><code class=\"language-" + escape(block.codeLanguage()) + "\">";
            String close = block.codeLanguage().isEmpty() ? "</pre>" : "</code></pre>";
            int room = limit - open.length() - close.length();
            for (String piece : splitEscaped(block.code(), room)) {
                chunks.add(new Chunk(open + escape(piece) + close, piece));
            }
            return chunks;
        }
        for (String piece : splitEscaped(block.plain(), limit)) {
            chunks.add(new Chunk(escape(piece), piece));
        }
        return chunks;
    }

    /** Splits text so that each piece, once escaped, fits the room; at paragraph, line or word boundaries when it can. */
    static List<String> splitEscaped(String text, int room) {
        List<String> pieces = new ArrayList<>();
        String rest = text;
        while (escape(rest).length() > room) {
            // the longest prefix whose escaped form fits
            int fit = 0;
            int length = 0;
            while (fit < rest.length()) {
                int width = escapedWidth(rest.charAt(fit));
                if (length + width > room) {
                    break;
                }
                length += width;
                fit++;
            }
            int cut = rest.lastIndexOf("\n\n", fit - 2);
            int skip = 2;
            if (cut <= 0) {
                cut = rest.lastIndexOf('\n', fit - 1);
                skip = 1;
            }
            if (cut <= 0) {
                cut = rest.lastIndexOf(' ', fit - 1);
                skip = 1;
            }
            if (cut <= 0) {
                cut = Math.max(1, fit);
                if (cut < rest.length() && Character.isLowSurrogate(rest.charAt(cut)) && cut > 1) {
                    cut--;
                }
                skip = 0;
            }
            pieces.add(rest.substring(0, cut));
            rest = rest.substring(cut + skip);
        }
        if (!rest.isEmpty()) {
            pieces.add(rest);
        }
        return pieces;
    }

    private static int escapedWidth(char c) {
        return switch (c) {
            case '<', '>' -> 4;
            case '&' -> 5;
            case '"' -> 6;
            default -> 1;
        };
    }

    // ---------------------------------------------------------------- rendering

    private Block block(Node node) {
        if (node instanceof FencedCodeBlock fenced) {
            return code(firstWord(fenced.getInfo()), trimNewline(fenced.getLiteral()));
        }
        if (node instanceof IndentedCodeBlock indented) {
            return code("", trimNewline(indented.getLiteral()));
        }
        Out out = new Out();
        renderBlock(node, out, "");
        return new Block(out.html.toString().strip(), out.plain.toString().strip(), "", null);
    }

    private static Block code(String language, String code) {
        String html = language.isEmpty()
                ? "<pre>" + escape(code) + "</pre>"
                : "<pre><code class=\"language-" + escape(language) + "\">" + escape(code) + "</code></pre>";
        return new Block(html, code, language, code);
    }

    /** Text in both forms. */
    private static final class Out {
        final StringBuilder html = new StringBuilder();
        final StringBuilder plain = new StringBuilder();

        void text(String text) {
            html.append(escape(text));
            plain.append(text);
        }

        void tag(String tag) {
            html.append(tag);
        }

        void both(String text) {
            text(text);
        }
    }

    private void renderBlock(Node node, Out out, String indent) {
        if (node instanceof Paragraph) {
            renderInlines(node, out);
        } else if (node instanceof Heading) {
            out.tag("<b>");
            renderInlines(node, out);
            out.tag("</b>");
        } else if (node instanceof BulletList || node instanceof OrderedList) {
            int number = node instanceof OrderedList ordered && ordered.getMarkerStartNumber() != null
                    ? ordered.getMarkerStartNumber()
                    : 1;
            boolean first = true;
            for (Node item = node.getFirstChild(); item != null; item = item.getNext()) {
                if (!first) {
                    out.both("\n");
                }
                first = false;
                String marker = node instanceof OrderedList ? (number++) + ". " : "• ";
                out.both(indent + marker);
                renderListItem((ListItem) item, out, indent + "  ");
            }
        } else if (node instanceof BlockQuote) {
            out.tag("<blockquote>");
            boolean first = true;
            for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
                if (!first) {
                    out.both("\n");
                }
                first = false;
                renderBlock(child, out, "");
            }
            out.tag("</blockquote>");
        } else if (node instanceof FencedCodeBlock fenced) {
            out.tag("<pre>");
            out.text(trimNewline(fenced.getLiteral()));
            out.tag("</pre>");
        } else if (node instanceof IndentedCodeBlock indented) {
            out.tag("<pre>");
            out.text(trimNewline(indented.getLiteral()));
            out.tag("</pre>");
        } else if (node instanceof ThematicBreak) {
            out.both("──────────");
        } else if (node instanceof HtmlBlock html) {
            out.text(trimNewline(html.getLiteral()));
        } else {
            renderInlines(node, out);
        }
    }

    private void renderListItem(ListItem item, Out out, String indent) {
        boolean first = true;
        for (Node child = item.getFirstChild(); child != null; child = child.getNext()) {
            if (!first) {
                out.both("\n");
                if (!(child instanceof BulletList || child instanceof OrderedList)) {
                    out.both(indent);
                }
            }
            first = false;
            renderBlock(child, out, indent);
        }
    }

    private void renderInlines(Node parent, Out out) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNext()) {
            renderInline(node, out);
        }
    }

    private void renderInline(Node node, Out out) {
        if (node instanceof Text text) {
            out.text(text.getLiteral());
        } else if (node instanceof Code code) {
            out.tag("<code>");
            out.text(code.getLiteral());
            out.tag("</code>");
        } else if (node instanceof StrongEmphasis) {
            out.tag("<b>");
            renderInlines(node, out);
            out.tag("</b>");
        } else if (node instanceof Emphasis) {
            out.tag("<i>");
            renderInlines(node, out);
            out.tag("</i>");
        } else if (node instanceof Link link) {
            String url = link.getDestination();
            if (safeUrl(url)) {
                out.tag("<a href=\"" + escape(url) + "\">");
                renderInlines(node, out);
                out.tag("</a>");
            } else {
                renderInlines(node, out);
            }
        } else if (node instanceof Image image) {
            out.text("[image");
            if (image.getFirstChild() != null) {
                out.text(": ");
                renderInlines(node, out);
            }
            out.text("]");
        } else if (node instanceof SoftLineBreak || node instanceof HardLineBreak) {
            out.both("\n");
        } else if (node instanceof HtmlInline html) {
            out.text(html.getLiteral());
        } else {
            renderInlines(node, out);
        }
    }

    private static boolean safeUrl(String url) {
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("tg://")
                || lower.startsWith("mailto:");
    }

    private static String firstWord(String info) {
        String trimmed = info == null ? "" : info.strip();
        int space = trimmed.indexOf(' ');
        String word = space < 0 ? trimmed : trimmed.substring(0, space);
        return word.matches("[A-Za-z0-9_+#.-]{1,32}") ? word : "";
    }

    private static String trimNewline(String text) {
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
