package org.openpista.core.internal;

import java.util.List;
import org.openpista.api.llm.LlmProvider;

/** Finds provider services by their {@code provider.name}, as they are registered right now. */
interface ProviderLookup {

    /** @return the provider with this name, or {@code null} when none is registered */
    LlmProvider find(String name);

    /** @return the names of all registered providers */
    List<String> names();
}
