package org.openpista.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.openpista.api.config.ConfigException;
import org.openpista.api.settings.SettingsSection;

/**
 * Checks a parsed {@code config.toml} against what the installed bundles declare ({@link Catalog})
 * and converts its values. A value of the wrong type or out of range stops loading with a {@link
 * ConfigException}; an unknown key, or a table no installed bundle reads, only gives a warning, so
 * a file written for more bundles (or a newer openpista) still loads.
 */
final class Validator {

    /** The names a sub-table of {@link SettingsSection#ANY_TABLE} may have: they become parts of property names. */
    private static final Pattern SUBTABLE_NAME = Pattern.compile("[A-Za-z0-9_-]+");

    private final Path file;
    private final KeyLines lines;
    private final Catalog catalog;
    private final boolean partial;
    private final Document document = new Document();

    private Validator(Path file, KeyLines lines, Catalog catalog, boolean partial) {
        this.file = file;
        this.lines = lines;
        this.catalog = catalog;
        this.partial = partial;
    }

    /**
     * @param toml the parsed file
     * @param file the file, named in errors and warnings
     * @param catalog what the installed bundles declare
     * @return the declared tables with converted values, and the warnings
     * @throws ConfigException at the first value that does not fit its key
     */
    static Document validate(TomlFile toml, Path file, Catalog catalog) throws ConfigException {
        return validate(toml, file, catalog, false);
    }

    /**
     * @param partial whether only some of the distribution's bundles are installed: a table none of
     *     them reads is then skipped without a warning
     * @see #validate(TomlFile, Path, Catalog)
     */
    static Document validate(TomlFile toml, Path file, Catalog catalog, boolean partial) throws ConfigException {
        Validator validator = new Validator(file, toml.lines(), catalog, partial);
        validator.walk(List.of(), toml.root());
        return validator.document;
    }

    /** @return {@code file:line: key: problem}, the shape of {@link ConfigException}'s message */
    static String format(Path file, int line, String key, String problem) {
        return new ConfigException(file, line, key, problem).getMessage();
    }

    /** Walks the tables below a path: declared ones are read, parents of declared ones descended into. */
    private void walk(List<Object> path, JsonNode node) throws ConfigException {
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            List<Object> childPath = append(path, entry.getKey());
            String name = section(childPath);
            JsonNode value = entry.getValue();
            List<Declaration> declarations = catalog.of(name);
            if (!declarations.isEmpty()) {
                if (declarations.stream().anyMatch(Declaration::isArray)) {
                    entries(childPath, name, value, declarations);
                } else {
                    table(childPath, name, value, catalog.keys(name), tables(declarations), subtableKeys(declarations));
                }
            } else if (name.equals(Catalog.PROVIDERS)) {
                providers(childPath, value);
            } else if (catalog.isParent(name) && value.isObject()) {
                walk(childPath, value);
            } else if (partial && value.isObject()) {
                continue; // read by a bundle this framework left out
            } else if (name.startsWith(Catalog.CHANNELS + ".") && value.isObject()) {
                warn(childPath, "no installed bundle reads [" + name + "], ignored (channels: " + channelNames() + ")");
            } else if (value.isObject()) {
                warn(childPath, "no installed bundle reads [" + name + "], ignored");
            } else {
                warn(childPath, "unknown key, ignored");
            }
        }
    }

    private void table(List<Object> path, String name, JsonNode node, Map<String, KeySpec> keys, Set<String> tables,
            Map<String, KeySpec> tableKeys) throws ConfigException {
        requireTable(path, node);
        Map<String, Object> values = document.table(name);
        boolean channel = name.startsWith(Catalog.CHANNELS + ".");
        KeySpec approval = channel ? catalog.agentKey("approval").orElse(null) : null;
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            List<Object> keyPath = append(path, entry.getKey());
            KeySpec spec = keys.get(entry.getKey());
            if (spec != null) {
                values.put(entry.getKey(), read(keyPath, spec, entry.getValue()));
            } else if (entry.getValue().isObject() && tables.contains(SettingsSection.ANY_TABLE)
                    && !SUBTABLE_NAME.matcher(entry.getKey()).matches()) {
                warn(keyPath, "a table name of letters, digits, _ and - only, ignored");
            } else if (entry.getValue().isObject() && (tables.contains(entry.getKey())
                    || tables.contains(SettingsSection.ANY_TABLE))) {
                Map<String, Object> subtable = new LinkedHashMap<>();
                readKeys(keyPath, entry.getValue(), tableKeys, subtable, "");
                document.subtables.computeIfAbsent(name, absent -> new LinkedHashMap<>()).put(entry.getKey(), subtable);
            } else if (approval != null && entry.getKey().equals("approval")) {
                document.approvals.put(name.substring(Catalog.CHANNELS.length() + 1), (String) read(keyPath, approval,
                        entry.getValue()));
            } else if (entry.getValue().isObject()) {
                warn(keyPath, tables.isEmpty() ? "no installed bundle reads [" + section(keyPath) + "], ignored"
                        : "no table of that name, ignored (tables: " + String.join(", ", tables) + ")");
            } else {
                List<String> known = new ArrayList<>(keys.keySet());
                if (approval != null) {
                    known.add("approval");
                }
                warn(keyPath, "unknown key, ignored (known: " + String.join(", ", known) + ")");
            }
        }
        if (name.equals(Catalog.AGENT)) {
            checkProvider(path, values);
        }
    }

    /** {@code [agent] provider} must name a provider an installed bundle declares; empty means the default. */
    private void checkProvider(List<Object> path, Map<String, Object> agent) throws ConfigException {
        Object provider = agent.get(ProviderSelection.PROVIDER);
        if (provider == null) {
            return;
        }
        String name = provider.toString().strip().toLowerCase(Locale.ROOT);
        if (name.isEmpty()) {
            agent.remove(ProviderSelection.PROVIDER);
            return;
        }
        if (catalog.preset(name).isEmpty()) {
            throw error(append(path, ProviderSelection.PROVIDER), "unknown provider " + Values.quote(name) + " (known: "
                    + String.join(", ", catalog.presetNames()) + ")");
        }
        agent.put(ProviderSelection.PROVIDER, name);
    }

    private void entries(List<Object> path, String name, JsonNode node, List<Declaration> declarations) throws ConfigException {
        if (!node.isArray()) {
            throw error(path, "expected [[" + name + "]] entries (an array of tables)" + Values.got(node, false));
        }
        Map<String, KeySpec> keys = new LinkedHashMap<>();
        declarations.forEach(declaration -> declaration.keys().forEach(keys::putIfAbsent));
        List<String> required = keys.values().stream().filter(KeySpec::required).map(KeySpec::key).toList();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            List<Object> entryPath = append(path, i);
            requireTable(entryPath, node.get(i));
            Map<String, Object> entry = new LinkedHashMap<>();
            readKeys(entryPath, node.get(i), keys, entry, "");
            for (String key : required) {
                Object value = entry.get(key);
                if (value == null || value.toString().isBlank()) {
                    throw error(append(entryPath, key), value == null
                            ? "missing: every [[" + name + "]] entry needs " + String.join(" and ", required)
                            : "must not be empty");
                }
            }
            entries.add(entry);
        }
        document.present.add(name);
        document.arrays.put(name, entries);
    }

    private void providers(List<Object> path, JsonNode node) throws ConfigException {
        requireTable(path, node);
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            List<Object> providerPath = append(path, entry.getKey());
            String name = entry.getKey().trim().toLowerCase(Locale.ROOT);
            var preset = catalog.preset(name);
            if (preset.isEmpty()) {
                warn(providerPath, "unknown provider, ignored (known: " + String.join(", ", catalog.presetNames()) + ")");
                continue;
            }
            requireTable(providerPath, entry.getValue());
            Map<String, Object> values = new LinkedHashMap<>();
            readKeys(providerPath, entry.getValue(), preset.get().keys(), values, "");
            document.providers.put(name, values);
        }
    }

    /** Reads the keys of a table that has no sub-tables of its own; unknown keys warn. */
    private void readKeys(List<Object> path, JsonNode node, Map<String, KeySpec> keys, Map<String, Object> into,
            String knownSuffix) throws ConfigException {
        requireTable(path, node);
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            List<Object> keyPath = append(path, entry.getKey());
            KeySpec spec = keys.get(entry.getKey());
            if (spec == null) {
                warn(keyPath, "unknown key, ignored (known: " + String.join(", ", keys.keySet()) + knownSuffix + ")");
                continue;
            }
            into.put(entry.getKey(), read(keyPath, spec, entry.getValue()));
        }
    }

    private Object read(List<Object> path, KeySpec spec, JsonNode value) throws ConfigException {
        try {
            return Values.read(spec, value);
        } catch (Values.BadValue bad) {
            throw error(bad.element < 0 ? path : append(path, bad.element), bad.getMessage());
        }
    }

    private static Set<String> tables(List<Declaration> declarations) {
        Set<String> tables = new LinkedHashSet<>();
        declarations.forEach(declaration -> tables.addAll(declaration.tables()));
        return tables;
    }

    private static Map<String, KeySpec> subtableKeys(List<Declaration> declarations) {
        Map<String, KeySpec> keys = new LinkedHashMap<>();
        declarations.forEach(declaration -> declaration.tableKeys().forEach(keys::putIfAbsent));
        return keys;
    }

    private String channelNames() {
        List<String> names = new ArrayList<>();
        for (String section : catalog.sections()) {
            if (section.startsWith(Catalog.CHANNELS + ".")) {
                names.add(section.substring(Catalog.CHANNELS.length() + 1));
            }
        }
        return names.isEmpty() ? "none installed" : String.join(", ", names);
    }

    private void requireTable(List<Object> path, JsonNode node) throws ConfigException {
        if (!node.isObject()) {
            String header = path.get(path.size() - 1) instanceof Integer ? "[[" + KeyLines.render(path.subList(0, path.size() - 1)) + "]]"
                    : "[" + KeyLines.render(path) + "]";
            throw error(path, "expected a table " + header + Values.got(node, true));
        }
    }

    private ConfigException error(List<Object> path, String problem) {
        return new ConfigException(file, lines.lineOf(path), KeyLines.render(path), problem);
    }

    private void warn(List<Object> path, String problem) {
        document.warnings.add(format(file, lines.lineOf(path), KeyLines.render(path), problem));
    }

    /** @return the dotted table name of a path of table names */
    private static String section(List<Object> path) {
        StringBuilder name = new StringBuilder();
        for (Object segment : path) {
            if (name.length() > 0) {
                name.append('.');
            }
            name.append(segment);
        }
        return name.toString();
    }

    private static List<Object> append(List<Object> path, Object segment) {
        List<Object> longer = new ArrayList<>(path);
        longer.add(segment);
        return List.copyOf(longer);
    }
}
