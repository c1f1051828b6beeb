package org.openpista.config.internal;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One load of {@code config.toml}, start to end: read, validate against what the installed bundles
 * declare, apply the environment, the command line's overrides and the runtime selection, map to
 * PIDs, and only when all of that succeeded push into the sink. Plain class, so the whole path is
 * testable without a framework.
 */
final class ConfigLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

    /** A provider and model chosen at runtime, which win over the file until the next {@link #load()}. */
    record Selection(String provider, String model) {}

    private final Locations locations;
    private final Function<String, String> env;
    private final EnvOverrides overridesFromEnv;
    private final Supplier<Catalog> catalogs;
    private final ConfigSink sink;
    private final boolean partial;
    /** Values set for this process only, by table and TOML key, applied over file and environment. */
    private final Map<String, Map<String, Object>> overrides = new ConcurrentHashMap<>();
    private Selection selection;

    /**
     * @param locations home and file
     * @param env looks up an environment variable, {@code null} when unset
     * @param catalogs what the installed bundles declare, asked anew for every load
     * @param sink where the configurations go
     */
    ConfigLoader(Locations locations, Function<String, String> env, Supplier<Catalog> catalogs, ConfigSink sink) {
        this(locations, env, catalogs, sink, false);
    }

    /**
     * @param partial whether the framework holds only some of the distribution's bundles ({@link
     *     org.openpista.api.config.ConfigurationLoader#PARTIAL_PROPERTY}): tables none of them reads
     *     are skipped without a warning
     * @see #ConfigLoader(Locations, Function, Supplier, ConfigSink)
     */
    ConfigLoader(Locations locations, Function<String, String> env, Supplier<Catalog> catalogs, ConfigSink sink,
            boolean partial) {
        this.partial = partial;
        this.locations = locations;
        this.env = env;
        this.overridesFromEnv = new EnvOverrides(env);
        this.catalogs = catalogs;
        this.sink = sink;
    }

    Locations locations() {
        return locations;
    }

    /** @see org.openpista.api.config.ConfigurationLoader#override(String, String, Object) */
    void override(String section, String key, Object value) {
        overrides.computeIfAbsent(section, absent -> new ConcurrentHashMap<>()).put(key, value);
    }

    /** @see org.openpista.api.config.ConfigurationLoader#environmentOf(String, String) */
    Optional<String> environmentOf(String section, String key) {
        return overridesFromEnv.variableFor(catalog(), section, key);
    }

    /** @return the provider names the installed bundles declare */
    List<String> providers() {
        return catalog().presetNames();
    }

    /** @return what the installed bundles declare now */
    Catalog catalog() {
        return catalogs.get();
    }

    /**
     * Chooses provider and model at runtime and applies the configuration with them; on failure the
     * previous choice stays. The choice lasts until the next plain {@link #load()} (a reload reads
     * the file as it is).
     *
     * @param provider a declared provider, or empty to keep the current one
     * @param model the model, or empty for the provider's default
     * @return what was loaded
     * @throws ConfigException for an unknown provider, or when the file cannot be loaded
     */
    synchronized ConfigReport select(String provider, String model) throws ConfigException {
        String wanted = provider == null ? "" : provider.strip().toLowerCase(Locale.ROOT);
        Catalog catalog = catalog();
        if (!wanted.isEmpty() && catalog.preset(wanted).isEmpty()) {
            throw new ConfigException(locations.file(), 0, "provider", "unknown provider " + Values.quote(wanted) + " (known: "
                    + String.join(", ", catalog.presetNames()) + ")");
        }
        return apply(catalog, new Selection(wanted, model == null ? "" : model.strip()));
    }

    /**
     * Reads the file again and applies it, dropping a runtime selection. Nothing is pushed when it
     * fails.
     *
     * @return what was loaded
     * @throws ConfigException naming file, line and key of the first problem
     */
    synchronized ConfigReport load() throws ConfigException {
        return apply(catalog(), null);
    }

    private ConfigReport apply(Catalog catalog, Selection chosen) throws ConfigException {
        TomlFile toml = TomlFile.read(locations.file());
        Document document = Validator.validate(toml, locations.file(), catalog, partial);
        if (chosen != null && !chosen.provider().isEmpty()
                && !chosen.provider().equals(new ProviderSelection(catalog, document, env).provider())) {
            // another provider than the file's: [agent]'s endpoint, key and model belong to the file's one
            Map<String, Object> agent = document.table(Catalog.AGENT);
            agent.put(ProviderSelection.PROVIDER, chosen.provider());
            agent.remove(ProviderSelection.BASE_URL);
            agent.remove(ProviderSelection.API_KEY);
            agent.remove(ProviderSelection.MODEL);
        }
        overridesFromEnv.apply(catalog, document, locations.file());
        applyOverrides(catalog, document);
        if (chosen != null) {
            document.table(Catalog.AGENT).put(ProviderSelection.MODEL, chosen.model());
        }
        if (toml.exists()) {
            readableSecrets(catalog, document).ifPresent(document.warnings::add);
        }
        ProviderSelection provider = new ProviderSelection(catalog, document, env);
        Map<String, Map<String, Object>> configurations = new PidMapper(locations).map(catalog, document, provider);
        String problem = provider.problem(locations.file().toString(), StoredLogins.in(locations.home()));
        try {
            sink.apply(configurations);
        } catch (IOException e) {
            throw new ConfigException(locations.file(), 0, "",
                    "cannot store the configuration in Configuration Admin: " + e.getMessage());
        }
        selection = chosen;
        document.warnings.forEach(warning -> LOG.warn("{}", warning));
        if (!problem.isEmpty()) {
            LOG.warn("{}", problem);
        }
        LOG.info("Loaded {}{}: provider {}, {} table(s) from {} bundle declaration(s)", locations.file(),
                toml.exists() ? "" : " (absent, defaults apply)", provider.provider(), document.present.size(),
                catalog.declarations().size());
        return new ConfigReport(locations.file(), toml.exists(), provider.provider(), provider.text(ProviderSelection.MODEL),
                problem, document.warnings);
    }

    /** The command line's values (checked like the file's), over file and environment. */
    private void applyOverrides(Catalog catalog, Document document) throws ConfigException {
        for (Map.Entry<String, Map<String, Object>> table : new LinkedHashMap<>(overrides).entrySet()) {
            Map<String, KeySpec> keys = catalog.keys(table.getKey());
            for (Map.Entry<String, Object> value : table.getValue().entrySet()) {
                KeySpec spec = keys.get(value.getKey());
                if (spec == null) {
                    continue; // no installed bundle reads it
                }
                try {
                    document.table(table.getKey()).put(value.getKey(), Values.fromText(spec, String.valueOf(value.getValue())));
                } catch (Values.BadValue bad) {
                    throw new ConfigException(locations.file(), 0, table.getKey() + "." + value.getKey(),
                            "command line: " + bad.getMessage());
                }
            }
        }
    }

    /**
     * @return a warning when the file holds secrets and other users can read it (as openpista says
     *     for credentials.toml), with the command that fixes it
     */
    private Optional<String> readableSecrets(Catalog catalog, Document document) {
        java.util.Set<java.nio.file.attribute.PosixFilePermission> permissions;
        try {
            permissions = java.nio.file.Files.getPosixFilePermissions(locations.file());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
        if (!permissions.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                && !permissions.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)) {
            return Optional.empty();
        }
        java.util.List<String> secrets = new java.util.ArrayList<>();
        document.tables.forEach((section, values) -> values.forEach((key, value) -> {
            KeySpec spec = catalog.keys(section).get(key);
            if (spec != null && spec.secret() && !String.valueOf(value).isBlank()) {
                secrets.add(section + "." + key);
            }
        }));
        document.providers.forEach((name, values) -> {
            if (!String.valueOf(values.getOrDefault(ProviderSelection.API_KEY, "")).isBlank()) {
                secrets.add("providers." + name + ".api_key");
            }
        });
        if (secrets.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Validator.format(locations.file(), 0, "", "other users can read this file, and it holds secrets ("
                + String.join(", ", secrets) + "): run chmod 600 " + locations.file()));
    }

    /** @return the runtime selection in force, or {@code null} */
    synchronized Selection selection() {
        return selection;
    }
}
