package org.openpista.provider.responses.internal;

import java.time.Duration;
import java.util.Locale;

/**
 * One provider instance's configuration with defaults filled in.
 *
 * @param name the instance name ({@code provider.name})
 * @param baseUrl the configured API root without trailing slash; empty means the login's endpoint
 *     or {@value #DEFAULT_BASE_URL}
 * @param apiKey the configured key; empty means the stored OpenAI login
 * @param model the model used when a request names none
 * @param maxRetries how often 429 and 5xx answers are retried
 * @param timeout how long to wait for the answer to start, and then for each further piece
 * @param stream whether to ask for a server-sent event stream
 * @param reasoningEffort {@code minimal}, {@code low}, {@code medium}, {@code high}, or empty for
 *     the model's default
 */
record Settings(String name, String baseUrl, String apiKey, String model, int maxRetries, Duration timeout, boolean stream,
        String reasoningEffort) {

    /** The API root used when neither the configuration nor the login names one. */
    static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    /** The model used when none is configured. */
    static final String DEFAULT_MODEL = "gpt-5";

    Settings {
        // not stripped: the name is the service property as configured, which [agent] provider selects
        name = name == null || name.isBlank() ? "responses" : name;
        baseUrl = trimSlashes(baseUrl == null ? "" : baseUrl.strip());
        apiKey = apiKey == null ? "" : apiKey.strip();
        model = model == null || model.isBlank() ? DEFAULT_MODEL : model.strip();
        maxRetries = Math.max(0, maxRetries);
        timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? Duration.ofSeconds(120) : timeout;
        reasoningEffort = reasoningEffort == null ? "" : reasoningEffort.strip().toLowerCase(Locale.ROOT);
    }

    static Settings of(ResponsesProviderComponent.Config config) {
        return new Settings(config.provider_name(), config.base_url(), config._api_key(), config.model(), config.max_retries(),
                Duration.ofSeconds(Math.max(1, config.timeout_secs())), config.stream(), config.reasoning_effort());
    }

    /** @return whether a model reasons before it answers, and so sends reasoning items to carry along */
    static boolean reasons(String model) {
        String id = model.toLowerCase(Locale.ROOT);
        int slash = id.lastIndexOf('/');
        id = slash < 0 ? id : id.substring(slash + 1);
        return id.startsWith("o1") || id.startsWith("o3") || id.startsWith("o4") || id.startsWith("gpt-5")
                || id.startsWith("codex");
    }

    static String trimSlashes(String url) {
        String trimmed = url;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }

    @Override
    public String toString() {
        return "Settings[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey.isEmpty() ? "none" : "set") + ", model="
                + model + ", stream=" + stream + "]";
    }
}
