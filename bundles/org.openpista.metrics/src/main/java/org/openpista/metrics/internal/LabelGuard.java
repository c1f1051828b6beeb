package org.openpista.metrics.internal;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps one label's values bounded: a value is passed on as it is while fewer than the limit were
 * seen, every later new one becomes {@value #OTHER}. Names of tools, models and channels are
 * bounded by what is installed and configured, but a model chosen at run time or a plugin
 * registering many tools must not grow the series without end. Values are also cut to 64
 * characters of a safe alphabet.
 */
final class LabelGuard {

    /** What a value beyond the limit becomes. */
    static final String OTHER = "other";

    private final int limit;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    LabelGuard(int limit) {
        this.limit = limit;
    }

    /** @return the value to use as the label */
    String value(String raw) {
        String value = clean(raw);
        if (seen.contains(value)) {
            return value;
        }
        synchronized (seen) {
            if (seen.size() >= limit && !seen.contains(value)) {
                return OTHER;
            }
            seen.add(value);
            return value;
        }
    }

    static String clean(String raw) {
        if (raw == null || raw.isBlank()) {
            return "none";
        }
        StringBuilder clean = new StringBuilder(Math.min(raw.length(), 64));
        for (int i = 0; i < raw.length() && clean.length() < 64; i++) {
            char c = raw.charAt(i);
            boolean safe = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_' || c == ':' || c == '/' || c == '@';
            clean.append(safe ? c : '_');
        }
        return clean.toString();
    }
}
