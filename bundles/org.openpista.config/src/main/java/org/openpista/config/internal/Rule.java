package org.openpista.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How one TOML value is checked and turned into the Java value pushed to Configuration Admin
 * ({@code String}, {@code Boolean}, {@code Integer}, {@code String[]}, {@code Long[]}).
 */
@FunctionalInterface
interface Rule {

    /**
     * @param value the TOML value
     * @param secret whether the value is a secret, which must not appear in the problem text
     * @return the converted value
     * @throws BadValue when the value does not fit, with the expected type or range
     */
    Object read(JsonNode value, boolean secret) throws BadValue;

    /** A value that does not fit its key; the message says what was expected. */
    final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        /** Index of the array element at fault, or -1 for the value as a whole. */
        final int element;

        BadValue(String problem) {
            this(problem, -1);
        }

        BadValue(String problem, int element) {
            super(problem, null, false, false);
            this.element = element;
        }
    }

    /** Any string. */
    static Rule text() {
        return (value, secret) -> {
            if (!value.isTextual()) {
                throw new BadValue("expected a string" + got(value, secret));
            }
            return value.textValue();
        };
    }

    /** {@code true} or {@code false}. */
    static Rule flag() {
        return (value, secret) -> {
            if (!value.isBoolean()) {
                throw new BadValue("expected true or false" + got(value, secret));
            }
            return value.booleanValue();
        };
    }

    /** An integer in {@code min..max}, as an {@code Integer}. */
    static Rule integer(int min, int max, String meaning) {
        return (value, secret) -> {
            if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
                throw new BadValue("expected " + meaning + " " + min + ".." + max + got(value, secret));
            }
            return value.intValue();
        };
    }

    /** One of a fixed set of words, compared without case; the result is lower case. */
    static Rule oneOf(String noun, List<String> choices) {
        return (value, secret) -> {
            String word = value.isTextual() ? value.textValue().trim().toLowerCase(Locale.ROOT) : null;
            if (word == null || !choices.contains(word)) {
                String shown = value.isTextual() ? " " + quote(value.textValue()) : "";
                throw new BadValue("unknown " + noun + shown + " (known: " + String.join(", ", choices) + ")"
                        + (value.isTextual() ? "" : got(value, secret)));
            }
            return word;
        };
    }

    /** Empty, or an absolute http(s) URL. */
    static Rule url() {
        return (value, secret) -> {
            String text = (String) text().read(value, secret);
            String trimmed = text.trim();
            if (trimmed.isEmpty()) {
                return "";
            }
            try {
                URI uri = new URI(trimmed);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                    return trimmed;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw new BadValue("expected an http:// or https:// URL" + (secret ? "" : ", got " + quote(text)));
        };
    }

    /** A list of strings; integers are accepted and written as digits (phone numbers). */
    static Rule stringList() {
        return (value, secret) -> {
            if (!value.isArray()) {
                throw new BadValue("expected a list of strings" + got(value, secret));
            }
            List<String> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (item.isTextual()) {
                    items.add(item.textValue());
                } else if (item.isIntegralNumber()) {
                    items.add(item.bigIntegerValue().toString());
                } else {
                    throw new BadValue("expected a string" + got(item, secret), i);
                }
            }
            return items.toArray(new String[0]);
        };
    }

    /** A list of integers (numeric ids); strings of digits are accepted. */
    static Rule longList() {
        return (value, secret) -> {
            if (!value.isArray()) {
                throw new BadValue("expected a list of numeric ids" + got(value, secret));
            }
            List<Long> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                JsonNode item = value.get(i);
                if (item.isIntegralNumber() && item.canConvertToLong()) {
                    items.add(item.longValue());
                    continue;
                }
                if (item.isTextual() && item.textValue().trim().matches("-?[0-9]{1,18}")) {
                    items.add(Long.parseLong(item.textValue().trim()));
                    continue;
                }
                throw new BadValue("expected a numeric id" + got(item, secret), i);
            }
            return items.toArray(new Long[0]);
        };
    }

    /**
     * CORS origins: {@code "*"}, {@code "a,b"} or a list of strings; always a {@code String[]}
     * without blanks ({@code ""} = no origins = same origin only).
     */
    static Rule origins() {
        return (value, secret) -> {
            List<String> parts = new ArrayList<>();
            if (value.isTextual()) {
                parts.addAll(List.of(value.textValue().split(",")));
            } else if (value.isArray()) {
                for (int i = 0; i < value.size(); i++) {
                    JsonNode item = value.get(i);
                    if (!item.isTextual()) {
                        throw new BadValue("expected a string" + got(item, secret), i);
                    }
                    parts.add(item.textValue());
                }
            } else {
                throw new BadValue("expected a string such as \"*\" or \"https://a,https://b\", or a list of strings"
                        + got(value, secret));
            }
            return parts.stream().map(String::trim).filter(part -> !part.isEmpty()).toArray(String[]::new);
        };
    }

    /** @return ", got ..." describing the value, or nothing for secrets */
    static String got(JsonNode value, boolean secret) {
        if (value.isTextual()) {
            return secret ? ", got a string" : ", got " + quote(value.textValue());
        }
        if (value.isArray()) {
            return ", got a list";
        }
        if (value.isObject()) {
            return ", got a table";
        }
        if (value.isBoolean()) {
            return ", got " + value.booleanValue();
        }
        if (value.isNumber()) {
            return secret ? ", got a number" : ", got " + value.asText();
        }
        return "";
    }

    /** @return the text in double quotes on one line, shortened when long */
    static String quote(String text) {
        String oneLine = text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r");
        return "\"" + (oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine) + "\"";
    }
}
