package org.openpista.config.internal;

import java.util.List;
import java.util.stream.Collectors;

/** Writes Java values as TOML values, for the lines the configuration file editor sets. */
final class TomlValues {

    private TomlValues() {}

    /**
     * @param value a {@code String}, {@code Boolean}, {@code Integer}, {@code Long} or a {@code List}
     *     of those
     * @return the value as TOML: strings as basic strings with escapes, lists in brackets
     * @throws IllegalArgumentException for any other type
     */
    static String render(Object value) {
        if (value instanceof String text) {
            return quote(text);
        }
        if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(TomlValues::render).collect(Collectors.joining(", ", "[", "]"));
        }
        throw new IllegalArgumentException("cannot write a " + (value == null ? "null" : value.getClass().getSimpleName())
                + " to config.toml");
    }

    /** @return a TOML basic string holding the text, control characters escaped */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
