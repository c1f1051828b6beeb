package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.commonmark.ext.gfm.tables.TableCell;
import org.commonmark.ext.gfm.tables.TableHead;
import org.commonmark.node.Node;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * GitHub tables for a terminal: columns as wide as their content, narrowed (and their cells
 * wrapped) when the table would not fit, the header row bold and ruled off.
 */
final class Tables {

    private static final String SEPARATOR = " │ ";

    private Tables() {}

    static List<AttributedString> render(Node table, int width, Styles styles,
            BiFunction<Node, AttributedStyle, AttributedString> inline) {
        List<List<AttributedString>> rows = new ArrayList<>();
        int headerRows = 0;
        for (Node section = table.getFirstChild(); section != null; section = section.getNext()) {
            for (Node row = section.getFirstChild(); row != null; row = row.getNext()) {
                List<AttributedString> cells = new ArrayList<>();
                for (Node cell = row.getFirstChild(); cell != null; cell = cell.getNext()) {
                    boolean header = cell instanceof TableCell tableCell && tableCell.isHeader();
                    cells.add(inline.apply(cell, header ? styles.bold() : styles.plain()));
                }
                rows.add(cells);
                if (section instanceof TableHead) {
                    headerRows++;
                }
            }
        }
        int columns = rows.stream().mapToInt(List::size).max().orElse(0);
        if (columns == 0) {
            return List.of();
        }
        int[] widths = widths(rows, columns, width);
        List<AttributedString> out = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            out.addAll(row(rows.get(r), widths, styles));
            if (r == headerRows - 1) {
                StringBuilder rule = new StringBuilder();
                for (int c = 0; c < columns; c++) {
                    rule.append(c == 0 ? "" : "─┼─").append("─".repeat(widths[c]));
                }
                out.add(new AttributedString(rule.toString(), styles.dim()));
            }
        }
        return out;
    }

    /** @return the column widths: the content's, narrowed from the widest column down while too wide */
    private static int[] widths(List<List<AttributedString>> rows, int columns, int width) {
        int[] widths = new int[columns];
        for (List<AttributedString> row : rows) {
            for (int c = 0; c < row.size(); c++) {
                widths[c] = Math.max(widths[c], Math.max(1, Layout.width(row.get(c).toString())));
            }
        }
        int available = Math.max(columns, width - SEPARATOR.length() * (columns - 1));
        while (sum(widths) > available) {
            int widest = 0;
            for (int c = 1; c < columns; c++) {
                if (widths[c] > widths[widest]) {
                    widest = c;
                }
            }
            if (widths[widest] <= 1) {
                break;
            }
            widths[widest]--;
        }
        return widths;
    }

    private static int sum(int[] values) {
        int total = 0;
        for (int value : values) {
            total += value;
        }
        return total;
    }

    private static List<AttributedString> row(List<AttributedString> cells, int[] widths, Styles styles) {
        List<List<AttributedString>> wrapped = new ArrayList<>();
        int height = 1;
        for (int c = 0; c < widths.length; c++) {
            List<AttributedString> lines = c < cells.size() ? Layout.wrap(cells.get(c), widths[c]) : List.of();
            wrapped.add(lines);
            height = Math.max(height, lines.size());
        }
        List<AttributedString> out = new ArrayList<>();
        for (int line = 0; line < height; line++) {
            AttributedStringBuilder text = new AttributedStringBuilder();
            for (int c = 0; c < widths.length; c++) {
                if (c > 0) {
                    text.style(styles.dim()).append(SEPARATOR);
                }
                List<AttributedString> lines = wrapped.get(c);
                AttributedString part = line < lines.size() ? lines.get(line) : AttributedString.EMPTY;
                text.append(c == widths.length - 1 ? Layout.cut(part, widths[c]) : Layout.pad(part, widths[c],
                        AttributedStyle.DEFAULT));
            }
            out.add(text.toAttributedString());
        }
        return out;
    }
}
