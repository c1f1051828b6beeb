package org.openpista.config.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns validated settings into Configuration Admin configurations, following the configuration
 * contract in {@code docs/DEVELOPING.md}: TOML {@code snake_case} keys become dotted properties,
 * secrets become private properties (leading dot), paths arrive with {@code ~} expanded.
 *
 * <p>The result maps a PID to its properties. A factory configuration is keyed
 * {@code factoryPid~name}, which is also the PID Configuration Admin 1.6 gives a named factory
 * configuration.
 *
 * <p>{@code [[cron]]} goes to {@value #CRON} as property {@code jobs}: a {@code String[]} with one
 * JSON object per entry, in file order, holding the entry's keys as written
 * ({@code {"schedule":"0 9 * * *","message":"…","channel":"telegram","target":"42"}}). DS cannot
 * map a list of tables onto an annotation, and JSON keeps each entry in one piece.
 */
final class PidMapper {

    /** The agent loop's PID. */
    static final String AGENT = "org.openpista.agent";
    /** The SQLite conversation store's PID. */
    static final String MEMORY = "org.openpista.memory.sqlite";
    /** The skills PID. */
    static final String SKILLS = "org.openpista.skills";
    /** The system tools' PID. */
    static final String TOOL_SYSTEM = "org.openpista.tool.system";
    /** The logins' PID; pushed only when {@code [auth]} has keys. */
    static final String AUTH = "org.openpista.auth";
    /** The cron scheduler's PID. */
    static final String CRON = "org.openpista.cron";
    /** Prefix of a channel's PID, followed by the channel name. */
    static final String CHANNEL_PREFIX = "org.openpista.channel.";

    /** {@code [agent] max_tool_rounds} when absent. */
    static final int DEFAULT_MAX_TOOL_ROUNDS = 30;
    /** {@code [agent] approval} when absent. */
    static final String DEFAULT_APPROVAL = "ask";

    /** Channel keys that are secrets: private properties, never service properties. */
    private static final List<String> CHANNEL_SECRETS = List.of("token", "access_token", "app_secret", "verify_token",
            "webhook_secret");

    private final Locations locations;
    private final ObjectMapper json = new ObjectMapper();

    PidMapper(Locations locations) {
        this.locations = locations;
    }

    /** @return PID (or {@code factoryPid~name}) to properties, for every configuration to push */
    Map<String, Map<String, Object>> map(Settings settings) {
        Map<String, Map<String, Object>> pids = new LinkedHashMap<>();
        pids.put(AGENT, agent(settings));
        String provider = settings.provider();
        pids.put(Providers.factoryPid(provider) + "~" + provider, provider(settings));
        pids.put(MEMORY, Map.of("url", database(settings)));
        String workspace = workspace(settings);
        pids.put(SKILLS, skills(settings, workspace));
        pids.put(TOOL_SYSTEM, Map.of("workspace", workspace));
        settings.channels().forEach((name, keys) -> pids.put(CHANNEL_PREFIX + name, channel(keys)));
        pids.put(CRON, Map.of("jobs", cron(settings)));
        if (!settings.auth().isEmpty()) {
            pids.put(AUTH, auth(settings));
        }
        return pids;
    }

    private Map<String, Object> agent(Settings settings) {
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("provider", settings.provider());
        // the workspace tools see in their ToolContext, the same as the skills' and system.run's
        agent.put("workspace", workspace(settings));
        agent.put("model", settings.agentText("model"));
        agent.put("max.tool.rounds", settings.agent().getOrDefault("max_tool_rounds", DEFAULT_MAX_TOOL_ROUNDS));
        agent.put("approval", settings.agent().getOrDefault("approval", DEFAULT_APPROVAL));
        settings.channels().forEach((name, keys) -> {
            if (keys.containsKey("approval")) {
                agent.put("approval." + name, keys.get("approval"));
            }
        });
        copy(settings.agent(), "system_prompt", agent);
        copy(settings.agent(), "timeout_secs", agent);
        return agent;
    }

    /** The selected provider's instance: {@code [agent]} keys, else those of {@code [providers.<name>]}. */
    private static Map<String, Object> provider(Settings settings) {
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("name", settings.provider());
        // the service property the provider's DS component publishes (api.llm LlmProvider.NAME)
        provider.put("provider.name", settings.provider());
        provider.put("preset", settings.provider());
        provider.put("base.url", settings.providerText("base_url"));
        String key = settings.providerText("api_key");
        if (!key.isEmpty()) {
            provider.put(".api.key", key);
        }
        provider.put("model", settings.providerText("model"));
        Map<String, Object> own = settings.providers().getOrDefault(settings.provider(), Map.of());
        for (String extra : List.of("api_version", "region", "timeout_secs", "max_retries")) {
            if (own.containsKey(extra)) {
                provider.put(extra.replace('_', '.'), own.get(extra));
            }
        }
        return provider;
    }

    /** {@code [auth]} keys dotted: {@code login_timeout_secs} → {@code login.timeout.secs}, {@code openai.token_url} → {@code openai.token.url}. */
    private static Map<String, Object> auth(Settings settings) {
        Map<String, Object> auth = new LinkedHashMap<>();
        settings.auth().forEach((key, value) -> auth.put(key.replace('_', '.'), value));
        return auth;
    }

    /** @return the database file: {@code sqlite:} prefix dropped, {@code ~} expanded, under home if relative */
    private String database(Settings settings) {
        String url = ((String) settings.database().getOrDefault("url", "")).trim();
        for (String prefix : List.of("sqlite://", "sqlite:")) {
            if (url.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                url = url.substring(prefix.length());
                break;
            }
        }
        return locations.underHome(url.isEmpty() ? "memory.db" : url).toString();
    }

    /** {@code [skills]}: the workspace always, the other keys when written (the components hold the defaults). */
    private static Map<String, Object> skills(Settings settings, String workspace) {
        Map<String, Object> skills = new LinkedHashMap<>();
        skills.put("workspace", workspace);
        settings.skills().forEach((key, value) -> {
            if (!key.equals("workspace")) {
                skills.put(key.replace('_', '.'), value);
            }
        });
        return skills;
    }

    private String workspace(Settings settings) {
        String workspace = ((String) settings.skills().getOrDefault("workspace", "")).trim();
        return locations.underHome(workspace.isEmpty() ? "workspace" : workspace).toString();
    }

    private Map<String, Object> channel(Map<String, Object> keys) {
        Map<String, Object> properties = new LinkedHashMap<>();
        keys.forEach((key, value) -> {
            String property = key.replace('_', '.');
            if (CHANNEL_SECRETS.contains(key)) {
                property = "." + property;
            }
            if (Schema.CHANNEL_PATHS.contains(key)) {
                value = locations.expanded((String) value);
            }
            properties.put(property, value);
        });
        return properties;
    }

    private String[] cron(Settings settings) {
        return settings.cron().stream().map(entry -> {
            try {
                return json.writeValueAsString(entry);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e); // strings only: cannot happen
            }
        }).toArray(String[]::new);
    }

    private static void copy(Map<String, Object> from, String key, Map<String, Object> to) {
        if (from.containsKey(key)) {
            to.put(key.replace('_', '.'), from.get(key));
        }
    }
}
