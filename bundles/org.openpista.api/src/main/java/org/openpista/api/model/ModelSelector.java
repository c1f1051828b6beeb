package org.openpista.api.model;

import java.util.List;
import org.openpista.api.config.ConfigException;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Chooses the provider and model at runtime. A choice applies from the next turn on and lasts
 * until the process ends or {@code config.toml} is loaded without it; it is not written to the
 * file.
 */
@ProviderType
public interface ModelSelector {

    /** @return what turns use now, the provider's default model filled in when it is known */
    ModelChoice current();

    /** @return the provider names that may be selected, for example {@code openai}, {@code anthropic} */
    List<String> providers();

    /**
     * @return the models the current provider lists, from its listing endpoint
     * @throws ProviderException when the provider is not running or its listing fails
     */
    List<ModelInfo> models() throws ProviderException;

    /**
     * Switches provider and model.
     *
     * @param provider one of {@link #providers()}; empty keeps the current provider
     * @param model the model id; empty for the provider's default
     * @return the new choice
     * @throws ConfigException when the provider is unknown or the configuration cannot be applied
     */
    ModelChoice select(String provider, String model) throws ConfigException;
}
