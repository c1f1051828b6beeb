package org.openpista.provider.support;

import java.util.Optional;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.CredentialStore;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

/**
 * How a provider without a configured key finds the stored login it uses instead, asked afresh for
 * every request so that a login made or refreshed while the daemon runs is used from the next
 * request on.
 */
public final class StoredLogins {

    private StoredLogins() {}

    /**
     * @param store the stored logins, or {@code null} when the auth bundle is absent
     * @param login the login's name, for example {@code openai}
     * @return the login's current credential; empty when there is none or it has no secret
     * @throws ProviderException {@code AUTHENTICATION} with the store's own message when the
     *     credentials file cannot be used or the login could not be refreshed
     */
    public static Optional<Credential> current(CredentialStore store, String login) throws ProviderException {
        if (store == null) {
            return Optional.empty();
        }
        try {
            return store.credential(login).filter(found -> !found.secret().isEmpty());
        } catch (AuthException e) {
            throw new ProviderException(Kind.AUTHENTICATION, 0, e.getMessage(), null);
        }
    }
}
