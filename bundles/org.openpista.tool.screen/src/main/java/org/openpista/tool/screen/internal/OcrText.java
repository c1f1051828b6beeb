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
            if (confidence < MIN_CONFIDENCE) {
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
     * @return every run of the first pass, and those of the others that no run taken so far covers
     */
    static List<OcrLine> merge(List<List<OcrLine>> passes) {
        List<OcrLine> kept = new ArrayList<>();
        for (List<OcrLine> pass : passes) {
            List<OcrLine> added = new ArrayList<>();
            for (OcrLine line : pass) {
                boolean known = kept.stream().anyMatch(other -> other.overlap(line) > SAME * line.area()
                        || other.overlap(line) > SAME * other.area());
                if (!known) {
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
        for (List<OcrLine> row : rows) {
            row.sort(Comparator.comparingInt(OcrLine::left));
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
}
