package org.openpista.config.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpista.api.settings.SettingsSection;

/**
 * Turns the validated document into Configuration Admin configurations, following the declarations:
 * each key goes to every PID whose table declares it, under its metatype attribute id ({@code
 * max_tool_rounds} → {@code max.tool.rounds}; a secret's id is private: {@code .api.key}); path keys
 * arrive absolute; sub-table keys as {@code name.<id>} (private ones as {@code .name.<id>}); array-of-tables entries as one JSON object
 * per entry in the declared property. A PID gets a configuration only when a table it reads is in
 * the file (or set by the environment), so a bundle's own defaults apply otherwise; the agent's is
 * always there, carrying the selected provider and the channels' approval modes.
 *
 * <p>The result maps a PID to its properties. A factory configuration is keyed {@code
 * factoryPid~name}, which is also the PID Configuration Admin 1.6 gives a named factory
 * configuration.
 */
final class PidMapper {

    private final Locations locations;
    private final ObjectMapper json = new ObjectMapper();

    PidMapper(Locations locations) {
        this.locations = locations;
    }

    /** @return PID (or {@code factoryPid~name}) to properties, for every configuration to push */
    Map<String, Map<String, Object>> map(Catalog catalog, Document document, ProviderSelection selection) {
        Map<String, Map<String, Object>> pids = new LinkedHashMap<>();
        for (Declaration declaration : catalog.declarations()) {
            boolean agent = declaration.section().equals(Catalog.AGENT);
            if (!document.present.contains(declaration.section()) && !agent) {
                continue;
            }
            Map<String, Object> properties = pids.computeIfAbsent(declaration.pid(), pid -> new LinkedHashMap<>());
            if (declaration.isArray()) {
                properties.put(declaration.entries(), entries(document.arrays.getOrDefault(declaration.section(), List.of())));
                continue;
            }
            document.tables.getOrDefault(declaration.section(), Map.of()).forEach((key, value) -> {
                KeySpec spec = declaration.keys().get(key);
                if (spec != null && !(agent && ProviderSelection.PROVIDER_KEYS.contains(key))) {
                    properties.put(spec.id(), value(spec, value));
                }
            });
            document.subtables.getOrDefault(declaration.section(), Map.of()).forEach((name, values) -> values.forEach(
                    (key, value) -> {
                        KeySpec spec = declaration.tableKeys().get(key);
                        if (spec != null) {
                            // a private id stays private: .name.key, never a service property
                            String id = spec.id().startsWith(".") ? "." + name + spec.id() : name + "." + spec.id();
                            properties.put(id, value(spec, value));
                        }
                    }));
            if (agent) {
                properties.put("provider", selection.provider());
                properties.put("model", document.text(Catalog.AGENT, ProviderSelection.MODEL));
                document.approvals.forEach((channel, mode) -> properties.put("approval." + channel, mode));
            }
        }
        selection.configuration().ifPresent(provider -> pids.put(provider.getKey(), provider.getValue()));
        return pids;
    }

    /** Paths absolute ({@code ~} is the user's home, relative means below the openpista home); the rest as it is. */
    private Object value(KeySpec spec, Object value) {
        if (!spec.format().equals(SettingsSection.PATH)) {
            return value;
        }
        if (value instanceof String text) {
            return text.isBlank() ? text : locations.underHome(text).toString();
        }
        if (value != null && value.getClass().isArray()) {
            String[] paths = new String[Array.getLength(value)];
            for (int i = 0; i < paths.length; i++) {
                paths[i] = locations.underHome(String.valueOf(Array.get(value, i))).toString();
            }
            return paths;
        }
        return value;
    }

    private String[] entries(List<Map<String, Object>> entries) {
        return entries.stream().map(entry -> {
            try {
                return json.writeValueAsString(entry);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e); // plain values only: cannot happen
            }
        }).toArray(String[]::new);
    }
}
