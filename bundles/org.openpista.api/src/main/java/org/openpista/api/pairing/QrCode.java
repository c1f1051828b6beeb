package org.openpista.api.pairing;

import java.util.List;
import java.util.Objects;

/**
 * A QR code: the text it encodes and its modules, ready to draw.
 *
 * @param data the encoded text
 * @param rows one string per row of modules, top to bottom, {@code '1'} for a dark module and
 *     {@code '0'} for a light one; all rows as long as there are rows (no quiet zone included)
 */
public record QrCode(String data, List<String> rows) {

    /** Light modules drawn around the code when rendered for a terminal. */
    private static final int QUIET_ZONE = 2;

    public QrCode {
        Objects.requireNonNull(data, "data");
        rows = List.copyOf(rows);
        for (String row : rows) {
            if (row.length() != rows.size() || !row.matches("[01]*")) {
                throw new IllegalArgumentException("a QR code is a square of 0 and 1");
            }
        }
    }

    /** @return the number of modules per side */
    public int size() {
        return rows.size();
    }

    /**
     * @param x the column, from the left
     * @param y the row, from the top
     * @return whether the module is dark; outside the code (the quiet zone) everything is light
     */
    public boolean dark(int x, int y) {
        return x >= 0 && y >= 0 && x < size() && y < size() && rows.get(y).charAt(x) == '1';
    }

    /**
     * Draws the code with Unicode half blocks, two rows of modules per line, with a quiet zone.
     * Light modules are drawn as filled blocks, so on the usual light-on-dark terminal the code
     * shows dark on light, as scanners expect.
     *
     * @return the lines of the drawing joined by {@code \n}, ending with one
     */
    public String toTerminal() {
        StringBuilder out = new StringBuilder();
        int from = -QUIET_ZONE;
        int to = size() + QUIET_ZONE;
        for (int y = from; y < to; y += 2) {
            for (int x = from; x < to; x++) {
                boolean topLight = !dark(x, y);
                boolean bottomLight = y + 1 < to && !dark(x, y + 1);
                out.append(topLight ? (bottomLight ? '█' : '▀') : (bottomLight ? '▄' : ' '));
            }
            out.append('\n');
        }
        return out.toString();
    }
}
