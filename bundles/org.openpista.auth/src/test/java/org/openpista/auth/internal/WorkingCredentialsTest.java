package org.openpista.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.auth.AuthMethod;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.ProviderAuthStatus;

/** Where the working credential comes from: the environment, then config.toml for the provider in use, then the stored login. */
class WorkingCredentialsTest {

    static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");

    final List<DeclaredProviders.Provider> declared = DeclaredProviders.of(List.of(
            Map.of("name", "openai", "key.variables", "OPENAI_API_KEY"),
            Map.of("name", "responses", "login", "openai", "key.variables", "OPENAI_API_KEY"),
            Map.of("name", "anthropic", "key.variables", "ANTHROPIC_API_KEY"),
            Map.of("name", "google", "key.variables", "GOOGLE_API_KEY"),
            Map.of("name", "together", "key.variables", "TOGETHER_API_KEY"),
            Map.of("name", "ollama", "needs", "nothing")));

    static ProviderAuthStatus none(String name, AuthMode mode) {
        return new ProviderAuthStatus(name, name, mode, mode == AuthMode.NONE, true, null, "", null, "");
    }

    static ProviderAuthStatus stored(String name, AuthMethod method, String account, Instant expires) {
        return new ProviderAuthStatus(name, name, AuthMode.OAUTH, true, true, method, account, expires, "credentials.toml");
    }

    final List<ProviderAuthStatus> statuses = List.of(
            stored("openai", AuthMethod.OAUTH, "ada@example.test", NOW.plus(Duration.ofHours(3))),
            none("anthropic", AuthMode.OAUTH),
            stored("google", AuthMethod.API_KEY, "", null),
            stored("together", AuthMethod.API_KEY, "", null),
            none("ollama", AuthMode.NONE));

    static Map<String, String> rows(String table) {
        Map<String, String> rows = new java.util.LinkedHashMap<>();
        table.lines().forEach(line -> rows.put(line.split(" +")[0], line));
        return rows;
    }

    @Test
    void aKeyInConfigTomlForTheProviderInUseIsShownAsSuch() {
        WorkingCredentials working = new WorkingCredentials(name -> null, declared, "anthropic", true);

        Map<String, String> rows = rows(working.table(statuses, NOW));

        assertThat(rows.get("anthropic")).matches("anthropic +api_key +- +never +config.toml");
        assertThat(rows.get("openai")).matches("openai +oauth +ada@example.test +2030-01-01 15:00 UTC \\(in 3 h\\) +credentials.toml");
        assertThat(rows.get("together")).matches("together +api_key +- +never +credentials.toml");
        assertThat(rows.get("ollama")).matches("ollama +none needed +- +- +-");
        assertThat(rows.get("PROVIDER")).matches("PROVIDER +METHOD +ACCOUNT +EXPIRES +SOURCE");
        assertThat(working.notes(statuses)).isEmpty();
    }

    @Test
    void aProviderInUseWithoutAKeyInItsConfigurationKeepsItsLogin() {
        WorkingCredentials working = new WorkingCredentials(name -> null, declared, "responses", false);

        assertThat(working.selectedLogin()).isEqualTo("openai");
        assertThat(working.of(statuses.get(0)).kind()).isEqualTo(WorkingCredentials.Kind.STORED);
        assertThat(rows(working.table(statuses, NOW)).get("anthropic")).matches("anthropic +not logged in +- +- +-");
    }

    @Test
    void theEnvironmentWinsOverTheFileAndTheStoredLoginAndTheShadowedLoginIsNamed() {
        Map<String, String> env = Map.of("GOOGLE_API_KEY", "AIza-env-1", "OPENAI_API_KEY", "sk-env-2");
        WorkingCredentials working = new WorkingCredentials(env::get, declared, "responses", true);

        Map<String, String> rows = rows(working.table(statuses, NOW));

        assertThat(rows.get("google")).matches("google +api_key +- +never +GOOGLE_API_KEY \\(environment\\)");
        assertThat(rows.get("openai")).contains("OPENAI_API_KEY (environment)");
        assertThat(working.notes(statuses)).containsExactly(
                "the stored openai login is not used while OPENAI_API_KEY is set; unset it to use the login",
                "the stored google login is not used while GOOGLE_API_KEY is set; unset it to use the login");
        assertThat(working.table(statuses, NOW) + working.notes(statuses)).doesNotContain("AIza-env-1", "sk-env-2");
    }

    @Test
    void openpistaApiKeyIsEveryKeyProvidersKeyButNotOllamas() {
        WorkingCredentials working = new WorkingCredentials(Map.of("openpista_API_KEY", "k-1")::get, declared, "openai", true);

        Map<String, String> rows = rows(working.table(statuses, NOW));

        assertThat(rows.get("anthropic")).endsWith("openpista_API_KEY (environment)");
        assertThat(rows.get("ollama")).contains("none needed");
    }

    @Test
    void aStoredLoginShadowedByConfigTomlIsNamed() {
        WorkingCredentials working = new WorkingCredentials(name -> null, declared, "together", true);

        assertThat(working.notes(statuses)).containsExactly("the stored together login is not used while config.toml gives"
                + " provider together a key (api_key); remove it to use the login");
    }
}
