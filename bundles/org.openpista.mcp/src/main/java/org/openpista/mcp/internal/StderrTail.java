package org.openpista.mcp.internal;

import java.util.ArrayDeque;
import java.util.List;

/** The last lines a server wrote to stderr, kept so that a failure can say what the server said. */
final class StderrTail {

    private static final int MAX_LINE = 400;

    private final int lines;
    private final ArrayDeque<String> tail = new ArrayDeque<>();

    StderrTail(int lines) {
        this.lines = lines;
    }

    synchronized void add(String line) {
        tail.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line);
        while (tail.size() > lines) {
            tail.removeFirst();
        }
    }

    synchronized List<String> lines() {
        return List.copyOf(tail);
    }

    synchronized void clear() {
        tail.clear();
    }
}
