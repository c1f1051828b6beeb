package org.openpista.api.auth;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Logins for every provider openpista knows, for the command line ({@code openpista auth}) and the
 * channels (the web UI's {@code provider_auth_request} and {@code provider_login} frames). Results
 * are written to {@code $OPENPISTA_HOME/credentials.toml} (mode 600, atomically) and used by the
 * providers from their next request on.
 */
@ProviderType
public interface AuthService {

    /**
     * @return every known provider with its login state, in the order login pickers show them
     * @throws AuthException when the credentials file cannot be used (for example it can be read by
     *     others); the message says how to fix it
     */
    List<ProviderAuthStatus> providers() throws AuthException;

    /**
     * Starts an OAuth login.
     *
     * @param provider a provider whose {@link AuthMode} is {@link AuthMode#OAUTH}
     * @return the flow in progress
     * @throws AuthException for an unknown provider, one without OAuth, or when the flow cannot
     *     start (for example the loopback port is taken)
     */
    LoginFlow startLogin(String provider) throws AuthException;

    /**
     * Stores an API key (and for {@link AuthMode#ENDPOINT_AND_KEY} providers an endpoint),
     * replacing an earlier login of that provider.
     *
     * @param provider the provider
     * @param apiKey the key, not blank
     * @param endpoint the endpoint (URL, or for AWS Bedrock a region), or empty
     * @return the provider's new state
     * @throws AuthException for an unknown provider, a blank key, a missing or malformed endpoint,
     *     or when the file cannot be written
     */
    ProviderAuthStatus saveApiKey(String provider, String apiKey, String endpoint) throws AuthException;

    /**
     * Removes a stored login.
     *
     * @param provider the provider
     * @return whether one was stored
     * @throws AuthException when the file cannot be read or written
     */
    boolean logout(String provider) throws AuthException;
}
