package org.openpista.provider.openai.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.openpista.api.auth.Credential;
import org.openpista.api.llm.ProviderException;

/**
 * One provider instance's configuration with the preset's defaults filled in. Building it never
 * fails, so the component registers even when something is missing; {@link #requireUsable()} says
 * what is missing when a request is made. A request without configured key runs on a copy that
 * carries the stored login ({@link #withLogin(Credential)}).
 *
 * @param name the instance name, the {@code provider.name} the service is published with; empty
 *     means the preset's name
 * @param presetName the preset as configured, lower case; empty means the instance name
 * @param baseUrl the API root including {@code /v1} (Azure: the resource endpoint), without
 *     trailing slash; empty when unknown
 * @param apiKey the API key, empty when none
 * @param model the model used when a request names none (Azure: the deployment); may be empty
 * @param maxRetries how often 429 and 5xx answers are retried
 * @param timeout how long to wait for an answer (and, when streaming, between two chunks)
 * @param stream whether answers are streamed
 * @param baseUrlConfigured whether {@code base_url} was configured, so it wins over a login's endpoint
 * @param apiVersion Azure's {@code api-version}
 * @param region the AWS region (Bedrock)
 * @param login the stored login the key comes from, empty when it was configured
 */
record Settings(
        String name, String presetName, String baseUrl, String apiKey, String model, int maxRetries, Duration timeout,
        boolean stream, boolean baseUrlConfigured, String apiVersion, String region, String login) {

    /** Azure's {@code api-version} when none is configured: the current generally available one. */
    static final String AZURE_API_VERSION = "2024-10-21";

    /** Headers GitHub's Copilot API expects from an editor integration. */
    private static final Map<String, String> COPILOT_HEADERS = Map.of(
            "Copilot-Integration-Id", "vscode-chat",
            "Editor-Version", "vscode/1.99.3",
            "Editor-Plugin-Version", "copilot-chat/0.26.7",
            "Openai-Intent", "conversation-panel");

    Settings {
        // not stripped: the name is the service property as configured, which [agent] provider selects
        name = name == null ? "" : name;
        presetName = presetName == null || presetName.isBlank() ? name : presetName;
        presetName = presetName.isBlank() ? Preset.OPENAI.id : presetName.strip().toLowerCase(Locale.ROOT);
        apiKey = apiKey == null ? "" : apiKey.strip();
        model = model == null ? "" : model.strip();
        maxRetries = Math.max(0, maxRetries);
        timeout = timeout == null || timeout.isNegative() || timeout.isZero() ? Duration.ofSeconds(120) : timeout;
        apiVersion = apiVersion == null || apiVersion.isBlank() ? AZURE_API_VERSION : apiVersion.strip();
        region = region == null ? "" : region.strip().toLowerCase(Locale.ROOT);
        login = login == null ? "" : login;
        Preset preset = Preset.find(presetName).orElse(null);
        if (name.isEmpty()) {
            name = presetName;
        }
        baseUrl = baseUrl == null ? "" : baseUrl.strip();
        if (baseUrl.isEmpty() && preset != null) {
            baseUrl = preset == Preset.BEDROCK && !region.isEmpty()
                    ? "https://bedrock-runtime." + region + ".amazonaws.com/openai/v1"
                    : preset.baseUrl;
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

    /** Settings without Azure, Bedrock or login specifics; a non-blank base URL counts as configured. */
    Settings(String name, String presetName, String baseUrl, String apiKey, String model, int maxRetries, Duration timeout,
            boolean stream) {
        this(name, presetName, baseUrl, apiKey, model, maxRetries, timeout, stream, baseUrl != null && !baseUrl.isBlank(), "",
                "", "");
    }

    /** @return settings from a component configuration */
    static Settings of(OpenAiProviderComponent.Config config) {
        return new Settings(
                config.provider_name(),
                config.preset(),
                config.base_url(),
                config._api_key(),
                config.model(),
                config.max_retries(),
                Duration.ofSeconds(Math.max(1, config.timeout_secs())),
                config.stream(),
                !config.base_url().isBlank(),
                config.api_version(),
                config.region(),
                "");
    }

    /**
     * @return a copy that authenticates with a stored login: its secret as key, its endpoint and
     *     region unless the configuration names its own
     */
    Settings withLogin(Credential credential) {
        // an empty endpoint is filled from the preset (and, for Bedrock, the region) by the constructor
        String endpoint = baseUrlConfigured ? baseUrl : credential.endpoint();
        String loginRegion = region.isEmpty() ? credential.attribute(Credential.REGION) : region;
        return new Settings(name, presetName, endpoint, credential.secret(), model, maxRetries, timeout, stream, baseUrlConfigured,
                apiVersion, loginRegion, credential.provider());
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
        if (!login.isEmpty()) {
            return "the stored " + login + " login (log in again: openpista auth login " + login + ")";
        }
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

    /** @return where chat requests for this model go (Azure: the model's deployment, with {@code api-version}) */
    URI chatUri(String model) {
        String root = baseUrl;
        if (preset() == Preset.AZURE && !baseUrl.contains("/openai/deployments/")) {
            root = baseUrl + "/openai/deployments/" + URLEncoder.encode(model, StandardCharsets.UTF_8);
        }
        return URI.create(root + "/chat/completions" + query());
    }

    /** @return where the model listing is (Azure lists under {@code /openai}) */
    URI modelsUri() {
        String root = baseUrl;
        if (preset() == Preset.AZURE) {
            int deployments = baseUrl.indexOf("/openai/deployments/");
            root = (deployments < 0 ? baseUrl : baseUrl.substring(0, deployments)) + "/openai";
        }
        return URI.create(root + "/models" + query());
    }

    /** @return the key sent as {@code Authorization: Bearer}, or {@code null} when none is (no key, or Azure's own header) */
    String bearerKey() {
        return apiKey.isEmpty() || preset() == Preset.AZURE ? null : apiKey;
    }

    /** @return the headers every request carries: the key (as bearer token, or Azure's {@code api-key}) and Copilot's */
    Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        Preset preset = preset();
        if (bearerKey() != null) {
            headers.put("authorization", "Bearer " + apiKey);
        }
        if (preset == Preset.GITHUB_COPILOT) {
            headers.putAll(COPILOT_HEADERS);
        } else if (preset == Preset.AZURE && !apiKey.isEmpty()) {
            headers.put("api-key", apiKey);
        }
        return headers;
    }

    /** @return the query every request carries: Azure's {@code api-version}, else nothing */
    private String query() {
        return preset() == Preset.AZURE ? "?api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8) : "";
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
            throw notConfigured(switch (preset) {
                case AZURE -> "Azure OpenAI needs its endpoint: run openpista auth login azure-openai (endpoint and key), or set"
                        + " base_url under [providers.azure-openai] to https://NAME.openai.azure.com";
                case BEDROCK -> "AWS Bedrock needs a region: run openpista auth login bedrock (region and API key), or set"
                        + " region under [providers.bedrock]";
                default -> "Provider '" + name + "' (" + preset.id + ") has no endpoint: set [agent] base_url to"
                        + " the API root including /v1, for example http://localhost:8000/v1, or run openpista auth login "
                        + preset.id;
            });
        }
        URI uri = uri();
        if (uri == null || uri.getHost() == null
                || !("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))) {
            throw notConfigured("Provider '" + name + "': base_url '" + baseUrl + "' is not an http(s) URL: set"
                    + " [agent] base_url to the API root including /v1, for example https://api.openai.com/v1");
        }
        if (apiKey.isEmpty() && preset.needsKey()) {
            throw notConfigured(preset.keyVariable.isEmpty()
                    ? "No login for " + preset.displayName + ": run openpista auth login " + preset.id
                    : "No API key for " + preset.displayName + ": set " + preset.keyVariable
                            + " (or OPENPISTA_API_KEY) or [agent] api_key, or run openpista auth login " + preset.id);
        }
    }

    /** @return the model for a request that names {@code requested} (may be empty) */
    String modelFor(String requested) throws ProviderException {
        String chosen = requested == null || requested.isBlank() ? model : requested.strip();
        if (chosen.isEmpty()) {
            throw notConfigured(preset() == Preset.AZURE
                    ? "Provider '" + name + "' (azure-openai) has no deployment: set [agent] model to the deployment name"
                    : "Provider '" + name + "' (" + presetName + ") has no default model: set [agent] model");
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
                + (apiKey.isEmpty() ? "none" : login.isEmpty() ? "set" : "from login " + login) + ", model=" + model
                + ", maxRetries=" + maxRetries + ", timeout=" + timeout + ", stream=" + stream + "]";
    }
}
