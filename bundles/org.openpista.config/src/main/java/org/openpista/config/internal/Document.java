package org.openpista.config.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code config.toml} after validation: the converted values of every declared table (by TOML
 * key), its sub-tables and array entries, the {@code [providers.<name>]} tables, the channels'
 * approval modes, and the warnings found on the way. Absent keys stay absent: defaults are the
 * bundles' own. Filled by the {@link Validator}, then changed by the environment and by the
 * runtime selection of a provider, one load at a time.
 */
final class Document {

    /** Values by table, then by TOML key. */
    final Map<String, Map<String, Object>> tables = new LinkedHashMap<>();
    /** Sub-table values by table, then sub-table name, then TOML key. */
    final Map<String, Map<String, Map<String, Object>>> subtables = new LinkedHashMap<>();
    /** Array-of-tables entries by table, in file order, each by TOML key. */
    final Map<String, List<Map<String, Object>>> arrays = new LinkedHashMap<>();
    /** {@code [providers.<name>]} values by provider name, then TOML key. */
    final Map<String, Map<String, Object>> providers = new LinkedHashMap<>();
    /** {@code [channels.<id>] approval} by channel id. */
    final Map<String, String> approvals = new LinkedHashMap<>();
    /** The tables written in the file or set by the environment (their configurations are pushed). */
    final Set<String> present = new LinkedHashSet<>();
    /** Problems that did not stop loading, each naming file, line and key. */
    final List<String> warnings = new ArrayList<>();

    /** @return the values of a table, created (and marked present) when missing */
    Map<String, Object> table(String section) {
        present.add(section);
        return tables.computeIfAbsent(section, absent -> new LinkedHashMap<>());
    }

    /** @return a string value of a table, empty when absent */
    String text(String section, String key) {
        Object value = tables.getOrDefault(section, Map.of()).get(key);
        return value == null ? "" : value.toString();
    }

    /** @return a string value of {@code [providers.<name>]}, empty when absent */
    String providerText(String provider, String key) {
        Object value = providers.getOrDefault(provider, Map.of()).get(key);
        return value == null ? "" : value.toString();
    }
}
