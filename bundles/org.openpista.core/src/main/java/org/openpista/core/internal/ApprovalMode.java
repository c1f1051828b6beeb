package org.openpista.core.internal;

import java.util.Locale;

/** The configured approval policy: {@code [agent] approval} and its per-channel overrides. */
enum ApprovalMode {
    /** Run tool calls without asking. */
    AUTO,
    /** Ask the owner through the channel; refuse when the channel cannot ask. */
    ASK,
    /** Never run tools. */
    DENY;

    static ApprovalMode parse(String value, ApprovalMode fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
