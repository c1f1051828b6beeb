package org.openpista.api.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * One provider as the login screens show it: what it needs and whether it has it. Never holds a
 * secret.
 *
 * @param name the login's name, for example {@code openai}, {@code github-copilot}
 * @param displayName the vendor's name for people, for example {@code GitHub Copilot}
 * @param authMode what it needs
 * @param authenticated whether a credential is available (stored, or from the environment)
 * @param supportsRuntime whether openpista can send requests with it (some slots only store
 *     credentials)
 * @param method how the stored credential was obtained, or {@code null} when none is stored
 * @param account who is logged in, empty when unknown
 * @param expiresAt when the stored secret expires, or {@code null}
 * @param source where the credential comes from: {@code credentials.toml}, an environment
 *     variable's name, or empty when there is none
 */
public record ProviderAuthStatus(
        String name,
        String displayName,
        AuthMode authMode,
        boolean authenticated,
        boolean supportsRuntime,
        AuthMethod method,
        String account,
        Instant expiresAt,
        String source) {

    public ProviderAuthStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(authMode, "authMode");
        displayName = displayName == null || displayName.isEmpty() ? name : displayName;
        account = account == null ? "" : account;
        source = source == null ? "" : source;
    }
}
