package org.openpista.api.auth;

import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The stored logins ({@code $OPENPISTA_HOME/credentials.toml}), as providers use them. OAuth
 * tokens are refreshed when they expire within five minutes, before they are handed out, and in
 * the background while the daemon runs; the refreshed tokens are written back at once.
 *
 * <p>Providers look a login up for every request, so a refreshed token or a new login is used
 * from the next request on. A key configured for the provider ({@code [agent] api_key} or its
 * environment variable) wins over a stored login.
 */
@ProviderType
public interface CredentialStore {

    /**
     * @param provider the login's name, for example {@code openai}, {@code anthropic}
     * @return the credential valid now, refreshed if it was about to expire; empty when there is
     *     no login of that name
     * @throws AuthException when the credentials file cannot be used (for example it can be read
     *     by others) or the login expired and could not be refreshed; the message says what to do
     */
    Optional<Credential> credential(String provider) throws AuthException;
}
