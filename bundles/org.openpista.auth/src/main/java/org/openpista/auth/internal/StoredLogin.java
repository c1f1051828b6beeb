package org.openpista.auth.internal;

import java.time.Instant;
import org.openpista.api.auth.AuthMethod;

/**
 * One table of {@code credentials.toml}: everything a login keeps, secrets included. {@link
 * #toString()} never shows a secret.
 *
 * <p>The keys follow the original openpista ({@code access_token}, {@code refresh_token}, {@code
 * id_token}, {@code expires_at}, {@code endpoint}), so its files load unchanged; {@code method},
 * {@code api_key}, {@code account}, {@code account_id} are ours.
 *
 * @param method how it was obtained
 * @param apiKey a key (typed in, or exchanged from an OAuth login); empty when none
 * @param accessToken the OAuth access token (for GitHub Copilot: the Copilot token); empty when none
 * @param refreshToken what renews the access token (for GitHub Copilot: the GitHub token); empty
 *     when none
 * @param idToken the OpenID id_token (OpenAI), needed to exchange for a key again; empty when none
 * @param expiresAt when the access token expires, or {@code null}
 * @param account who is logged in, for people
 * @param accountId the vendor's account id (ChatGPT account id)
 * @param endpoint the API root (Azure resource, Bedrock region, Copilot API host); empty for the
 *     default
 */
record StoredLogin(
        AuthMethod method,
        String apiKey,
        String accessToken,
        String refreshToken,
        String idToken,
        Instant expiresAt,
        String account,
        String accountId,
        String endpoint) {

    StoredLogin {
        apiKey = apiKey == null ? "" : apiKey;
        accessToken = accessToken == null ? "" : accessToken;
        refreshToken = refreshToken == null ? "" : refreshToken;
        idToken = idToken == null ? "" : idToken;
        account = account == null ? "" : account;
        accountId = accountId == null ? "" : accountId;
        endpoint = endpoint == null ? "" : endpoint;
    }

    /** @return a typed-in key, with an endpoint for endpoint-and-key providers */
    static StoredLogin key(String apiKey, String endpoint) {
        return new StoredLogin(AuthMethod.API_KEY, apiKey, "", "", "", null, "", "", endpoint);
    }

    /** @return whether it holds anything to authenticate with */
    boolean usable() {
        return !apiKey.isEmpty() || !accessToken.isEmpty();
    }

    /** @return a copy with new tokens (empty arguments keep the old value) and expiry */
    StoredLogin renewed(String newAccessToken, String newRefreshToken, String newIdToken, Instant newExpiry) {
        return new StoredLogin(method, apiKey, newAccessToken.isEmpty() ? accessToken : newAccessToken,
                newRefreshToken.isEmpty() ? refreshToken : newRefreshToken, newIdToken.isEmpty() ? idToken : newIdToken,
                newExpiry, account, accountId, endpoint);
    }

    /** @return a copy with another endpoint */
    StoredLogin withEndpoint(String newEndpoint) {
        return new StoredLogin(method, apiKey, accessToken, refreshToken, idToken, expiresAt, account, accountId, newEndpoint);
    }

    @Override
    public String toString() {
        return "StoredLogin[" + method.wireName() + ", key " + (apiKey.isEmpty() ? "none" : "set") + ", token "
                + (accessToken.isEmpty() ? "none" : "set") + ", expires " + expiresAt + "]";
    }
}
