package org.openpista.api.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * The credential a provider sends for one login, as it is valid now. {@link #toString()} never
 * shows the secret.
 *
 * @param provider the login's name, for example {@code openai}, {@code anthropic}, {@code
 *     github-copilot}
 * @param method how it was obtained
 * @param secret what goes on the wire: an API key, or an OAuth access token
 * @param accountId the vendor's account id that requests must name, for example the ChatGPT
 *     account id sent as {@code chatgpt-account-id}; empty when none
 * @param account who is logged in, for people (an e-mail or user name); empty when unknown
 * @param endpoint the API root this credential belongs to, used when the configuration names none
 *     (for example the Azure resource, or the API host a Copilot token names); empty for the
 *     provider's default
 * @param expiresAt when the secret stops working, or {@code null} when it does not expire
 * @param attributes further facts about the login that are not secret, keys such as {@link
 *     #PROTOCOL} and {@link #REGION}
 */
public record Credential(
        String provider,
        AuthMethod method,
        String secret,
        String accountId,
        String account,
        String endpoint,
        Instant expiresAt,
        Map<String, String> attributes) {

    /**
     * Attribute: the only wire protocol the secret works with, when it is not every protocol of the
     * vendor. {@code responses} marks a ChatGPT subscription login without an API key.
     */
    public static final String PROTOCOL = "protocol";

    /** Attribute: the cloud region, for example {@code us-east-1} (AWS Bedrock). */
    public static final String REGION = "region";

    public Credential {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(method, "method");
        secret = secret == null ? "" : secret;
        accountId = accountId == null ? "" : accountId;
        account = account == null ? "" : account;
        endpoint = endpoint == null ? "" : endpoint;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    /** @return an API key credential without endpoint, account or expiry */
    public static Credential apiKey(String provider, String key) {
        return new Credential(provider, AuthMethod.API_KEY, key, "", "", "", null, Map.of());
    }

    /**
     * @param now the current time
     * @param margin how long before the expiry it already counts as expiring
     * @return whether the secret expires within {@code margin} of {@code now} (never when it has no
     *     expiry)
     */
    public boolean expiresWithin(Duration margin, Instant now) {
        return expiresAt != null && !now.plus(margin).isBefore(expiresAt);
    }

    /** @return the attribute's value, or empty */
    public String attribute(String name) {
        return attributes.getOrDefault(name, "");
    }

    @Override
    public String toString() {
        // never the secret
        return "Credential[" + provider + ", " + method.wireName() + (account.isEmpty() ? "" : ", " + account)
                + (expiresAt == null ? "" : ", expires " + expiresAt) + "]";
    }
}
