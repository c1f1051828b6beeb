package org.openpista.usage.internal;

import org.openpista.api.memory.StoreException;
import org.openpista.api.memory.UsageLedger;
import org.openpista.api.memory.UsageRecord;
import org.openpista.api.observe.LlmRequestEvent;
import org.openpista.api.observe.TurnInfo;
import org.openpista.api.observe.TurnObserver;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores the token counts of every answered model request in the {@link UsageLedger} (the
 * conversation database), with its turn, session, channel, provider and model, for {@code
 * openpista usage}. Runs wherever turns run: the daemon and one-shot {@code openpista run}. A
 * failed request spends no tokens the provider reports, so it leaves no row.
 */
@Component(service = TurnObserver.class)
public final class UsageRecorder implements TurnObserver {

    private static final Logger LOG = LoggerFactory.getLogger(UsageRecorder.class);

    private final UsageLedger ledger;

    @Activate
    public UsageRecorder(@Reference UsageLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void llmRequest(TurnInfo turn, LlmRequestEvent request) {
        if (request.response() == null) {
            return;
        }
        UsageRecord record = new UsageRecord(request.startedAt().plusNanos(request.durationNanos()), turn.turnId(),
                turn.sessionId(), turn.channel(), request.provider(), request.model(), request.usage());
        try {
            ledger.record(record);
        } catch (StoreException e) {
            // the answer matters more than its accounting: the turn goes on
            LOG.warn("The token usage of a request in session {} was not stored: {}", turn.sessionId(), e.getMessage());
        }
    }
}
