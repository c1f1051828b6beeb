package org.openpista.api.auth;

import java.util.Locale;

/**
 * What a provider needs before it can be used. Wire names are those of the web protocol's {@code
 * provider_auth_status} frame.
 */
public enum AuthMode {
    /** A browser or device-code login; some of these providers accept an API key too. */
    OAUTH,
    /** An API key. */
    API_KEY,
    /** An endpoint (URL or region) and an API key, for example Azure OpenAI. */
    ENDPOINT_AND_KEY,
    /** Nothing, for example a local Ollama. */
    NONE;

    /** @return {@code oauth}, {@code api_key}, {@code endpoint_and_key} or {@code none} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
