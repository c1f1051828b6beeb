package org.openpista.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Telegram's HTML parse mode, as the fake Bot API checks it: only the tags Telegram supports, every
 * tag closed in order, {@code <}, {@code >} and {@code &} only as tags or entities. Errors are
 * worded like Telegram's "can't parse entities" answers.
 */
final class TelegramHtml {

    private static final Set<String> TAGS = Set.of("b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
            "span", "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji");
    private static final Map<String, String> ENTITIES = Map.of("lt", "<", "gt", ">", "amp", "&", "quot", "\"");

    private TelegramHtml() {}

    /**
     * @return the number of UTF-16 units of the visible text
     * @throws RuntimeException made by {@code error} when Telegram would refuse the text
     */
    static int visibleLength(String html, Function<String, ? extends RuntimeException> error) {
        return parse(html, error).length();
    }

    /** @return the visible text, or the input itself when it does not parse */
    static String plain(String html) {
        try {
            return parse(html, IllegalArgumentException::new);
        } catch (IllegalArgumentException e) {
            return html;
        }
    }

    private static String parse(String html, Function<String, ? extends RuntimeException> error) {
        StringBuilder visible = new StringBuilder();
        Deque<String> open = new ArrayDeque<>();
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '<') {
                int end = html.indexOf('>', i);
                if (end < 0) {
                    throw error.apply("can't parse entities: Unclosed start tag at byte offset " + byteOffset(html, i));
                }
                String tag = html.substring(i + 1, end).strip();
                if (tag.startsWith("/")) {
                    String name = tag.substring(1).strip().toLowerCase(Locale.ROOT);
                    if (open.isEmpty() || !open.peek().equals(name)) {
                        throw error.apply("can't parse entities: Unmatched end tag at byte offset " + byteOffset(html, i)
                                + ", expected \"</" + (open.isEmpty() ? "" : open.peek()) + ">\", found \"</" + name + ">\"");
                    }
                    open.pop();
                } else {
                    String name = tag.split("[\\s=]", 2)[0].toLowerCase(Locale.ROOT);
                    if (!TAGS.contains(name)) {
                        throw error.apply("can't parse entities: Unsupported start tag \"" + name + "\" at byte offset "
                                + byteOffset(html, i));
                    }
                    open.push(name);
                }
                i = end + 1;
            } else if (c == '&') {
                int end = html.indexOf(';', i);
                String name = end < 0 ? "" : html.substring(i + 1, end);
                String decoded = entity(name);
                if (decoded == null) {
                    throw error.apply("can't parse entities: Unsupported HTML entity at byte offset " + byteOffset(html, i)
                            + " (an '&' must be written &amp;amp;)");
                }
                visible.append(decoded);
                i = end + 1;
            } else if (c == '>') {
                throw error.apply("can't parse entities: Unexpected end tag at byte offset " + byteOffset(html, i));
            } else {
                visible.append(c);
                i++;
            }
        }
        if (!open.isEmpty()) {
            throw error.apply("can't parse entities: Can't find end tag corresponding to start tag \"" + open.peek() + "\"");
        }
        return visible.toString();
    }

    private static String entity(String name) {
        if (ENTITIES.containsKey(name)) {
            return ENTITIES.get(name);
        }
        try {
            if (name.startsWith("#x") || name.startsWith("#X")) {
                return new String(Character.toChars(Integer.parseInt(name.substring(2), 16)));
            }
            if (name.startsWith("#")) {
                return new String(Character.toChars(Integer.parseInt(name.substring(1))));
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    private static int byteOffset(String text, int index) {
        return text.substring(0, index).getBytes(StandardCharsets.UTF_8).length;
    }
}
