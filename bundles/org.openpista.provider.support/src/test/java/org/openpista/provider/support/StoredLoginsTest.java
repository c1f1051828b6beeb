package org.openpista.provider.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.CredentialStore;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

class StoredLoginsTest {

    private static Credential credential(String secret) {
        return new Credential("openai", AuthMethod.API_KEY, secret, "", "", "", null, Map.of());
    }

    @Test
    void findsTheLoginOfThatName() throws ProviderException {
        CredentialStore store = login -> login.equals("openai") ? Optional.of(credential("sk-1")) : Optional.empty();

        assertThat(StoredLogins.current(store, "openai")).map(Credential::secret).contains("sk-1");
        assertThat(StoredLogins.current(store, "anthropic")).isEmpty();
    }

    @Test
    void aLoginWithoutSecretOrWithoutAuthBundleIsNone() throws ProviderException {
        assertThat(StoredLogins.current(login -> Optional.of(credential("")), "openai")).isEmpty();
        assertThat(StoredLogins.current(null, "openai")).isEmpty();
    }

    @Test
    void aStoreThatCannotHelpIsAnAuthenticationFailureWithItsMessage() {
        CredentialStore broken = login -> {
            throw new AuthException("the openai login could not be refreshed; log in again: openpista auth login openai");
        };

        ProviderException e = catchThrowableOfType(ProviderException.class, () -> StoredLogins.current(broken, "openai"));

        assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(e.getMessage()).isEqualTo("the openai login could not be refreshed; log in again: openpista auth login openai");
    }
}
