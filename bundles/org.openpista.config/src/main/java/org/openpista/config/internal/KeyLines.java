package org.openpista.config.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The 1-based line of every key, table header and array element of a TOML text, by dotted path
 * such as {@code agent.provider}, {@code channels.web.cors_origins[1]} or {@code cron[0].schedule}.
 *
 * <p>Why a scanner of its own: jackson-dataformat-toml builds the whole document as a
 * {@code JsonNode} tree and hands out a {@code TreeTraversingParser} over it, so the token stream
 * carries no source location at all ({@code JsonLocation.NA}). Only its syntax errors know their
 * line. This scanner runs after Jackson accepted the text, so it can stay lenient: it only follows
 * the structure (headers, dotted and quoted keys, strings of all four kinds, arrays and inline
 * tables spanning lines, comments) to know where each key starts.
 */
final class KeyLines {

    private static final Pattern BARE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    /** A key given a value twice: its path and the line of the second time. */
    record Duplicate(String key, int line) {}

    private final Map<String, Integer> lines;
    private final Optional<Duplicate> duplicate;

    private KeyLines(Map<String, Integer> lines, Optional<Duplicate> duplicate) {
        this.lines = lines;
        this.duplicate = duplicate;
    }

    /** @return the lines of the keys in a TOML text that Jackson parsed without error */
    static KeyLines scan(String text) {
        Scanner scanner = new Scanner(text);
        return new KeyLines(scanner.scan(), Optional.ofNullable(scanner.duplicate));
    }

    /** @return no line for any key (for defaults when there is no file) */
    static KeyLines none() {
        return new KeyLines(Map.of(), Optional.empty());
    }

    /**
     * Jackson reports a duplicate key at the token after it, which may be lines further down; this
     * is where the key really is.
     *
     * @return the first key assigned a second time in the same table
     */
    Optional<Duplicate> firstDuplicate() {
        return duplicate;
    }

    /**
     * @param path a path as made by {@link #render(List)}
     * @return the line of the path, or of its nearest enclosing key or table that has one, or 0
     */
    int lineOf(List<Object> path) {
        for (int end = path.size(); end > 0; end--) {
            Integer line = lines.get(render(path.subList(0, end)));
            if (line != null) {
                return line;
            }
        }
        return 0;
    }

    /**
     * Renders a path of key segments ({@code String}) and array indices ({@code Integer}) the way
     * users read it: {@code channels.web.port}, {@code cron[0].schedule}, {@code a."b.c"}.
     */
    static String render(List<Object> path) {
        StringBuilder text = new StringBuilder();
        for (Object segment : path) {
            if (segment instanceof Integer) {
                text.append('[').append(segment).append(']');
                continue;
            }
            String key = (String) segment;
            if (text.length() > 0) {
                text.append('.');
            }
            if (BARE_KEY.matcher(key).matches()) {
                text.append(key);
            } else {
                text.append('"').append(key.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return text.toString();
    }

    /** One pass over the text; {@code pos} and {@code line} always move together. */
    private static final class Scanner {
        private final String s;
        private final Map<String, Integer> found = new HashMap<>();
        /** how many [[x]] headers were seen per rendered array path */
        private final Map<String, Integer> arrayCounts = new HashMap<>();
        /** rendered paths given a value by {@code key = value} */
        private final Set<String> assigned = new HashSet<>();
        private Duplicate duplicate;
        private int pos;
        private int line = 1;

        Scanner(String text) {
            this.s = text;
        }

        Map<String, Integer> scan() {
            List<Object> table = List.of();
            while (true) {
                skipBlank(true);
                if (pos >= s.length()) {
                    return found;
                }
                int start = pos;
                if (s.charAt(pos) == '[') {
                    table = header();
                } else {
                    keyValue(table);
                }
                skipToLineEnd();
                if (pos == start) {
                    advance(); // never loop on text this scanner does not understand
                }
            }
        }

        private List<Object> header() {
            int headerLine = line;
            boolean arrayTable = s.startsWith("[[", pos);
            pos += arrayTable ? 2 : 1;
            List<String> keys = keys();
            List<Object> path = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                path.add(keys.get(i));
                Integer current = arrayCounts.get(render(path));
                if (current != null && (i < keys.size() - 1 || !arrayTable)) {
                    path.add(current - 1); // [a.b] after [[a]] belongs to the last a
                }
                record(path, headerLine);
            }
            if (arrayTable) {
                int count = arrayCounts.merge(render(path), 1, Integer::sum);
                path.add(count - 1);
                record(path, headerLine);
            }
            return List.copyOf(path);
        }

        private void keyValue(List<Object> table) {
            int keyLine = line;
            List<String> keys = keys();
            if (keys.isEmpty()) {
                return;
            }
            List<Object> path = new ArrayList<>(table);
            for (String key : keys) {
                path.add(key);
                record(path, keyLine);
            }
            if (!assigned.add(render(path)) && duplicate == null) {
                duplicate = new Duplicate(render(path), keyLine);
            }
            skipBlank(false);
            if (pos < s.length() && s.charAt(pos) == '=') {
                pos++;
                skipBlank(false);
                value(path);
            }
        }

        private void value(List<Object> path) {
            if (pos >= s.length()) {
                return;
            }
            char c = s.charAt(pos);
            if (c == '"' || c == '\'') {
                string();
            } else if (c == '[') {
                pos++;
                for (int index = 0; ; index++) {
                    skipBlank(true);
                    if (pos >= s.length()) {
                        return;
                    }
                    if (s.charAt(pos) == ']') {
                        pos++;
                        return;
                    }
                    List<Object> element = new ArrayList<>(path);
                    element.add(index);
                    record(element, line);
                    int before = pos;
                    value(element);
                    skipBlank(true);
                    if (pos < s.length() && s.charAt(pos) == ',') {
                        pos++;
                    } else if (pos == before) {
                        advance();
                    }
                }
            } else if (c == '{') {
                pos++;
                while (true) {
                    skipBlank(true);
                    if (pos >= s.length()) {
                        return;
                    }
                    if (s.charAt(pos) == '}') {
                        pos++;
                        return;
                    }
                    int before = pos;
                    keyValue(path);
                    skipBlank(true);
                    if (pos < s.length() && s.charAt(pos) == ',') {
                        pos++;
                    } else if (pos == before) {
                        advance();
                    }
                }
            } else {
                // number, boolean or date: ends at a separator (dates may contain one space)
                while (pos < s.length() && ",]}#\r\n".indexOf(s.charAt(pos)) < 0) {
                    pos++;
                }
            }
        }

        /** @return the segments of a dotted key; stops before '=', ']' or anything else */
        private List<String> keys() {
            List<String> keys = new ArrayList<>();
            while (true) {
                skipBlank(false);
                if (pos >= s.length()) {
                    return keys;
                }
                char c = s.charAt(pos);
                if (c == '"' || c == '\'') {
                    keys.add(string());
                } else {
                    int start = pos;
                    while (pos < s.length() && isBareKeyChar(s.charAt(pos))) {
                        pos++;
                    }
                    if (pos == start) {
                        return keys;
                    }
                    keys.add(s.substring(start, pos));
                }
                skipBlank(false);
                if (pos < s.length() && s.charAt(pos) == '.') {
                    pos++;
                } else {
                    return keys;
                }
            }
        }

        /** Reads a string of any of the four kinds at {@code pos}; @return its (unescaped) text. */
        private String string() {
            char quote = s.charAt(pos);
            boolean multiLine = s.startsWith(String.valueOf(quote).repeat(3), pos);
            pos += multiLine ? 3 : 1;
            StringBuilder text = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == quote && (!multiLine || s.startsWith(String.valueOf(quote).repeat(3), pos))) {
                    pos += multiLine ? 3 : 1;
                    // up to two more quotes right before the closing ones belong to the content
                    for (int extra = 0; multiLine && extra < 2 && pos < s.length() && s.charAt(pos) == quote; extra++) {
                        pos++;
                    }
                    return text.toString();
                }
                if (!multiLine && c == '\n') {
                    return text.toString(); // unterminated; Jackson would have said so
                }
                if (c == '\\' && quote == '"' && pos + 1 < s.length()) {
                    pos++;
                    text.append(escape());
                    continue;
                }
                text.append(c);
                advance();
            }
            return text.toString();
        }

        /** Decodes the escape after a backslash; only key names need exact text. */
        private String escape() {
            char c = s.charAt(pos);
            advance();
            switch (c) {
                case 'n':
                    return "\n";
                case 't':
                    return "\t";
                case 'r':
                    return "\r";
                case 'b':
                    return "\b";
                case 'f':
                    return "\f";
                case 'u':
                case 'U':
                    int length = c == 'u' ? 4 : 8;
                    if (pos + length <= s.length()) {
                        try {
                            int codePoint = Integer.parseInt(s.substring(pos, pos + length), 16);
                            pos += length;
                            return new String(Character.toChars(codePoint));
                        } catch (IllegalArgumentException e) {
                            return "";
                        }
                    }
                    return "";
                case '\n':
                case ' ':
                case '\t':
                case '\r':
                    // line-ending backslash in a multi-line string: trims the whitespace after it
                    while (pos < s.length() && " \t\r\n".indexOf(s.charAt(pos)) >= 0) {
                        advance();
                    }
                    return "";
                default:
                    return String.valueOf(c);
            }
        }

        /** Skips spaces and tabs, and with {@code newlines} also line ends and comments. */
        private void skipBlank(boolean newlines) {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || (newlines && (c == '\r' || c == '\n'))) {
                    advance();
                } else if (newlines && c == '#') {
                    skipToLineEnd();
                } else {
                    return;
                }
            }
        }

        /** Skips the rest of a line (closing brackets, spaces, a comment) up to its newline. */
        private void skipToLineEnd() {
            while (pos < s.length() && s.charAt(pos) != '\n') {
                pos++;
            }
        }

        private void advance() {
            if (s.charAt(pos) == '\n') {
                line++;
            }
            pos++;
        }

        private void record(List<Object> path, int at) {
            found.putIfAbsent(render(path), at);
        }

        private static boolean isBareKeyChar(char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }
    }
}
