package org.openpista.logging.internal;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Takes secrets out of log text: the values of the configuration's secrets (known by value, so any
 * format is caught) and what looks like a key or token of the vendors openpista talks to (OpenAI
 * and Anthropic keys, Slack tokens, Telegram bot tokens, bearer tokens, {@code key=value} pairs
 * named like secrets).
 */
final class Redactor {

    static final String MASK = "[redacted]";

    private static final List<Pattern> SHAPES = List.of(
            Pattern.compile("\\bsk-[A-Za-z0-9_-]{8,}"),
            Pattern.compile("\\bxox[abprs]-[A-Za-z0-9-]{8,}"),
            Pattern.compile("\\bxapp-[A-Za-z0-9-]{8,}"),
            Pattern.compile("\\b\\d{6,12}:[A-Za-z0-9_-]{30,}"),
            Pattern.compile("(?i)(?<=bearer )[A-Za-z0-9._~+/=-]{8,}"),
            Pattern.compile("(?i)(?<=(?:api[_-]?key|token|secret|password)[=:] ?)[^\\s,;&\"']{4,}"));

    private final List<String> known;

    /** @param known secret values to take out wherever they appear; shorter than 6 characters are ignored */
    Redactor(List<String> known) {
        // the longest first, so a secret containing another is taken out whole
        this.known = known.stream().filter(value -> value != null && value.length() >= 6).distinct()
                .sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    String redact(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : known) {
            if (result.contains(secret)) {
                result = result.replace(secret, MASK);
            }
        }
        for (Pattern shape : SHAPES) {
            result = shape.matcher(result).replaceAll(MASK);
        }
        return result;
    }
}
