package org.openpista.tool.screen.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns what Tesseract found into text a model can read. Tesseract writes its words with their boxes
 * ({@code tsv}); a screen is not a page, so the words of a line are cut into runs where a gap wider
 * than {@value #GAP} line heights separates them (two windows side by side are two runs, not one
 * line), words below {@value #MIN_CONFIDENCE} confidence are dropped (window borders and icons read
 * as letters), and the runs of several passes with different page segmentations are merged: a run
 * is added unless it covers a run already there. The result is one run per line, top to bottom and
 * left to right, with an empty line where a gap separates blocks.
 */
final class OcrText {

    static final double GAP = 1.5;
    static final double MIN_CONFIDENCE = 20;
    /** The share of a run's box another run may cover before they count as the same text. */
    static final double SAME = 0.4;
    /** The narrowest a letter can be, as a share of its line's height ({@code i}, {@code l}). */
    static final double NARROWEST = 0.15;

    private OcrText() {}

    /**
     * @param tsv Tesseract's {@code tsv} output
     * @return its runs of words, in its order
     */
    static List<OcrLine> parse(String tsv) {
        Map<String, List<String[]>> lines = new LinkedHashMap<>();
        for (String row : tsv.split("\n")) {
            String[] columns = row.split("\t", -1);
            if (columns.length < 12 || !columns[0].equals("5") || columns[11].isBlank()) {
                continue;
            }
            double confidence;
            try {
                confidence = Double.parseDouble(columns[10]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (confidence < MIN_CONFIDENCE || implausible(columns)) {
                continue;
            }
            lines.computeIfAbsent(columns[1] + "/" + columns[2] + "/" + columns[3] + "/" + columns[4],
                    key -> new ArrayList<>()).add(columns);
        }
        List<OcrLine> runs = new ArrayList<>();
        for (List<String[]> words : lines.values()) {
            words.sort(Comparator.comparingInt(word -> Integer.parseInt(word[6])));
            int height = words.stream().mapToInt(word -> Integer.parseInt(word[9])).max().orElse(1);
            List<String[]> run = new ArrayList<>();
            int end = Integer.MIN_VALUE;
            for (String[] word : words) {
                int left = Integer.parseInt(word[6]);
                if (!run.isEmpty() && left - end > GAP * height) {
                    runs.add(run(run));
                    run = new ArrayList<>();
                }
                run.add(word);
                end = Math.max(end, left + Integer.parseInt(word[8]));
            }
            runs.add(run(run));
        }
        runs.removeIf(line -> line.text().codePoints().noneMatch(Character::isLetterOrDigit));
        return runs;
    }

    /**
     * A word whose box is far narrower than its letters could be: Tesseract gives such boxes to a
     * word it glued to a window's border ({@code [Quarterly} in a box of 9 by 12 pixels).
     */
    private static boolean implausible(String[] word) {
        int width = Integer.parseInt(word[8]);
        int height = Integer.parseInt(word[9]);
        return width < NARROWEST * height * word[11].strip().codePointCount(0, word[11].strip().length());
    }

    private static OcrLine run(List<String[]> words) {
        int left = Integer.MAX_VALUE;
        int top = Integer.MAX_VALUE;
        int right = Integer.MIN_VALUE;
        int bottom = Integer.MIN_VALUE;
        double confidence = 0;
        StringBuilder text = new StringBuilder();
        for (String[] word : words) {
            int x = Integer.parseInt(word[6]);
            int y = Integer.parseInt(word[7]);
            left = Math.min(left, x);
            top = Math.min(top, y);
            right = Math.max(right, x + Integer.parseInt(word[8]));
            bottom = Math.max(bottom, y + Integer.parseInt(word[9]));
            confidence += Double.parseDouble(word[10]);
            text.append(text.length() == 0 ? "" : " ").append(word[11].strip());
        }
        return new OcrLine(left, top, right - left, bottom - top, confidence / words.size(), text.toString());
    }

    /**
     * @param passes the runs of each pass, the first pass first
     * @return every run of the first pass, and those of the others that no run taken so far covers;
     *     a later run that covers runs taken so far replaces them when it read more of the same text
     */
    static List<OcrLine> merge(List<List<OcrLine>> passes) {
        List<OcrLine> kept = new ArrayList<>();
        for (List<OcrLine> pass : passes) {
            List<OcrLine> added = new ArrayList<>();
            for (OcrLine line : pass) {
                List<OcrLine> covered = kept.stream().filter(other -> other.overlap(line) > SAME * line.area()
                        || other.overlap(line) > SAME * other.area()).toList();
                if (covered.isEmpty()) {
                    added.add(line);
                } else if (covered.stream().allMatch(other -> line.text().length() > other.text().length())) {
                    kept.removeAll(covered);
                    added.add(line);
                }
            }
            kept.addAll(added);
        }
        return kept;
    }

    /**
     * @param lines runs in the pixels of the image read
     * @param scale how much the image was enlarged
     * @param x where the image's left edge is on the screen
     * @param y where its top edge is
     * @param boxes whether each line starts with its box on the screen, {@code [x,y widthxheight]}
     * @return the text, top to bottom and left to right
     */
    static String text(List<OcrLine> lines, int scale, int x, int y, boolean boxes) {
        List<OcrLine> ordered = new ArrayList<>(lines);
        ordered.sort(Comparator.comparingInt(OcrLine::top));
        // rows: runs whose middles lie within the first run's height, then left to right
        List<List<OcrLine>> rows = new ArrayList<>();
        for (OcrLine line : ordered) {
            List<OcrLine> row = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            if (row != null && line.top() + line.height() / 2 < row.get(0).bottom()) {
                row.add(line);
            } else {
                rows.add(new ArrayList<>(List.of(line)));
            }
        }
        StringBuilder text = new StringBuilder();
        OcrLine previous = null;
        for (List<OcrLine> unjoined : rows) {
            List<OcrLine> row = joined(unjoined);
            OcrLine first = row.get(0);
            if (previous != null && first.top() - previous.bottom() > previous.height()) {
                text.append('\n');
            }
            for (OcrLine line : row) {
                if (boxes) {
                    text.append('[').append(x + line.left() / scale).append(',').append(y + line.top() / scale)
                            .append(' ').append(Math.max(1, line.width() / scale)).append('x')
                            .append(Math.max(1, line.height() / scale)).append("] ");
                }
                text.append(line.text()).append('\n');
            }
            previous = first;
        }
        return text.toString().strip();
    }

    /**
     * Tesseract may put the words of one line of a window into two blocks (the first word touching
     * the window's border, say); runs of a row that no wide gap separates are one line again.
     */
    private static List<OcrLine> joined(List<OcrLine> row) {
        row.sort(Comparator.comparingInt(OcrLine::left));
        List<OcrLine> joined = new ArrayList<>();
        for (OcrLine line : row) {
            OcrLine last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
            if (last != null && line.left() - last.right() <= GAP * Math.max(last.height(), line.height())) {
                int left = Math.min(last.left(), line.left());
                int top = Math.min(last.top(), line.top());
                int right = Math.max(last.right(), line.right());
                int bottom = Math.max(last.bottom(), line.bottom());
                joined.set(joined.size() - 1, new OcrLine(left, top, right - left, bottom - top,
                        (last.confidence() + line.confidence()) / 2, last.text() + " " + line.text()));
            } else {
                joined.add(line);
            }
        }
        return joined;
    }
}
