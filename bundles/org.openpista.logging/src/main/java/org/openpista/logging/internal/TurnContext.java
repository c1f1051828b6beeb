package org.openpista.logging.internal;

import java.util.List;
import org.openpista.api.observe.TurnEndEvent;
import org.openpista.api.observe.TurnInfo;
import org.openpista.api.observe.TurnObserver;

/**
 * The turn the current thread runs: its session, channel and turn id, from its start to its end
 * (the core calls both on the turn's thread), so {@link JsonLines} can put them on every record
 * logged meanwhile. Kept here rather than in SLF4J's MDC, whose adapter depends on the logging
 * provider (a no-op one would lose them).
 */
final class TurnContext implements TurnObserver {

    static final List<String> KEYS = List.of("session", "channel", "turn");

    private final ThreadLocal<String[]> current = new ThreadLocal<>();

    @Override
    public void turnStarted(TurnInfo turn) {
        current.set(new String[] {turn.sessionId(), turn.channel(), turn.turnId()});
    }

    @Override
    public void turnEnded(TurnInfo turn, TurnEndEvent end) {
        current.remove();
    }

    /** @return the session, channel and turn id of the current thread's turn, or {@code null} */
    String[] current() {
        return current.get();
    }
}
