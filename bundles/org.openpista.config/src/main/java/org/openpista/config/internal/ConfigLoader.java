package org.openpista.config.internal;

import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load of {@code config.toml}, start to end: read, validate, apply the environment, map to
 * PIDs, and only when all of that succeeded push into the sink. Plain class, so the whole path is
 * testable without a framework.
 */
final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    private final Locations locations;
    private final EnvOverrides env;
    private final ConfigSink sink;

    /**
     * @param locations home and file
     * @param env looks up an environment variable, {@code null} when unset
     * @param sink where the configurations go
     */
    ConfigLoader(Locations locations, Function<String, String> env, ConfigSink sink) {
        this.locations = locations;
        this.env = new EnvOverrides(env);
        this.sink = sink;
    }

    Locations locations() {
        return locations;
    }

    /** A provider and model chosen at runtime, which wins over the file until the process ends. */
    record Selection(String provider, String model) {}

    private Selection selection;

    /** Values set for this process only ({@code section} to key to value), applied over file and environment. */
    private final Map<String, Map<String, Object>> overrides = new java.util.concurrent.ConcurrentHashMap<>();

    void override(String section, String key, Object value) {
        overrides.computeIfAbsent(section, absent -> new java.util.concurrent.ConcurrentHashMap<>()).put(key, value);
    }

    java.util.Optional<String> environmentOf(String section, String key) {
        return env.variableFor(section, key);
    }

    /**
     * Chooses provider and model at runtime and applies the configuration with them; on failure the
     * previous choice stays.
     *
     * @param provider a known provider, or empty to keep the current one
     * @param model the model, or empty for the provider's default
     * @return what was loaded
     * @throws ConfigException for an unknown provider, or when the file cannot be loaded
     */
    synchronized ConfigReport select(String provider, String model) throws ConfigException {
        String wanted = provider == null ? "" : provider.strip().toLowerCase(java.util.Locale.ROOT);
        if (!wanted.isEmpty() && !Providers.KNOWN.contains(wanted)) {
            throw new ConfigException(locations.file(), 0, "provider", "unknown provider " + Rule.quote(wanted) + " (known: "
                    + String.join(", ", Providers.KNOWN) + ")");
        }
        Selection previous = selection;
        selection = new Selection(wanted, model == null ? "" : model.strip());
        try {
            return load();
        } catch (ConfigException e) {
            selection = previous;
            throw e;
        }
    }

    /**
     * Applies a runtime selection. Before the environment: a different provider replaces the file's,
     * whose {@code [agent]} base URL, key and model do not belong to it (the new one takes those of
     * {@code [providers.<name>]} and its own key variable). After the environment: the chosen model
     * wins over {@code OPENPISTA_MODEL}.
     */
    private static Settings applySelection(Settings settings, Selection selection, boolean beforeEnvironment) {
        if (selection == null) {
            return settings;
        }
        Map<String, Object> agent = new java.util.LinkedHashMap<>(settings.agent());
        if (beforeEnvironment) {
            if (selection.provider().isEmpty() || selection.provider().equals(settings.provider())) {
                return settings;
            }
            agent.put("provider", selection.provider());
            agent.remove("base_url");
            agent.remove("api_key");
            agent.remove("model");
        } else {
            agent.put("model", selection.model());
        }
        return settings.withAgent(agent);
    }

    /**
     * Reads the file again and applies it. Nothing is pushed when it fails.
     *
     * @return what was loaded
     * @throws ConfigException naming file, line and key of the first problem
     */
    synchronized ConfigReport load() throws ConfigException {
        TomlFile toml = TomlFile.read(locations.file());
        Settings settings = applySelection(Validator.validate(toml, locations.file()), selection, true);
        settings = applySelection(env.apply(settings, locations.file()), selection, false);
        settings = settings.withChannelOverrides(overrides);
        Map<String, Map<String, Object>> configurations = new PidMapper(locations).map(settings);
        String provider = settings.provider();
        String problem = Providers.problem(provider, settings.providerText("api_key"), settings.providerText("base_url"),
                locations.file().toString(), StoredLogins.in(locations.home()));

        try {
            sink.apply(configurations);
        } catch (IOException e) {
            throw new ConfigException(locations.file(), 0, "",
                    "cannot store the configuration in Configuration Admin: " + e.getMessage());
        }

        settings.warnings().forEach(warning -> LOG.warn("{}", warning));
        if (!problem.isEmpty()) {
            LOG.warn("{}", problem);
        }
        LOG.info("Loaded {}{}: provider {}, {} channel section(s), {} cron job(s)", locations.file(),
                toml.exists() ? "" : " (absent, defaults apply)", provider, settings.channels().size(),
                settings.cron().size());
        return new ConfigReport(locations.file(), toml.exists(), provider, settings.providerText("model"), problem,
                settings.warnings());
    }
}
