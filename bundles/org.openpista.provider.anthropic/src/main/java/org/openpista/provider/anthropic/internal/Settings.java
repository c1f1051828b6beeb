package org.openpista.provider.anthropic.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

/**
 * The configuration of one provider instance, checked and with defaults filled in. Building it
 * never fails: a bad {@code base_url} is kept as {@link #problem()} so the component still
 * registers and every call reports the problem in one line.
 *
 * @param name the instance name ({@code provider.name})
 * @param apiRoot the API root including {@code /v1}, without trailing slash; {@code null} when
 *     {@link #problem()} says why
 * @param problem why the configuration cannot work, or empty
 * @param credentials how requests authenticate
 * @param model the model used when a request names none
 * @param maxRetries how often a rate limit or server error is retried
 * @param timeout how long to wait for the answer to start, and then for each further piece
 * @param stream whether to ask for a server-sent event stream
 * @param maxTokens the answer bound sent when a request gives none
 */
record Settings(
        String name,
        URI apiRoot,
        String problem,
        Credentials credentials,
        String model,
        int maxRetries,
        Duration timeout,
        boolean stream,
        int maxTokens) {

    /** The API root used when {@code base_url} is empty. */
    static final String DEFAULT_API_ROOT = "https://api.anthropic.com/v1";

    /** The model used when {@code model} is empty: a current Claude Sonnet. */
    static final String DEFAULT_MODEL = "claude-sonnet-4-6";

    static final int DEFAULT_MAX_TOKENS = 8192;
    static final int DEFAULT_TIMEOUT_SECS = 120;
    static final int DEFAULT_MAX_RETRIES = 3;

    /** @return settings from a component configuration */
    static Settings from(AnthropicProviderComponent.Config config) {
        // not trimmed: the name is the service property as configured, which [agent] provider selects
        String name = config.provider_name() == null ? "" : config.provider_name();
        String baseUrl = trim(config.base_url());
        String problem = "";
        URI root = null;
        try {
            root = apiRoot(baseUrl.isEmpty() ? DEFAULT_API_ROOT : baseUrl);
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        String preset = trim(config.preset()).toLowerCase(Locale.ROOT);
        if (!preset.isEmpty() && !preset.equals("anthropic") && !preset.equals("claude")) {
            problem = "unknown preset '" + preset + "' for the Anthropic provider (use anthropic or claude)";
        }
        String model = trim(config.model());
        return new Settings(
                name.isBlank() ? "anthropic" : name,
                root,
                problem,
                Credentials.apiKey(config._api_key()),
                model.isEmpty() ? DEFAULT_MODEL : model,
                Math.max(0, config.max_retries()),
                Duration.ofSeconds(config.timeout_secs() > 0 ? config.timeout_secs() : DEFAULT_TIMEOUT_SECS),
                config.stream(),
                config.max_tokens() > 0 ? config.max_tokens() : DEFAULT_MAX_TOKENS);
    }

    /** @return the endpoint under the API root, for example {@code messages} */
    URI endpoint(String path) {
        return URI.create(apiRoot + "/" + path);
    }

    /** @return {@code host:port} of the API root, for messages */
    String host() {
        if (apiRoot == null) {
            return "?";
        }
        return apiRoot.getPort() == -1 ? apiRoot.getHost() : apiRoot.getHost() + ":" + apiRoot.getPort();
    }

    private static URI apiRoot(String url) {
        String stripped = url;
        while (stripped.endsWith("/")) {
            stripped = stripped.substring(0, stripped.length() - 1);
        }
        URI uri;
        try {
            uri = new URI(stripped);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("base_url '" + url + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if ((!scheme.equals("http") && !scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException(
                    "base_url '" + url + "' is not an http(s) URL such as " + DEFAULT_API_ROOT);
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("base_url '" + url + "' must not have a query or fragment");
        }
        return uri;
    }

    private static String trim(String value) {
        return value == null ? "" : value.strip();
    }
}
