package org.openpista.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.auth.AuthMode;

/** Provider declarations as the capabilities carry them: from bnd's typed attributes or a hand-written manifest. */
class DeclaredProvidersTest {

    @Test
    void attributesBecomeProvidersWithTheirLoginAndKeyVariables() {
        List<DeclaredProviders.Provider> providers = DeclaredProviders.of(List.of(
                Map.of("name", "openai", "key.variables", List.of("OPENAI_API_KEY")),
                Map.of("name", "responses", "login", "openai", "key.variables", "OPENAI_API_KEY"),
                Map.of("name", "claude", "login", "anthropic", "key.variables", new String[] {"ANTHROPIC_API_KEY"}),
                Map.of("name", "echo", "needs", "nothing"),
                Map.of("name", "gateway", "needs", "endpoint", "key.variables", "GW_KEY, GW_TOKEN"),
                Map.of("description", "no name: not a provider")));

        assertThat(providers).extracting(DeclaredProviders.Provider::name)
                .containsExactly("openai", "responses", "claude", "echo", "gateway");
        assertThat(providers.get(1).login()).isEqualTo("openai");
        assertThat(providers.get(3).login()).isEqualTo("echo");
        assertThat(providers.get(3).mode()).isEqualTo(AuthMode.NONE);
        assertThat(providers.get(4).mode()).isEqualTo(AuthMode.ENDPOINT_AND_KEY);
        assertThat(providers.get(4).keyVariables()).containsExactly("GW_KEY", "GW_TOKEN");
        assertThat(DeclaredProviders.keyVariables(providers, "openai"))
                .containsExactly("OPENPISTA_API_KEY", "openpista_API_KEY", "OPENAI_API_KEY");
        assertThat(DeclaredProviders.keyVariables(providers, "anthropic")).endsWith("ANTHROPIC_API_KEY");
        assertThat(DeclaredProviders.keyVariables(providers, "echo")).as("it needs no key").isEmpty();
        assertThat(DeclaredProviders.keyVariables(providers, "together")).as("nobody declares it").isEmpty();
    }

    @Test
    void aPluginsProviderGetsALoginOfItsOwnAndBuiltInOnesKeepTheirs() {
        List<DeclaredProviders.Provider> providers = DeclaredProviders.of(List.of(
                Map.of("name", "echo", "key.variables", "ECHO_KEY"), Map.of("name", "claude", "login", "anthropic")));

        assertThat(Catalog.entries(providers)).extracting(Catalog.Entry::name).endsWith("ollama", "echo")
                .containsOnlyOnce("anthropic");
        assertThat(Catalog.find("echo", providers)).hasValueSatisfying(entry -> {
            assertThat(entry.mode()).isEqualTo(AuthMode.API_KEY);
            assertThat(entry.oauth()).isEqualTo(Catalog.OAuthKind.NONE);
        });
        assertThat(Catalog.find("echo", List.of())).isEmpty();
    }
}
