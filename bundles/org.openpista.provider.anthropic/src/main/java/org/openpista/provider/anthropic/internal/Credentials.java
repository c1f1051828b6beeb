package org.openpista.provider.anthropic.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How requests prove who sends them, and the one place that builds the headers every request
 * carries: an API key in {@code x-api-key}, or, for an OAuth login (Claude subscription, {@code
 * openpista auth login anthropic}), {@code Authorization: Bearer} with the {@code
 * oauth-2025-04-20} beta and no {@code x-api-key} at all.
 */
final class Credentials {

    /** The API version every request names; the Messages API refuses requests without it. */
    static final String API_VERSION = "2023-06-01";

    /** The beta flag that lets the Messages API accept OAuth access tokens. */
    static final String OAUTH_BETA = "oauth-2025-04-20";

    private final String secret;
    private final boolean oauth;

    private Credentials(String secret, boolean oauth) {
        this.secret = secret == null ? "" : secret.strip();
        this.oauth = oauth;
    }

    /** @return credentials sending an API key ({@code sk-ant-...}) */
    static Credentials apiKey(String key) {
        return new Credentials(key, false);
    }

    /** @return credentials sending an OAuth access token as bearer */
    static Credentials oauthToken(String token) {
        return new Credentials(token, true);
    }

    /** @return whether this is an OAuth access token rather than an API key */
    boolean isOauth() {
        return oauth;
    }

    /** @return whether there is nothing to authenticate with */
    boolean isMissing() {
        return secret.isEmpty();
    }

    /** @return the headers of every request: authentication and API version */
    Map<String, String> headers() {
        Map<String, String> headers = new LinkedHashMap<>();
        if (oauth) {
            headers.put("authorization", "Bearer " + secret);
            headers.put("anthropic-beta", OAUTH_BETA);
        } else {
            headers.put("x-api-key", secret);
        }
        headers.put("anthropic-version", API_VERSION);
        return headers;
    }

    /** @return the key or token, for blotting it out of messages; never log it */
    String secret() {
        return secret;
    }

    @Override
    public String toString() {
        return oauth ? "Credentials[oauth token]" : "Credentials[api key]";
    }
}
