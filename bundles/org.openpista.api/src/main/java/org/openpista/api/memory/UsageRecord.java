package org.openpista.api.memory;

import java.time.Instant;
import java.util.Objects;
import org.openpista.api.llm.Usage;

/**
 * The token counts of one model request.
 *
 * @param at when the answer arrived
 * @param turnId the turn it belongs to ({@link org.openpista.api.observe.TurnInfo#turnId()})
 * @param sessionId the session of the turn
 * @param channel the channel of the turn
 * @param provider the provider instance
 * @param model the model asked for
 * @param usage the counts
 */
public record UsageRecord(
        Instant at, String turnId, String sessionId, String channel, String provider, String model, Usage usage) {

    public UsageRecord {
        Objects.requireNonNull(at, "at");
        turnId = turnId == null ? "" : turnId;
        Objects.requireNonNull(sessionId, "sessionId");
        channel = channel == null ? "" : channel;
        provider = provider == null ? "" : provider;
        model = model == null ? "" : model;
        usage = usage == null ? Usage.NONE : usage;
    }
}
