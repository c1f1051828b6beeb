package org.openpista.config.internal;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.openpista.api.config.ConfigException;

/**
 * Environment variables that override {@code config.toml}, as the declaring bundles name them
 * ({@code env = "token=OPENPISTA_WEB_TOKEN"}): secrets and ports can stay out of the file. A
 * variable spelled {@code OPENPISTA_*} is also read in the original openpista's spelling {@code
 * openpista_*}; the upper-case one wins when both are set. An empty variable counts as unset. The
 * API key has its own order, see {@link ProviderSelection#apiKey()}.
 */
final class EnvOverrides {

    private final Function<String, String> env;

    /** @param env looks up an environment variable, {@code null} when unset ({@code System::getenv}) */
    EnvOverrides(Function<String, String> env) {
        this.env = env;
    }

    /**
     * Sets the overridden keys in the document, converted as their keys say.
     *
     * @param catalog what the installed bundles declare
     * @param document the validated file, changed in place
     * @param file the configuration file, named in errors
     * @throws ConfigException when a variable holds a value its key cannot take, naming the variable
     */
    void apply(Catalog catalog, Document document, Path file) throws ConfigException {
        for (Declaration declaration : catalog.declarations()) {
            for (Map.Entry<String, String> override : declaration.env().entrySet()) {
                KeySpec spec = declaration.keys().get(override.getKey());
                Optional<String> value = openpista(env, override.getValue());
                if (spec == null || value.isEmpty()) {
                    continue;
                }
                try {
                    document.table(declaration.section()).put(override.getKey(), Values.fromText(spec, value.get()));
                } catch (Values.BadValue bad) {
                    throw new ConfigException(file, 0, variableName(override.getValue()),
                            "environment variable: " + bad.getMessage());
                }
            }
        }
    }

    /** @return the name of the variable that sets a key now, if one does */
    Optional<String> variableFor(Catalog catalog, String section, String key) {
        for (Declaration declaration : catalog.of(section)) {
            String variable = declaration.env().get(key);
            if (variable != null && openpista(env, variable).isPresent()) {
                return Optional.of(variableName(variable));
            }
        }
        return Optional.empty();
    }

    /** @return the spelling under which the variable is set: upper case first, then the original's */
    private String variableName(String variable) {
        String value = env.apply(variable);
        return value != null && !value.isBlank() || !variable.startsWith("OPENPISTA_") ? variable
                : "openpista_" + variable.substring("OPENPISTA_".length());
    }

    /**
     * @param env the environment
     * @param variable a variable name; {@code OPENPISTA_X} is also looked up as {@code openpista_X}
     * @return its value, trimmed, when set and not blank
     */
    static Optional<String> openpista(Function<String, String> env, String variable) {
        Optional<String> value = set(env.apply(variable));
        if (value.isEmpty() && variable.startsWith("OPENPISTA_")) {
            value = set(env.apply("openpista_" + variable.substring("OPENPISTA_".length())));
        }
        return value;
    }

    private static Optional<String> set(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
