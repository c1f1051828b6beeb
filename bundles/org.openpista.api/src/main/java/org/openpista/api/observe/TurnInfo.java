package org.openpista.api.observe;

import java.time.Instant;
import java.util.Objects;

/**
 * A turn as observers see it.
 *
 * @param turnId a random id unique to this turn: 32 lower-case hex digits, usable as a trace id;
 *     never a metric label
 * @param sessionId the session it runs in; never a metric label
 * @param channel the channel its message came from ({@code cli}, {@code web}, {@code telegram},
 *     ...)
 * @param provider the provider instance asked ({@code [agent] provider} when the turn started)
 * @param startedAt when it started
 * @param startNanos {@link System#nanoTime()} when it started, to measure durations against
 */
public record TurnInfo(
        String turnId, String sessionId, String channel, String provider, Instant startedAt, long startNanos) {

    public TurnInfo {
        Objects.requireNonNull(turnId, "turnId");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(channel, "channel");
        provider = provider == null ? "" : provider;
        Objects.requireNonNull(startedAt, "startedAt");
    }
}
