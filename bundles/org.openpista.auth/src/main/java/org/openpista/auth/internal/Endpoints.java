package org.openpista.auth.internal;

import java.util.Map;

/**
 * Where one vendor's login endpoints are and which client openpista logs in as. Built-in defaults
 * are the vendors' public endpoints and the client ids of their own command-line tools (the same
 * the original openpista uses); every value can be overridden in {@code config.toml} under {@code
 * [auth.<provider>]}, which arrives as the property {@code <provider>.<key>} (for example {@code
 * [auth.openai] token_url} as {@code openai.token.url}). Tests point them at local fakes.
 *
 * @param authorizeUrl the authorization page
 * @param tokenUrl the token endpoint (also refresh and, for OpenAI, the key exchange; for GitHub
 *     the device token poll)
 * @param deviceUrl the device code endpoint (GitHub)
 * @param keyUrl the code → key endpoint (OpenRouter)
 * @param copilotTokenUrl the GitHub → Copilot token exchange
 * @param clientId the OAuth client id
 * @param scope the scopes asked for
 * @param redirectUri the redirect URI of a code-display flow (Anthropic)
 * @param callbackPort the loopback callback port: the one the vendor registered for the client
 *     (OpenAI: 1455), or 0 for any free port
 * @param apiUrl the API root a subscription token works against (OpenAI: the ChatGPT backend)
 */
record Endpoints(
        String authorizeUrl,
        String tokenUrl,
        String deviceUrl,
        String keyUrl,
        String copilotTokenUrl,
        String clientId,
        String scope,
        String redirectUri,
        int callbackPort,
        String apiUrl) {

    /** @return the defaults for a login, with the overrides from the {@code org.openpista.auth} properties */
    static Endpoints of(String provider, Map<String, ?> properties) {
        Endpoints defaults = defaults(provider);
        String prefix = provider + ".";
        return new Endpoints(
                text(properties, prefix + "authorize.url", defaults.authorizeUrl),
                text(properties, prefix + "token.url", defaults.tokenUrl),
                text(properties, prefix + "device.url", defaults.deviceUrl),
                text(properties, prefix + "key.url", defaults.keyUrl),
                text(properties, prefix + "copilot.token.url", defaults.copilotTokenUrl),
                text(properties, prefix + "client.id", defaults.clientId),
                text(properties, prefix + "scope", defaults.scope),
                text(properties, prefix + "redirect.uri", defaults.redirectUri),
                port(properties.get(prefix + "callback.port"), defaults.callbackPort),
                text(properties, prefix + "api.url", defaults.apiUrl));
    }

    static Endpoints defaults(String provider) {
        return switch (provider) {
            case "openai" -> new Endpoints("https://auth.openai.com/oauth/authorize", "https://auth.openai.com/oauth/token",
                    "", "", "", "app_EMoamEEZ73f0CkXaXp7hrann", "openid profile email offline_access", "", 1455,
                    "https://chatgpt.com/backend-api/codex");
            case "anthropic" -> new Endpoints("https://claude.ai/oauth/authorize", "https://console.anthropic.com/v1/oauth/token",
                    "", "", "", "9d1c250a-e61b-44d9-88ed-5944d1962f5e", "org:create_api_key user:profile user:inference",
                    "https://console.anthropic.com/oauth/code/callback", 0, "");
            case "openrouter" -> new Endpoints("https://openrouter.ai/auth", "", "", "https://openrouter.ai/api/v1/auth/keys", "",
                    "", "", "", 0, "");
            case "github-copilot" -> new Endpoints("", "https://github.com/login/oauth/access_token",
                    "https://github.com/login/device/code", "", "https://api.github.com/copilot_internal/v2/token",
                    "Iv1.b507a08c87ecfe98", "read:user", "", 0, "");
            default -> new Endpoints("", "", "", "", "", "", "", "", 0, "");
        };
    }

    private static String text(Map<String, ?> properties, String key, String fallback) {
        Object value = properties.get(key);
        return value == null || value.toString().isBlank() ? fallback : value.toString().strip();
    }

    private static int port(Object value, int fallback) {
        if (value == null || value.toString().isBlank()) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.toString().strip());
            return port >= 0 && port <= 65535 ? port : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
