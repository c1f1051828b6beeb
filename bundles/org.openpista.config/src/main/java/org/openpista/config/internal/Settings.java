package org.openpista.config.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code config.toml} after validation: per section the known keys (TOML spelling) with their
 * converted values, plus the warnings found on the way. Absent keys are absent, so defaults are
 * decided in one place ({@link PidMapper}).
 *
 * @param agent {@code [agent]}
 * @param database {@code [database]}, with {@code path} already folded into {@code url}
 * @param skills {@code [skills]}
 * @param channels {@code [channels.<name>]} by name, in file order
 * @param cron the {@code [[cron]]} entries, in file order
 * @param auth {@code [auth]}: its own keys, and those of {@code [auth.<provider>]} as {@code
 *     <provider>.<key>}
 * @param providers {@code [providers.<name>]} by name
 * @param warnings problems that did not stop loading, each naming file, line and key
 */
record Settings(
        Map<String, Object> agent,
        Map<String, Object> database,
        Map<String, Object> skills,
        Map<String, Map<String, Object>> channels,
        List<Map<String, Object>> cron,
        Map<String, Object> auth,
        Map<String, Map<String, Object>> providers,
        List<String> warnings) {

    Settings {
        agent = frozen(agent);
        database = frozen(database);
        skills = frozen(skills);
        Map<String, Map<String, Object>> channelCopy = new LinkedHashMap<>();
        channels.forEach((name, keys) -> channelCopy.put(name, frozen(keys)));
        channels = Collections.unmodifiableMap(channelCopy);
        List<Map<String, Object>> cronCopy = new ArrayList<>();
        cron.forEach(entry -> cronCopy.add(frozen(entry)));
        cron = Collections.unmodifiableList(cronCopy);
        auth = frozen(auth);
        Map<String, Map<String, Object>> providerCopy = new LinkedHashMap<>();
        providers.forEach((name, keys) -> providerCopy.put(name, frozen(keys)));
        providers = Collections.unmodifiableMap(providerCopy);
        warnings = List.copyOf(warnings);
    }

    /** Settings without {@code [auth]} and {@code [providers]}. */
    Settings(Map<String, Object> agent, Map<String, Object> database, Map<String, Object> skills,
            Map<String, Map<String, Object>> channels, List<Map<String, Object>> cron, List<String> warnings) {
        this(agent, database, skills, channels, cron, Map.of(), Map.of(), warnings);
    }

    /**
     * @return a value for the selected provider: {@code [agent]}'s when set, else that of {@code
     *     [providers.<provider>]}, else empty
     */
    String providerText(String key) {
        String value = agentText(key);
        if (!value.isEmpty()) {
            return value;
        }
        Object fallback = providers.getOrDefault(provider(), Map.of()).get(key);
        return fallback == null ? "" : fallback.toString();
    }

    /** @return a copy with other {@code [agent]} values */
    Settings withAgent(Map<String, Object> newAgent) {
        return new Settings(newAgent, database, skills, channels, cron, auth, providers, warnings);
    }

    /** @return a copy with process-only values set in {@code [channels.<name>]} tables */
    Settings withChannelOverrides(Map<String, Map<String, Object>> overrides) {
        if (overrides.isEmpty()) {
            return this;
        }
        Map<String, Map<String, Object>> newChannels = new LinkedHashMap<>(channels);
        overrides.forEach((section, values) -> {
            if (section.startsWith("channels.")) {
                String name = section.substring("channels.".length());
                Map<String, Object> keys = new LinkedHashMap<>(newChannels.getOrDefault(name, Map.of()));
                keys.putAll(values);
                newChannels.put(name, keys);
            }
        });
        return new Settings(agent, database, skills, newChannels, cron, auth, providers, warnings);
    }

    /** @return the selected provider preset, {@value Providers#DEFAULT} when none is set */
    String provider() {
        return (String) agent.getOrDefault("provider", Providers.DEFAULT);
    }

    /** @return a string value of {@code [agent]}, empty when absent */
    String agentText(String key) {
        Object value = agent.get(key);
        return value == null ? "" : value.toString();
    }

    private static Map<String, Object> frozen(Map<String, Object> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
