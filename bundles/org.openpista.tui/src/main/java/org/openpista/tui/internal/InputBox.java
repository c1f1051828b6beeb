package org.openpista.tui.internal;

import java.util.ArrayList;
import java.util.List;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * A text being typed, laid out in a box of a given width: wrapped by columns (wide characters
 * never split), at most a few lines shown, scrolled so the cursor stays in view.
 */
final class InputBox {

    /** The lines of the box and where the cursor is in them. */
    record Drawn(List<AttributedString> lines, int cursorRow, int cursorColumn) {}

    private InputBox() {}

    /**
     * @param input the text and cursor
     * @param width the columns for the text
     * @param maxLines the most lines shown
     * @param secret whether to show dots instead of the text
     */
    static Drawn layout(Input input, int width, int maxLines, boolean secret, AttributedStyle style) {
        String text = secret ? "•".repeat(input.text().codePointCount(0, input.text().length())) : Layout.clean(input.text());
        int cursor = secret ? input.text().codePointCount(0, input.cursor())
                : Layout.clean(input.text().substring(0, input.cursor())).length();
        List<StringBuilder> rows = new ArrayList<>();
        rows.add(new StringBuilder());
        int row = 0;
        int column = 0;
        int cursorRow = 0;
        int cursorColumn = 0;
        int limit = Math.max(2, width);
        int i = 0;
        while (true) {
            if (i == cursor) {
                cursorRow = row;
                cursorColumn = column;
            }
            if (i >= text.length()) {
                break;
            }
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '\n') {
                rows.add(new StringBuilder());
                row++;
                column = 0;
                continue;
            }
            int w = Layout.width(cp);
            if (column + w > limit - 1) {
                rows.add(new StringBuilder());
                row++;
                column = 0;
            }
            rows.get(row).appendCodePoint(cp);
            column += w;
        }
        int first = Math.max(0, Math.min(cursorRow - maxLines + 1, rows.size() - maxLines));
        first = Math.min(first, cursorRow);
        List<AttributedString> lines = new ArrayList<>();
        for (int r = first; r < Math.min(rows.size(), first + maxLines); r++) {
            AttributedStringBuilder line = new AttributedStringBuilder();
            line.style(style).append(rows.get(r).toString());
            lines.add(line.toAttributedString());
        }
        return new Drawn(lines, cursorRow - first, cursorColumn);
    }
}
