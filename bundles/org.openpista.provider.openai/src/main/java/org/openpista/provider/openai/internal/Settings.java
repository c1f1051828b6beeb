package org.openpista.provider.openai.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import org.openpista.api.llm.ProviderException;

/**
 * One provider instance's configuration with the preset's defaults filled in. Building it never
 * fails, so the component registers even when something is missing; {@link #requireUsable()} says
 * what is missing when a request is made.
 *
 * @param name the instance name ({@code provider.name})
 * @param presetName the preset as configured, lower case
 * @param baseUrl the API root including {@code /v1}, without trailing slash; empty when unknown
 * @param apiKey the API key, empty when none
 * @param model the model used when a request names none; may be empty for {@code custom}
 * @param maxRetries how often 429 and 5xx answers are retried
 * @param timeout how long to wait for an answer (and, when streaming, between two chunks)
 * @param stream whether answers are streamed
 */
record Settings(
        String name, String presetName, String baseUrl, String apiKey, String model, int maxRetries, Duration timeout,
        boolean stream) {

    Settings {
        name = name == null ? "" : name.strip();
        presetName = presetName == null || presetName.isBlank() ? Preset.OPENAI.id : presetName.strip().toLowerCase(Locale.ROOT);
        apiKey = apiKey == null ? "" : apiKey.strip();
        model = model == null ? "" : model.strip();
        maxRetries = Math.max(0, maxRetries);
        timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? Duration.ofSeconds(120) : timeout;
        Preset preset = Preset.find(presetName).orElse(null);
        if (name.isEmpty()) {
            name = presetName;
        }
        baseUrl = baseUrl == null ? "" : baseUrl.strip();
        if (baseUrl.isEmpty() && preset != null) {
            baseUrl = preset.baseUrl;
        }
        // the API root is documented with /v1 and no trailing slash; a user's trailing slash must not
        // turn {base}/chat/completions into a double slash
        while (baseUrl.endsWith("/")) {
            baseUrl = baseUrl.substring(0, baseUrl.length() - 1);
        }
        if (model.isEmpty() && preset != null) {
            model = preset.defaultModel;
        }
    }

    /** @return settings from a component configuration */
    static Settings of(OpenAiProviderComponent.Config config) {
        return new Settings(
                config.name(),
                config.preset(),
                config.base_url(),
                config._api_key(),
                config.model(),
                config.max_retries(),
                Duration.ofSeconds(Math.max(1, config.timeout_secs())),
                config.stream());
    }

    /** @return the preset, or {@code null} when the configured one is unknown */
    Preset preset() {
        return Preset.find(presetName).orElse(null);
    }

    /** @return the vendor as named in messages: the preset's name, or host:port for custom hosts */
    String vendor() {
        Preset preset = preset();
        if (preset != null && !preset.displayName.isEmpty()) {
            return preset.displayName;
        }
        String host = hostPort();
        return host.isEmpty() ? name : host;
    }

    /** @return host:port of the base URL, or empty when it has none */
    String hostPort() {
        URI uri = uri();
        if (uri == null || uri.getHost() == null) {
            return "";
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
        return uri.getHost() + ":" + port;
    }

    /** @return what to check after the key was refused, for example {@code OPENAI_API_KEY or [agent] api_key} */
    String keyHint() {
        Preset preset = preset();
        return preset == null || preset.keyVariable.isEmpty()
                ? "[agent] api_key"
                : preset.keyVariable + " or [agent] api_key";
    }

    /** @return whether requests go over plain HTTP, which gets HTTP/1.1 without an h2c upgrade attempt */
    boolean plainHttp() {
        URI uri = uri();
        return uri != null && "http".equalsIgnoreCase(uri.getScheme());
    }

    /**
     * Fails when the configuration cannot work: unknown preset, no or a broken base URL, no key where
     * the preset needs one.
     *
     * @throws ProviderException of kind {@code NOT_CONFIGURED}, saying what to set
     */
    void requireUsable() throws ProviderException {
        Preset preset = preset();
        if (preset == null) {
            throw notConfigured("Unknown provider preset '" + presetName + "' for provider '" + name + "': use "
                    + Preset.names());
        }
        if (baseUrl.isEmpty()) {
            throw notConfigured("Provider '" + name + "' (" + preset.id + ") has no endpoint: set [agent] base_url to"
                    + " the API root including /v1, for example http://localhost:8000/v1");
        }
        URI uri = uri();
        if (uri == null || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw notConfigured("Provider '" + name + "': base_url '" + baseUrl + "' is not an http(s) URL: set"
                    + " [agent] base_url to the API root including /v1, for example https://api.openai.com/v1");
        }
        if (apiKey.isEmpty() && preset.needsKey()) {
            throw notConfigured("No API key for " + preset.displayName + ": set " + preset.keyVariable
                    + " (or OPENPISTA_API_KEY) or [agent] api_key");
        }
    }

    /** @return the model for a request that names {@code requested} (may be empty) */
    String modelFor(String requested) throws ProviderException {
        String chosen = requested == null || requested.isBlank() ? model : requested.strip();
        if (chosen.isEmpty()) {
            throw notConfigured("Provider '" + name + "' (" + presetName + ") has no default model: set [agent] model");
        }
        return chosen;
    }

    private URI uri() {
        try {
            return new URI(baseUrl);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static ProviderException notConfigured(String message) {
        return new ProviderException(ProviderException.Kind.NOT_CONFIGURED, message);
    }

    @Override
    public String toString() {
        // never the key
        return "Settings[name=" + name + ", preset=" + presetName + ", baseUrl=" + baseUrl + ", apiKey="
                + (apiKey.isEmpty() ? "none" : "set") + ", model=" + model + ", maxRetries=" + maxRetries
                + ", timeout=" + timeout + ", stream=" + stream + "]";
    }
}
