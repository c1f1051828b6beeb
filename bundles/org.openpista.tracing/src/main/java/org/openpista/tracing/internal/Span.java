package org.openpista.tracing.internal;

import java.time.Instant;
import java.util.Map;

/**
 * One finished span, as OTLP describes it.
 *
 * @param spanId 16 lower-case hex digits
 * @param parentSpanId the parent's id, empty for the turn's root span
 * @param name the span's name ({@code chat gpt-4o}, {@code execute_tool system.run})
 * @param kind OTLP's span kind: 1 internal, 3 client
 * @param start when it started
 * @param durationNanos how long it took
 * @param attributes its attributes: strings, longs, booleans or lists of strings
 * @param error the error message when it failed, else {@code null}
 */
record Span(String spanId, String parentSpanId, String name, int kind, Instant start, long durationNanos,
        Map<String, Object> attributes, String error) {

    static final int INTERNAL = 1;
    static final int CLIENT = 3;

    /** @return the start in nanoseconds since the epoch */
    long startEpochNanos() {
        return start.getEpochSecond() * 1_000_000_000L + start.getNano();
    }

    /** @return the end in nanoseconds since the epoch */
    long endEpochNanos() {
        return startEpochNanos() + Math.max(0, durationNanos);
    }
}
