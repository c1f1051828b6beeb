package org.openpista.config.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A provider name an installed bundle declares ({@code org.openpista.provider} capability).
 *
 * @param name what {@code [agent] provider} selects
 * @param factoryPid the factory PID configured when it is selected, or empty
 * @param keyVariables environment variables holding its API key, in order
 * @param login the stored login it falls back to
 * @param needs {@code key}, {@code endpoint}, {@code login} or {@code nothing}
 * @param description one line for listings
 * @param bundle the symbolic name of the declaring bundle
 * @param keys the keys {@code [providers.<name>]} may hold: the factory's metatype, without the
 *     properties the configuration bundle sets itself
 */
record Preset(String name, String factoryPid, List<String> keyVariables, String login, String needs, String description,
        String bundle, Map<String, KeySpec> keys) {

    Preset {
        keyVariables = List.copyOf(keyVariables);
        login = login == null || login.isBlank() ? name : login;
        needs = needs == null || needs.isBlank() ? "key" : needs;
        description = description == null ? "" : description;
        keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }
}
