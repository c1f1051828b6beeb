package org.openpista.channel.whatsapp.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a long answer into messages WhatsApp accepts (at most 4096 characters each). It cuts at a
 * paragraph break if there is one in the second half of the part, else at a line break, else at a
 * space, else anywhere but inside a surrogate pair.
 */
final class TextSplitter {

    /** The longest message sent; WhatsApp's limit is 4096. */
    static final int LIMIT = 4000;

    private TextSplitter() {}

    static List<String> split(String text) {
        return split(text, LIMIT);
    }

    static List<String> split(String text, int limit) {
        List<String> parts = new ArrayList<>();
        String rest = text.strip();
        while (rest.length() > limit) {
            int cut = cutPoint(rest, limit);
            String part = rest.substring(0, cut).stripTrailing();
            if (!part.isEmpty()) {
                parts.add(part);
            }
            rest = rest.substring(cut).stripLeading();
        }
        if (!rest.isEmpty()) {
            parts.add(rest);
        }
        return parts;
    }

    private static int cutPoint(String text, int limit) {
        int half = limit / 2;
        for (String separator : new String[] {"\n\n", "\n", " "}) {
            int at = text.lastIndexOf(separator, limit - separator.length());
            if (at >= half) {
                return at + separator.length();
            }
        }
        int cut = limit;
        if (Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut--;
        }
        return cut;
    }
}
