package org.openpista.config.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the installed bundles declare about {@code config.toml}: the tables they read and the
 * provider names they serve. Built anew for every load, so a plugin installed since the last one
 * counts.
 *
 * @param declarations the declared tables, in bundle order
 * @param presets the declared providers, in bundle order
 */
record Catalog(List<Declaration> declarations, List<Preset> presets) {

    /** The table of the agent, whose provider, model, base_url and api_key select and configure a provider. */
    static final String AGENT = "agent";
    /** The parent of the per-provider tables {@code [providers.<name>]}. */
    static final String PROVIDERS = "providers";
    /** The parent of the channel tables, each of which may set the agent's approval mode for the channel. */
    static final String CHANNELS = "channels";

    Catalog {
        declarations = List.copyOf(declarations);
        presets = List.copyOf(presets);
    }

    /** @return the declarations of one table, empty when no installed bundle reads it */
    List<Declaration> of(String section) {
        return declarations.stream().filter(declaration -> declaration.section().equals(section)).toList();
    }

    /** @return the declared table names, each once, in declaration order */
    List<String> sections() {
        return declarations.stream().map(Declaration::section).distinct().toList();
    }

    /** @return the keys of a table over all its declarations, by TOML key, first declaration winning */
    Map<String, KeySpec> keys(String section) {
        Map<String, KeySpec> keys = new LinkedHashMap<>();
        for (Declaration declaration : of(section)) {
            declaration.keys().forEach(keys::putIfAbsent);
        }
        return Collections.unmodifiableMap(keys);
    }

    /** @return whether some declared table lies below this one, as {@code channels.web} lies below {@code channels} */
    boolean isParent(String section) {
        return declarations.stream().anyMatch(declaration -> declaration.section().startsWith(section + "."));
    }

    /** @return the provider of that name */
    Optional<Preset> preset(String name) {
        return presets.stream().filter(preset -> preset.name().equals(name)).findFirst();
    }

    /** @return the provider names, each once, in declaration order */
    List<String> presetNames() {
        List<String> names = new ArrayList<>();
        presets.forEach(preset -> {
            if (!names.contains(preset.name())) {
                names.add(preset.name());
            }
        });
        return names;
    }

    /** @return the key of the agent table, when a bundle declares it */
    Optional<KeySpec> agentKey(String key) {
        return Optional.ofNullable(keys(AGENT).get(key));
    }
}
