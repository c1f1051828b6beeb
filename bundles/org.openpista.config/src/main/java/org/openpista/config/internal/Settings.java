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
 * @param warnings problems that did not stop loading, each naming file, line and key
 */
record Settings(
        Map<String, Object> agent,
        Map<String, Object> database,
        Map<String, Object> skills,
        Map<String, Map<String, Object>> channels,
        List<Map<String, Object>> cron,
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
        warnings = List.copyOf(warnings);
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
