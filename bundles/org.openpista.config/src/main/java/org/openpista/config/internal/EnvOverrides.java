package org.openpista.config.internal;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.openpista.api.config.ConfigException;

/**
 * Environment variables that override {@code config.toml}: secrets and ports, so they can stay out
 * of the file. Each {@code OPENPISTA_*} variable is also accepted in the original openpista's
 * spelling {@code openpista_*}; the upper-case one wins when both are set. An empty variable
 * counts as unset.
 *
 * <p>The API key is taken from {@code OPENPISTA_API_KEY} (any provider), else from the preset's own
 * variable such as {@code OPENAI_API_KEY}, else from {@code [agent] api_key}.
 */
final class EnvOverrides {

    private final Function<String, String> env;

    /** @param env looks up an environment variable, {@code null} when unset ({@code System::getenv}) */
    EnvOverrides(Function<String, String> env) {
        this.env = env;
    }

    /**
     * @param settings the validated file
     * @param file the configuration file, named in errors
     * @return the settings with the environment applied
     * @throws ConfigException when a variable holds a value its key cannot take
     */
    Settings apply(Settings settings, Path file) throws ConfigException {
        Map<String, Object> agent = new LinkedHashMap<>(settings.agent());
        Map<String, Object> skills = new LinkedHashMap<>(settings.skills());
        Map<String, Map<String, Object>> channels = new LinkedHashMap<>();
        settings.channels().forEach((name, keys) -> channels.put(name, new LinkedHashMap<>(keys)));

        String provider = settings.provider();
        String fileKey = settings.agentText("api_key").trim();
        Optional<String> key = openpista("API_KEY")
                .or(() -> Providers.keyVariable(provider).flatMap(this::variable))
                .map(Variable::value)
                .or(() -> fileKey.isEmpty() ? Optional.empty() : Optional.of(fileKey));
        if (key.isPresent()) {
            agent.put("api_key", key.get());
        } else {
            agent.remove("api_key");
        }
        openpista("MODEL").ifPresent(model -> agent.put("model", model.value()));
        openpista("WORKSPACE").ifPresent(workspace -> skills.put("workspace", workspace.value()));

        openpista("WEB_TOKEN").ifPresent(token -> channel(channels, "web").put("token", token.value()));
        Optional<Variable> port = openpista("WEB_PORT");
        if (port.isPresent()) {
            channel(channels, "web").put("port", port(port.get(), file));
        }
        variable("TELEGRAM_BOT_TOKEN").ifPresent(token -> channel(channels, "telegram").put("token", token.value()));
        variable("WHATSAPP_SESSION_DIR").ifPresent(dir -> channel(channels, "whatsapp").put("session_dir", dir.value()));
        variable("WHATSAPP_BRIDGE_PATH").ifPresent(path -> channel(channels, "whatsapp").put("bridge_path", path.value()));

        return new Settings(agent, settings.database(), skills, channels, settings.cron(), settings.auth(), settings.providers(),
                settings.warnings());
    }

    /** @return the variable that sets a channel key now, if one does */
    Optional<String> variableFor(String section, String key) {
        Optional<Variable> variable = switch (section + "." + key) {
            case "channels.web.token" -> openpista("WEB_TOKEN");
            case "channels.web.port" -> openpista("WEB_PORT");
            case "channels.telegram.token" -> variable("TELEGRAM_BOT_TOKEN");
            case "channels.whatsapp.session_dir" -> variable("WHATSAPP_SESSION_DIR");
            case "channels.whatsapp.bridge_path" -> variable("WHATSAPP_BRIDGE_PATH");
            default -> Optional.empty();
        };
        return variable.map(Variable::name);
    }

    /** An environment variable that is set, and the name it was found under. */
    private record Variable(String name, String value) {}

    /** @return {@code OPENPISTA_<suffix>}, else {@code openpista_<suffix>} */
    private Optional<Variable> openpista(String suffix) {
        return variable("OPENPISTA_" + suffix).or(() -> variable("openpista_" + suffix));
    }

    private Optional<Variable> variable(String name) {
        String value = env.apply(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(new Variable(name, value.trim()));
    }

    private static Integer port(Variable variable, Path file) throws ConfigException {
        String text = variable.value();
        if (text.matches("[0-9]{1,5}") && Integer.parseInt(text) <= 65535) {
            return Integer.parseInt(text);
        }
        throw new ConfigException(file, 0, variable.name(),
                "environment variable: expected a port number 0..65535, got " + Rule.quote(text));
    }

    /** @return the channel's keys, created when the file has no such section */
    private static Map<String, Object> channel(Map<String, Map<String, Object>> channels, String name) {
        return channels.computeIfAbsent(name, absent -> new LinkedHashMap<>());
    }
}
