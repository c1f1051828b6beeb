package org.openpista.config.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A table of {@code config.toml} one bundle declares it reads (a {@code org.openpista.settings}
 * capability) with the keys its metatype gives the PID.
 *
 * @param section the dotted table name, such as {@code channels.web}
 * @param pid the configuration PID receiving the keys
 * @param bundle the symbolic name of the declaring bundle, for messages
 * @param keys the keys of the table by TOML key, in metatype order, formats applied
 * @param env environment variables by TOML key
 * @param entries for an array of tables: the property receiving the entries; else empty
 * @param tables the sub-table names {@code [section.name]} allowed
 * @param tableKeys the keys of each sub-table
 */
record Declaration(String section, String pid, String bundle, Map<String, KeySpec> keys, Map<String, String> env,
        String entries, List<String> tables, Map<String, KeySpec> tableKeys) {

    Declaration {
        keys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(keys));
        env = Map.copyOf(env);
        entries = entries == null ? "" : entries;
        tables = List.copyOf(tables);
        tableKeys = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tableKeys));
    }

    /** @return whether the table is an array of tables ({@code [[cron]]}) */
    boolean isArray() {
        return !entries.isEmpty();
    }
}
