package org.openpista.tui.internal;

import java.util.List;

/**
 * The result of {@link Update#update(State, Event)}: the next state and what to do outside.
 *
 * @param state the next state
 * @param effects what to do, in order
 */
record Step(State state, List<Effect> effects) {

    Step {
        effects = List.copyOf(effects);
    }

    static Step of(State state, Effect... effects) {
        return new Step(state, List.of(effects));
    }
}
