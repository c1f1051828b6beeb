package org.openpista.tool.browser.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an outline into pages of at most a budget of characters, between lines. A page that starts
 * inside a subtree begins with the lines of its ancestors, so the model knows where it is.
 *
 * @param lines the whole outline
 * @param starts the index of each page's first line
 * @param budget characters per page
 */
record SnapshotPages(List<SnapshotRenderer.Line> lines, List<Integer> starts, int budget) {

    SnapshotPages {
        lines = List.copyOf(lines);
        starts = List.copyOf(starts);
    }

    /** @return the outline cut into pages of at most {@code budget} characters */
    static SnapshotPages of(List<SnapshotRenderer.Line> lines, int budget) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        int used = 0;
        for (int i = 0; i < lines.size(); i++) {
            int length = Math.min(lines.get(i).indented().length(), budget) + 1;
            if (used + length > budget && used > 0) {
                starts.add(i);
                used = context(lines, i).stream().mapToInt(line -> line.indented().length() + 1).sum();
            }
            used += length;
        }
        return new SnapshotPages(lines, starts, budget);
    }

    /** @return the number of pages, at least 1 */
    int count() {
        return starts.size();
    }

    /** @return the characters of the whole outline */
    int characters() {
        return lines.stream().mapToInt(line -> line.indented().length() + 1).sum();
    }

    /** @return the text of page {@code number} (from 1), with its ancestors' lines first */
    String page(int number) {
        int index = Math.max(1, Math.min(number, count())) - 1;
        int from = starts.get(index);
        int to = index + 1 < starts.size() ? starts.get(index + 1) : lines.size();
        StringBuilder text = new StringBuilder();
        for (SnapshotRenderer.Line line : context(lines, from)) {
            text.append(line.indented()).append('\n');
        }
        for (int i = from; i < to; i++) {
            String shown = lines.get(i).indented();
            text.append(shown.length() <= budget ? shown : shown.substring(0, budget - 1) + "…").append('\n');
        }
        return text.toString();
    }

    /** @return the lines of the ancestors of line {@code index}, outermost first */
    private static List<SnapshotRenderer.Line> context(List<SnapshotRenderer.Line> lines, int index) {
        List<SnapshotRenderer.Line> ancestors = new ArrayList<>();
        if (index >= lines.size()) {
            return ancestors;
        }
        int depth = lines.get(index).depth();
        for (int i = index - 1; i >= 0 && depth > 0; i--) {
            if (lines.get(i).depth() < depth) {
                depth = lines.get(i).depth();
                ancestors.add(0, lines.get(i));
            }
        }
        return ancestors;
    }
}
