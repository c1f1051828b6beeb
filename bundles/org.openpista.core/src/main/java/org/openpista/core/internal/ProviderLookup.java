package org.openpista.core.internal;

import java.time.Duration;
import java.util.List;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.LlmProvider;

/** Finds provider services by their {@code provider.name}, as they are registered right now. */
interface ProviderLookup {

    /** @return the provider with this name, or {@code null} when none is registered */
    LlmProvider find(String name);

    /**
     * Waits for a provider to be registered, as it is again shortly after its bundle was updated.
     *
     * @return the provider, or {@code null} when it did not come within the timeout or the turn was
     *     cancelled
     */
    LlmProvider await(String name, Duration timeout, Cancellation cancellation);

    /**
     * Runs an action once the provider service is unregistered (at once when it already is).
     *
     * @return a handle that forgets the action
     */
    Cancellation.Registration whenGone(LlmProvider provider, Runnable action);

    /** @return whether this very service object is still registered */
    boolean isRegistered(LlmProvider provider);

    /** @return the names of all registered providers */
    List<String> names();
}
