package org.openpista.channel.discord.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an answer into Discord messages of at most {@value #LIMIT} characters. Discord renders the
 * model's Markdown itself, so the text is kept as written; cuts fall between paragraphs, else between
 * lines, else between words, and a code block that is cut is closed at the end of one message and
 * opened again (with its language) at the start of the next, so both render as code.
 */
final class Chunks {

    /** Discord's limit for one message's content. */
    static final int LIMIT = 2000;

    private Chunks() {}

    static List<String> split(String text) {
        return split(text, LIMIT);
    }

    static List<String> split(String text, int limit) {
        List<String> chunks = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return chunks;
        }
        String rest = text.strip();
        String reopen = "";
        while (!rest.isEmpty()) {
            String candidate = reopen + rest;
            if (candidate.length() <= limit) {
                chunks.add(candidate);
                break;
            }
            int room = limit - reopen.length() - 4; // room for a closing fence
            int cut = cutPoint(rest, room);
            String piece = reopen + rest.substring(0, cut).stripTrailing();
            rest = rest.substring(cut).replaceFirst("^\\n+", "");
            String fence = openFence(piece);
            if (fence != null) {
                piece = piece + "\n```";
                reopen = fence + "\n";
            } else {
                reopen = "";
            }
            chunks.add(piece);
        }
        return chunks;
    }

    private static int cutPoint(String text, int room) {
        int paragraph = text.lastIndexOf("\n\n", room);
        if (paragraph > room / 3) {
            return paragraph;
        }
        int line = text.lastIndexOf('\n', room);
        if (line > room / 3) {
            return line;
        }
        int space = text.lastIndexOf(' ', room);
        return space > room / 3 ? space : room;
    }

    /** @return the opening fence line of a code block left open at the end of the text, or null */
    private static String openFence(String text) {
        String open = null;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("```")) {
                open = open == null ? trimmed : null;
            }
        }
        return open;
    }
}
