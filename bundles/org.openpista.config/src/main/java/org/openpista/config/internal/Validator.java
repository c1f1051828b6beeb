package org.openpista.config.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openpista.api.config.ConfigException;
import org.openpista.config.internal.Schema.Field;

/**
 * Checks a parsed {@code config.toml} against {@link Schema} and converts its values. A value of
 * the wrong type or out of range stops loading with a {@link ConfigException}; an unknown key or
 * section only gives a warning, so a newer file still loads in an older openpista.
 */
final class Validator {

    private final Path file;
    private final KeyLines lines;
    private final List<String> warnings = new ArrayList<>();

    private Validator(Path file, KeyLines lines) {
        this.file = file;
        this.lines = lines;
    }

    /**
     * @param toml the parsed file
     * @param file the file, named in errors and warnings
     * @return the known keys with converted values, and the warnings
     * @throws ConfigException at the first value that does not fit its key
     */
    static Settings validate(TomlFile toml, Path file) throws ConfigException {
        return new Validator(file, toml.lines()).settings(toml.root());
    }

    /** @return {@code file:line: key: problem}, the shape of {@link ConfigException}'s message */
    static String format(Path file, int line, String key, String problem) {
        return new ConfigException(file, line, key, problem).getMessage();
    }

    private Settings settings(JsonNode root) throws ConfigException {
        Map<String, Object> agent = new LinkedHashMap<>();
        Map<String, Object> database = new LinkedHashMap<>();
        Map<String, Object> skills = new LinkedHashMap<>();
        Map<String, Map<String, Object>> channels = new LinkedHashMap<>();
        List<Map<String, Object>> cron = new ArrayList<>();
        Map<String, Object> auth = new LinkedHashMap<>();
        Map<String, Map<String, Object>> providers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            List<Object> path = List.of(entry.getKey());
            JsonNode node = entry.getValue();
            switch (entry.getKey()) {
                case "agent":
                    agent = section(path, node, Schema.AGENT);
                    if ("".equals(agent.get("provider"))) {
                        agent.remove("provider");
                    }
                    break;
                case "database":
                    database = database(path, node);
                    break;
                case "skills":
                    skills = section(path, node, Schema.SKILLS);
                    break;
                case "channels":
                    channels = channels(path, node);
                    break;
                case "cron":
                    cron = cron(path, node);
                    break;
                case "auth":
                    auth = auth(path, node);
                    break;
                case "providers":
                    providers = providers(path, node);
                    break;
                default:
                    if (!Schema.PASSED_OVER.contains(entry.getKey())) {
                        warn(path, node.isObject() ? "unknown section, ignored" : "unknown key, ignored");
                    }
            }
        }
        return new Settings(agent, database, skills, channels, cron, auth, providers, warnings);
    }

    /** {@code [auth]} keys as they are, {@code [auth.<provider>]} keys as {@code <provider>.<key>}. */
    private Map<String, Object> auth(List<Object> path, JsonNode node) throws ConfigException {
        requireTable(path, node);
        Map<String, Object> auth = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            List<Object> keyPath = append(path, entry.getKey());
            if (entry.getValue().isObject()) {
                if (!Schema.AUTH_PROVIDERS.contains(entry.getKey())) {
                    warn(keyPath, "no login of that name, ignored (logins with endpoints: "
                            + String.join(", ", Schema.AUTH_PROVIDERS) + ")");
                    continue;
                }
                section(keyPath, entry.getValue(), Schema.AUTH_PROVIDER)
                        .forEach((key, value) -> auth.put(entry.getKey() + "." + key, value));
                continue;
            }
            Schema.Field field = Schema.AUTH.get(entry.getKey());
            if (field == null) {
                warn(keyPath, "unknown key, ignored (known: " + String.join(", ", Schema.AUTH.keySet())
                        + ", and tables [auth.<provider>])");
                continue;
            }
            try {
                auth.put(entry.getKey(), field.rule().read(entry.getValue(), field.secret()));
            } catch (Rule.BadValue bad) {
                throw error(keyPath, bad.getMessage());
            }
        }
        return auth;
    }

    private Map<String, Map<String, Object>> providers(List<Object> path, JsonNode node) throws ConfigException {
        requireTable(path, node);
        Map<String, Map<String, Object>> providers = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            List<Object> providerPath = append(path, entry.getKey());
            String name = entry.getKey().trim().toLowerCase(java.util.Locale.ROOT);
            if (!Providers.KNOWN.contains(name)) {
                warn(providerPath, "unknown provider, ignored (known: " + String.join(", ", Providers.KNOWN) + ")");
                continue;
            }
            providers.put(name, section(providerPath, entry.getValue(), Schema.PROVIDER));
        }
        return providers;
    }

    private Map<String, Object> database(List<Object> path, JsonNode node) throws ConfigException {
        Map<String, Object> database = section(path, node, Schema.DATABASE);
        Object synonym = database.remove("path");
        if (synonym != null) {
            if (database.containsKey("url")) {
                warn(append(path, "path"), "ignored, url is set too");
            } else {
                database.put("url", synonym);
            }
        }
        return database;
    }

    private Map<String, Map<String, Object>> channels(List<Object> path, JsonNode node) throws ConfigException {
        requireTable(path, node);
        Map<String, Map<String, Object>> channels = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            List<Object> channelPath = append(path, entry.getKey());
            Map<String, Field> fields = Schema.CHANNELS.get(entry.getKey());
            if (fields == null) {
                warn(channelPath, "unknown channel, ignored (known: " + String.join(", ", Schema.CHANNELS.keySet()) + ")");
                continue;
            }
            channels.put(entry.getKey(), section(channelPath, entry.getValue(), fields));
        }
        return channels;
    }

    private List<Map<String, Object>> cron(List<Object> path, JsonNode node) throws ConfigException {
        if (!node.isArray()) {
            throw error(path, "expected [[cron]] entries (an array of tables)" + Rule.got(node, false));
        }
        List<Map<String, Object>> entries = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            List<Object> entryPath = append(path, i);
            Map<String, Object> entry = section(entryPath, node.get(i), Schema.CRON);
            for (String required : Schema.CRON_REQUIRED) {
                Object value = entry.get(required);
                if (value == null || value.toString().isBlank()) {
                    throw error(append(entryPath, required), value == null
                            ? "missing: every [[cron]] entry needs " + String.join(" and ", Schema.CRON_REQUIRED)
                            : "must not be empty");
                }
            }
            entries.add(entry);
        }
        return entries;
    }

    /** Reads one table: known keys through their rule, unknown keys as warnings. */
    private Map<String, Object> section(List<Object> path, JsonNode node, Map<String, Field> fields) throws ConfigException {
        requireTable(path, node);
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            List<Object> keyPath = append(path, entry.getKey());
            Field field = fields.get(entry.getKey());
            if (field == null) {
                warn(keyPath, "unknown key, ignored (known: " + String.join(", ", fields.keySet()) + ")");
                continue;
            }
            try {
                values.put(entry.getKey(), field.rule().read(entry.getValue(), field.secret()));
            } catch (Rule.BadValue bad) {
                throw error(bad.element < 0 ? keyPath : append(keyPath, bad.element), bad.getMessage());
            }
        }
        return values;
    }

    private void requireTable(List<Object> path, JsonNode node) throws ConfigException {
        if (!node.isObject()) {
            String header = path.get(path.size() - 1) instanceof Integer ? "[[" + KeyLines.render(path.subList(0, path.size() - 1)) + "]]"
                    : "[" + KeyLines.render(path) + "]";
            throw error(path, "expected a table " + header + Rule.got(node, true));
        }
    }

    private ConfigException error(List<Object> path, String problem) {
        return new ConfigException(file, lines.lineOf(path), KeyLines.render(path), problem);
    }

    private void warn(List<Object> path, String problem) {
        warnings.add(format(file, lines.lineOf(path), KeyLines.render(path), problem));
    }

    private static List<Object> append(List<Object> path, Object segment) {
        List<Object> longer = new ArrayList<>(path);
        longer.add(segment);
        return List.copyOf(longer);
    }
}
