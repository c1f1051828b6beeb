package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.WCWidth;

/**
 * Text laid out in terminal columns: East Asian wide characters take two, combining marks none.
 * Word wrapping, cutting with an ellipsis, padding, and drawing a box over a screen line.
 */
final class Layout {

    private Layout() {}

    /** @return how many columns a code point takes (control characters none: they are never drawn raw) */
    static int width(int codePoint) {
        return Math.max(0, WCWidth.wcwidth(codePoint));
    }

    /** @return how many columns a text takes */
    static int width(CharSequence text) {
        int columns = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            columns += width(cp);
            i += Character.charCount(cp);
        }
        return columns;
    }

    /** @return the text with tabs as spaces and nothing that could act on a terminal */
    static String clean(String text) {
        return org.openpista.api.channel.TerminalText.safe(text).replace("\t", "    ");
    }

    /**
     * Wraps a styled text at word boundaries to lines of at most {@code width} columns; words
     * longer than a line are broken. New lines in the text start new lines.
     */
    static List<AttributedString> wrap(AttributedString text, int width) {
        int limit = Math.max(1, width);
        List<AttributedString> lines = new ArrayList<>();
        int start = 0;
        String plain = text.toString();
        while (true) {
            int end = plain.indexOf('\n', start);
            wrapLine(text.subSequence(start, end < 0 ? plain.length() : end), limit, lines);
            if (end < 0) {
                return lines;
            }
            start = end + 1;
        }
    }

    private static void wrapLine(AttributedString line, int width, List<AttributedString> out) {
        String plain = line.toString();
        if (width(plain) <= width) {
            out.add(line);
            return;
        }
        int lineStart = 0;
        int columns = 0;
        int lastBreak = -1;
        int i = 0;
        while (i < plain.length()) {
            int cp = plain.codePointAt(i);
            int w = width(cp);
            if (columns + w > width) {
                int cut = lastBreak > lineStart ? lastBreak : i;
                out.add(trimEnd(line.subSequence(lineStart, cut)));
                lineStart = cut;
                while (lineStart < plain.length() && plain.charAt(lineStart) == ' ') {
                    lineStart++;
                }
                i = lineStart;
                columns = 0;
                lastBreak = -1;
                continue;
            }
            columns += w;
            i += Character.charCount(cp);
            if (cp == ' ') {
                lastBreak = i;
            }
        }
        if (lineStart < plain.length()) {
            out.add(line.subSequence(lineStart, plain.length()));
        }
    }

    private static AttributedString trimEnd(AttributedString text) {
        String plain = text.toString();
        int end = plain.length();
        while (end > 0 && plain.charAt(end - 1) == ' ') {
            end--;
        }
        return text.subSequence(0, end);
    }

    /** @return the text cut to at most {@code width} columns, with an ellipsis when something was cut */
    static AttributedString cut(AttributedString text, int width) {
        if (text.columnLength() <= width || width(text) <= width) {
            return text;
        }
        if (width <= 1) {
            return width <= 0 ? AttributedString.EMPTY : new AttributedString("…");
        }
        String plain = text.toString();
        int columns = 0;
        int i = 0;
        while (i < plain.length()) {
            int cp = plain.codePointAt(i);
            if (columns + width(cp) > width - 1) {
                break;
            }
            columns += width(cp);
            i += Character.charCount(cp);
        }
        AttributedStringBuilder cut = new AttributedStringBuilder();
        cut.append(text.subSequence(0, i));
        cut.append("…");
        return cut.toAttributedString();
    }

    static AttributedString cut(String text, AttributedStyle style, int width) {
        return cut(new AttributedString(text, style), width);
    }

    /** @return the text cut or padded with spaces (in the style given) to exactly {@code width} columns */
    static AttributedString pad(AttributedString text, int width, AttributedStyle style) {
        AttributedString cut = cut(text, width);
        int missing = width - width(cut.toString());
        if (missing <= 0) {
            return cut;
        }
        AttributedStringBuilder padded = new AttributedStringBuilder();
        padded.append(cut);
        padded.style(style).append(" ".repeat(missing));
        return padded.toAttributedString();
    }

    /**
     * Draws {@code over} onto a screen line from column {@code at}, replacing what was there; a wide
     * character cut in half at either edge becomes a space.
     */
    static AttributedString overlay(AttributedString base, AttributedString over, int at, int width) {
        int after = at + width(over.toString());
        // padded when shorter, never cut: what lies right of the box stays visible
        AttributedString padded = width(base.toString()) >= after ? base : pad(base, after, AttributedStyle.DEFAULT);
        AttributedStringBuilder line = new AttributedStringBuilder();
        line.append(columns(padded, 0, at));
        line.append(over);
        line.append(columns(padded, after, Math.max(after, Math.min(width, width(padded.toString())))));
        return line.toAttributedString();
    }

    /** @return the columns {@code [from, to)} of a line, a half wide character at either end as a space */
    static AttributedString columns(AttributedString text, int from, int to) {
        String plain = text.toString();
        AttributedStringBuilder out = new AttributedStringBuilder();
        int column = 0;
        int i = 0;
        while (i < plain.length() && column < to) {
            int cp = plain.codePointAt(i);
            int w = width(cp);
            int next = i + Character.charCount(cp);
            if (column >= from && column + w <= to) {
                out.append(text.subSequence(i, next));
            } else if (column + w > from && column < to) {
                out.style(text.styleAt(i)).append(" ".repeat(Math.min(column + w, to) - Math.max(column, from)));
            }
            column += w;
            i = next;
        }
        return out.toAttributedString();
    }

    /** @return {@code text} with each of the lines prefixed */
    static List<AttributedString> indent(List<AttributedString> lines, AttributedString first, AttributedString rest) {
        List<AttributedString> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            AttributedStringBuilder line = new AttributedStringBuilder();
            line.append(i == 0 ? first : rest).append(lines.get(i));
            out.add(line.toAttributedString());
        }
        return out;
    }
}
