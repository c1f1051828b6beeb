package org.openpista.api.model;

import java.util.Objects;

/**
 * The provider and model turns use.
 *
 * @param provider the provider instance name ({@code provider.name}), for example {@code openai}
 * @param model the model id; empty when the provider's default applies and the provider is not
 *     running to say which
 */
public record ModelChoice(String provider, String model) {
    public ModelChoice {
        Objects.requireNonNull(provider, "provider");
        model = model == null ? "" : model;
    }
}
