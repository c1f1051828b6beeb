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

    /**
     * Reads the file again and applies it. Nothing is pushed when it fails.
     *
     * @return what was loaded
     * @throws ConfigException naming file, line and key of the first problem
     */
    synchronized ConfigReport load() throws ConfigException {
        TomlFile toml = TomlFile.read(locations.file());
        Settings settings = env.apply(Validator.validate(toml, locations.file()), locations.file());
        Map<String, Map<String, Object>> configurations = new PidMapper(locations).map(settings);
        String provider = settings.provider();
        String problem = Providers.problem(provider, settings.agentText("api_key"), settings.agentText("base_url"),
                locations.file().toString());

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
        return new ConfigReport(locations.file(), toml.exists(), provider, settings.agentText("model"), problem,
                settings.warnings());
    }
}
