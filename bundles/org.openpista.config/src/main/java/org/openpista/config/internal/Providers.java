package org.openpista.config.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The provider presets {@code [agent] provider} may name, and what each needs. */
final class Providers {

    /** The provider used when {@code [agent] provider} is absent or empty. */
    static final String DEFAULT = "openai";

    /** Every preset: the original openpista's, then the extended slots, in the order the README lists them. */
    static final List<String> KNOWN = List.of("openai", "anthropic", "claude", "responses", "together", "ollama", "openrouter",
            "custom", "github-copilot", "google", "vercel-ai-gateway", "azure-openai", "bedrock");

    /** Factory PID of the OpenAI-compatible provider bundle. */
    static final String OPENAI_FACTORY = "org.openpista.provider.openai";
    /** Factory PID of the Anthropic provider bundle. */
    static final String ANTHROPIC_FACTORY = "org.openpista.provider.anthropic";
    /** Factory PID of the OpenAI Responses API provider bundle. */
    static final String RESPONSES_FACTORY = "org.openpista.provider.responses";

    /** The preset's own API key variable; ollama, custom and github-copilot (login only) have none. */
    private static final Map<String, String> KEY_VARIABLES = Map.ofEntries(
            Map.entry("openai", "OPENAI_API_KEY"),
            Map.entry("responses", "OPENAI_API_KEY"),
            Map.entry("anthropic", "ANTHROPIC_API_KEY"),
            Map.entry("claude", "ANTHROPIC_API_KEY"),
            Map.entry("together", "TOGETHER_API_KEY"),
            Map.entry("openrouter", "OPENROUTER_API_KEY"),
            Map.entry("google", "GOOGLE_API_KEY"),
            Map.entry("vercel-ai-gateway", "VERCEL_AI_GATEWAY_API_KEY"),
            Map.entry("azure-openai", "AZURE_OPENAI_API_KEY"),
            Map.entry("bedrock", "AWS_BEARER_TOKEN_BEDROCK"));

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

    /** @return the stored login ({@code credentials.toml} table) a preset uses when it has no key */
    static String login(String provider) {
        return switch (provider) {
            case "claude" -> "anthropic";
            case "responses" -> "openai";
            default -> provider;
        };
    }

    /**
     * @param provider the selected preset
     * @param apiKey the key after environment overrides, empty when none
     * @param baseUrl the configured base URL, empty when none
     * @param file the configuration file, named in the hint
     * @param logins the stored logins
     * @return why the provider cannot work, with a hint how to fix it; empty when it can
     */
    static String problem(String provider, String apiKey, String baseUrl, String file, StoredLogins logins) {
        if (provider.equals("ollama")) {
            return "";
        }
        String login = login(provider);
        if (provider.equals("custom")) {
            return baseUrl.isEmpty() && !logins.has(login)
                    ? "provider \"custom\" needs an endpoint: add base_url under [agent] in " + file
                            + ", or store endpoint and key: openpista auth login custom"
                    : "";
        }
        if (!apiKey.isEmpty() || logins.has(login)) {
            return "";
        }
        if (!logins.problem().isEmpty()) {
            return logins.problem();
        }
        if (!KEY_VARIABLES.containsKey(provider)) {
            return "no login for provider \"" + provider + "\": run openpista auth login " + login;
        }
        return "no API key for provider \"" + provider + "\": set " + KEY_VARIABLES.get(provider)
                + " (or OPENPISTA_API_KEY), or add api_key under [agent] in " + file + ", or log in: openpista auth login "
                + login;
    }
}
