package org.openpista.channel.slack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-over both transports share (Socket Mode envelopes and Events API requests): an event
 * whose id is in the ledger was handled before and is only acknowledged again; any other is handled
 * and then recorded. One at a time, in the order they arrive. A transport acknowledges an event to
 * Slack only after {@link #onEvent} returned; when it throws, the event is not acknowledged and Slack
 * delivers it again.
 */
final class SlackEvents {

    private static final Logger LOG = LoggerFactory.getLogger(SlackEvents.class);

    private final MessageHandler messages;
    private final Approvals approvals;
    private final EventLedger ledger;

    SlackEvents(MessageHandler messages, Approvals approvals, EventLedger ledger) {
        this.messages = messages;
        this.approvals = approvals;
        this.ledger = ledger;
    }

    /**
     * Hands an {@code event_callback} over.
     *
     * @throws RuntimeException when it could not be handed over; it must not be acknowledged
     */
    synchronized void onEvent(JsonNode payload) throws InterruptedException {
        String eventId = payload.path("event_id").asText("");
        if (!eventId.isEmpty() && ledger.contains(eventId)) {
            LOG.debug("Slack event {} delivered again; already handled", eventId);
            return;
        }
        messages.handle(payload.path("team_id").asText(""), payload.path("event"));
        if (eventId.isEmpty()) {
            return;
        }
        try {
            ledger.record(eventId);
        } catch (IOException e) {
            // handed over: refusing it now would have it handled twice; only a restart could repeat it
            LOG.error("Cannot record Slack event {} as handled ({}); a restart may handle it again", eventId, e.getMessage());
        }
    }

    /** Hands an interaction ({@code block_actions}) over. */
    void onInteraction(JsonNode payload) throws InterruptedException {
        if (payload.path("type").asText("").equals("block_actions")) {
            approvals.onPress(payload);
        }
    }
}
