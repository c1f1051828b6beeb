package org.openpista.config.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ProviderPreset;

/**
 * The provider {@code [agent]} selects, and the factory configuration that makes its bundle serve
 * it. The agent's {@code provider}, {@code model}, {@code base_url} and {@code api_key} are this
 * bundle's contract (it is the {@link org.openpista.api.model.ModelSelector}); everything else
 * about a provider comes from what its bundle declares ({@link ProviderPreset}).
 */
final class ProviderSelection {

    /** {@code [agent] provider}. */
    static final String PROVIDER = "provider";
    /** {@code [agent] model}. */
    static final String MODEL = "model";
    /** {@code [agent] base_url}. */
    static final String BASE_URL = "base_url";
    /** {@code [agent] api_key}. */
    static final String API_KEY = "api_key";
    /** The agent keys that configure the selected provider rather than the agent. */
    static final List<String> PROVIDER_KEYS = List.of(BASE_URL, API_KEY);
    /** The properties the configuration bundle sets on a provider's configuration itself. */
    static final List<String> OWN_PROPERTIES = List.of(LlmProvider.NAME, "name", "preset");

    private final Catalog catalog;
    private final Document document;
    private final Function<String, String> env;

    /**
     * @param catalog what the installed bundles declare
     * @param document the validated file with the environment applied
     * @param env looks up an environment variable, {@code null} when unset
     */
    ProviderSelection(Catalog catalog, Document document, Function<String, String> env) {
        this.catalog = catalog;
        this.document = document;
        this.env = env;
    }

    /** @return the selected provider: {@code [agent] provider}, else the agent's declared default */
    String provider() {
        String chosen = document.text(Catalog.AGENT, PROVIDER);
        if (!chosen.isEmpty()) {
            return chosen;
        }
        return catalog.agentKey(PROVIDER).flatMap(key -> key.defaults().stream().findFirst())
                .orElseGet(() -> catalog.presetNames().isEmpty() ? "" : catalog.presetNames().get(0));
    }

    /** @return a value for the selected provider: {@code [agent]}'s when set, else {@code [providers.<name>]}'s */
    String text(String key) {
        String value = document.text(Catalog.AGENT, key);
        return value.isEmpty() ? document.providerText(provider(), key) : value;
    }

    /**
     * @return the API key: {@code OPENPISTA_API_KEY} (any provider), the preset's own variables,
     *     {@code [agent] api_key}, {@code [providers.<name>] api_key}; empty when none
     */
    String apiKey() {
        Optional<Preset> preset = catalog.preset(provider());
        Optional<String> variable = EnvOverrides.openpista(env, "OPENPISTA_API_KEY");
        if (variable.isEmpty() && preset.isPresent()) {
            for (String name : preset.get().keyVariables()) {
                variable = EnvOverrides.openpista(env, name);
                if (variable.isPresent()) {
                    break;
                }
            }
        }
        return variable.orElseGet(() -> text(API_KEY).strip());
    }

    /** @return the factory configuration of the selected provider, keyed {@code factoryPid~name}; none without factory PID */
    Optional<Map.Entry<String, Map<String, Object>>> configuration() {
        String name = provider();
        Optional<Preset> preset = catalog.preset(name);
        if (preset.isEmpty() || preset.get().factoryPid().isEmpty()) {
            return Optional.empty();
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(LlmProvider.NAME, name);
        properties.put("preset", name);
        properties.put("base.url", text(BASE_URL));
        properties.put("model", text(MODEL));
        String key = apiKey();
        if (!key.isEmpty()) {
            properties.put(".api.key", key);
        }
        Map<String, Object> own = document.providers.getOrDefault(name, Map.of());
        own.forEach((tomlKey, value) -> {
            KeySpec spec = preset.get().keys().get(tomlKey);
            if (spec != null && !List.of(BASE_URL, API_KEY, MODEL).contains(tomlKey)) {
                properties.put(spec.id(), value);
            }
        });
        return Optional.of(Map.entry(preset.get().factoryPid() + "~" + name, properties));
    }

    /**
     * @param file the configuration file, named in the hint
     * @param logins the stored logins
     * @return why the selected provider cannot work, with a hint how to fix it; empty when it can
     */
    String problem(String file, StoredLogins logins) {
        String name = provider();
        Optional<Preset> found = catalog.preset(name);
        if (found.isEmpty()) {
            return name.isEmpty() ? "no provider is installed" : "";
        }
        Preset preset = found.get();
        String login = preset.login();
        switch (preset.needs()) {
            case ProviderPreset.NEEDS_NOTHING:
                return "";
            case ProviderPreset.NEEDS_ENDPOINT:
                return text(BASE_URL).isEmpty() && !logins.has(login)
                        ? "provider \"" + name + "\" needs an endpoint: add base_url under [agent] in " + file
                                + ", or store endpoint and key: openpista auth login " + login
                        : "";
            default:
                break;
        }
        if (!apiKey().isEmpty() || logins.has(login)) {
            return "";
        }
        if (!logins.problem().isEmpty()) {
            return logins.problem();
        }
        if (preset.needs().equals(ProviderPreset.NEEDS_LOGIN) || preset.keyVariables().isEmpty()) {
            return "no login for provider \"" + name + "\": run openpista auth login " + login + " (or openpista onboard)";
        }
        return "no API key for provider \"" + name + "\": set " + preset.keyVariables().get(0)
                + " (or OPENPISTA_API_KEY), or add api_key under [agent] in " + file + ", or log in: openpista auth login "
                + login + " (or set everything up with: openpista onboard)";
    }
}
