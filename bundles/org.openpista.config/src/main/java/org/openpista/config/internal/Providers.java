package org.openpista.config.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The provider presets {@code [agent] provider} may name, and what each needs. */
final class Providers {

    /** The provider used when {@code [agent] provider} is absent or empty. */
    static final String DEFAULT = "openai";

    /** Every preset, in the order the original openpista documents them. */
    static final List<String> KNOWN =
            List.of("openai", "anthropic", "claude", "responses", "together", "ollama", "openrouter", "custom");

    /** Factory PID of the OpenAI-compatible provider bundle. */
    static final String OPENAI_FACTORY = "org.openpista.provider.openai";
    /** Factory PID of the Anthropic provider bundle. */
    static final String ANTHROPIC_FACTORY = "org.openpista.provider.anthropic";
    /** Factory PID of the OpenAI Responses API provider bundle. */
    static final String RESPONSES_FACTORY = "org.openpista.provider.responses";

    /** The preset's own API key variable; ollama and custom have none. */
    private static final Map<String, String> KEY_VARIABLES = Map.of(
            "openai", "OPENAI_API_KEY",
            "responses", "OPENAI_API_KEY",
            "anthropic", "ANTHROPIC_API_KEY",
            "claude", "ANTHROPIC_API_KEY",
            "together", "TOGETHER_API_KEY",
            "openrouter", "OPENROUTER_API_KEY");

    private Providers() {}

    /** @return the factory PID whose bundle speaks the preset's wire protocol */
    static String factoryPid(String provider) {
        switch (provider) {
            case "anthropic":
            case "claude":
                return ANTHROPIC_FACTORY;
            case "responses":
                return RESPONSES_FACTORY;
            default:
                return OPENAI_FACTORY;
        }
    }

    /** @return the preset's own API key environment variable, if it has one */
    static Optional<String> keyVariable(String provider) {
        return Optional.ofNullable(KEY_VARIABLES.get(provider));
    }

    /**
     * @param provider the selected preset
     * @param apiKey the key after environment overrides, empty when none
     * @param baseUrl {@code [agent] base_url}, empty when none
     * @param file the configuration file, named in the hint
     * @return why the provider cannot work, with a hint how to fix it; empty when it can
     */
    static String problem(String provider, String apiKey, String baseUrl, String file) {
        if (provider.equals("ollama")) {
            return "";
        }
        if (provider.equals("custom")) {
            return baseUrl.isEmpty()
                    ? "provider \"custom\" needs an endpoint: add base_url under [agent] in " + file
                    : "";
        }
        if (!apiKey.isEmpty()) {
            return "";
        }
        return "no API key for provider \"" + provider + "\": set " + KEY_VARIABLES.get(provider)
                + " (or OPENPISTA_API_KEY), or add api_key under [agent] in " + file;
    }
}
