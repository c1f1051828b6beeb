package org.openpista.api.auth;

import java.util.Locale;

/** How a stored credential was obtained. Wire names are lower case. */
public enum AuthMethod {
    /** A key the user entered ({@code openpista auth login} with a key, or the web UI's key field). */
    API_KEY,
    /** An OAuth login (browser, pasted code or device code); it may expire and be refreshed. */
    OAUTH;

    /** @return {@code api_key} or {@code oauth} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
