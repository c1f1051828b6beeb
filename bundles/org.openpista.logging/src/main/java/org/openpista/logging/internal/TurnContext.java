package org.openpista.logging.internal;

import java.util.List;
import org.openpista.api.observe.TurnEndEvent;
import org.openpista.api.observe.TurnInfo;
import org.openpista.api.observe.TurnObserver;
import org.slf4j.MDC;

/**
 * Puts the turn's session, channel and turn id into SLF4J's MDC while it runs (the core calls both
 * methods on the turn's thread), so every record logged during the turn carries them.
 */
final class TurnContext implements TurnObserver {

    static final List<String> KEYS = List.of("session", "channel", "turn");

    @Override
    public void turnStarted(TurnInfo turn) {
        MDC.put("session", turn.sessionId());
        MDC.put("channel", turn.channel());
        MDC.put("turn", turn.turnId());
    }

    @Override
    public void turnEnded(TurnInfo turn, TurnEndEvent end) {
        KEYS.forEach(MDC::remove);
    }
}
