package org.openpista.auth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;
import org.openpista.api.auth.AuthMode;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.ProviderAuthStatus;

class LoginsTest {

    static final Instant START = Instant.parse("2030-01-01T12:00:00Z");

    @TempDir
    Path home;

    final MutableClock clock = new MutableClock(START);
    final AtomicInteger refreshes = new AtomicInteger();

    /** Renews by appending the refresh count, for one more hour. */
    StoredLogin renew(String name, StoredLogin login) {
        int n = refreshes.incrementAndGet();
        return login.renewed("at-" + n, "rt-" + n, "", clock.instant().plus(Duration.ofHours(1)));
    }

    Logins logins(Logins.Refresher refresher) {
        return new Logins(new CredentialFile(home.resolve("credentials.toml")), refresher, clock, name -> null, List::of,
                name -> Endpoints.defaults(name));
    }

    StoredLogin oauth(String access, Instant expires) {
        return new StoredLogin(AuthMethod.OAUTH, "", access, "rt-0", "", expires, "ada@example.test", "acct-1", "");
    }

    @Test
    void aTokenIsRefreshedOnlyOnceItExpiresWithinFiveMinutes() throws Exception {
        Logins logins = logins(this::renew);
        logins.save("anthropic", oauth("at-0", START.plus(Duration.ofMinutes(10))));

        Credential early = logins.credential("anthropic").orElseThrow();
        clock.advance(Duration.ofMinutes(4).plusSeconds(59));
        Credential stillEarly = logins.credential("claude").orElseThrow();
        clock.advance(Duration.ofSeconds(1));
        Credential due = logins.credential("anthropic").orElseThrow();

        assertThat(early.secret()).isEqualTo("at-0");
        assertThat(stillEarly.secret()).isEqualTo("at-0");
        assertThat(due.secret()).isEqualTo("at-1");
        assertThat(due.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)));
        assertThat(refreshes).hasValue(1);
        assertThat(logins.file().read().get("anthropic").refreshToken()).as("stored for the next process").isEqualTo("rt-1");
    }

    @Test
    void theBackgroundCheckRefreshesDueLoginsWithoutAnyRequest() throws Exception {
        Logins logins = logins(this::renew);
        logins.save("anthropic", oauth("at-0", START.plus(Duration.ofMinutes(30))));
        logins.save("together", StoredLogin.key("tk-123456", ""));

        logins.refreshDue();
        clock.advance(Duration.ofMinutes(26));
        logins.refreshDue();

        assertThat(refreshes).hasValue(1);
        assertThat(logins.file().read().get("anthropic").accessToken()).isEqualTo("at-1");
    }

    @Test
    void asecondProcessUsesWhatTheFirstRefreshedInsteadOfSpendingTheRefreshTokenAgain() throws Exception {
        Logins first = logins(this::renew);
        Logins second = logins((name, login) -> {
            throw new AssertionError("the refresh token must not be used twice (got " + login.refreshToken() + ")");
        });
        first.save("anthropic", oauth("at-0", START.plus(Duration.ofMinutes(3))));

        first.credential("anthropic");
        Credential seen = second.credential("anthropic").orElseThrow();

        assertThat(seen.secret()).isEqualTo("at-1");
    }

    @Test
    void aFailedRefreshOfATokenThatStillWorksHandsItOut() throws Exception {
        Logins logins = logins((name, login) -> {
            throw new AuthException("HTTP 400 (invalid_grant)");
        });
        logins.save("anthropic", oauth("at-0", START.plus(Duration.ofMinutes(2))));

        assertThat(logins.credential("anthropic").orElseThrow().secret()).isEqualTo("at-0");
    }

    @Test
    void aFailedRefreshOfAnExpiredTokenTellsTheUserToLogInAgain() throws Exception {
        Logins logins = logins((name, login) -> {
            throw new AuthException("the Anthropic token refresh failed: HTTP 400 (invalid_grant)");
        });
        logins.save("anthropic", oauth("at-0-secret-token", START.minusSeconds(1)));

        assertThatThrownBy(() -> logins.credential("anthropic"))
                .isInstanceOf(AuthException.class)
                .hasMessageContaining("invalid_grant")
                .hasMessageContaining("openpista auth login anthropic")
                .hasMessageNotContaining("at-0-secret-token");
    }

    @Test
    void keysAndExchangedKeysAreNeverRefreshed() throws Exception {
        Logins logins = logins(this::renew);
        logins.save("openai", new StoredLogin(AuthMethod.OAUTH, "sk-exchanged-123", "at-0", "rt-0", "id", START.minusSeconds(60),
                "", "acct-1", ""));

        Credential credential = logins.credential("openai").orElseThrow();

        assertThat(credential.secret()).isEqualTo("sk-exchanged-123");
        assertThat(credential.expiresAt()).isNull();
        assertThat(credential.attribute(Credential.PROTOCOL)).isEmpty();
        assertThat(refreshes).hasValue(0);
    }

    @Test
    void aChatGptLoginWithoutKeyIsMarkedForTheResponsesApiAndItsBackend() throws Exception {
        Logins logins = logins(this::renew);
        logins.save("openai", oauth("at-0", START.plus(Duration.ofHours(1))));

        Credential credential = logins.credential("responses").orElseThrow();

        assertThat(credential.attribute(Credential.PROTOCOL)).isEqualTo("responses");
        assertThat(credential.endpoint()).isEqualTo("https://chatgpt.com/backend-api/codex");
        assertThat(credential.accountId()).isEqualTo("acct-1");
        assertThat(credential.toString()).doesNotContain("at-0");
    }

    @Test
    void aBedrockRegionBecomesAnAttribute() throws Exception {
        Logins logins = logins(this::renew);
        logins.save("bedrock", StoredLogin.key("bedrock-key-123", "eu-central-1"));

        Credential credential = logins.credential("bedrock").orElseThrow();

        assertThat(credential.attribute(Credential.REGION)).isEqualTo("eu-central-1");
        assertThat(credential.endpoint()).isEmpty();
    }

    @Test
    void statusesListEveryProviderWithoutSecrets() throws Exception {
        List<DeclaredProviders.Provider> declared = List.of(
                new DeclaredProviders.Provider("together", "", List.of("TOGETHER_API_KEY"), "key"),
                new DeclaredProviders.Provider("echo", "", List.of("ECHO_KEY"), "key"));
        Logins logins = new Logins(new CredentialFile(home.resolve("credentials.toml")), this::renew, clock,
                name -> name.equals("TOGETHER_API_KEY") ? "tk-env-999999" : null, () -> declared, Endpoints::defaults);
        logins.save("anthropic", oauth("at-secret-0", START.plus(Duration.ofHours(1))));

        Map<String, ProviderAuthStatus> statuses = new java.util.LinkedHashMap<>();
        logins.statuses().forEach(status -> statuses.put(status.name(), status));

        assertThat(statuses.keySet()).startsWith("openai", "anthropic", "openrouter", "github-copilot").contains("ollama");
        assertThat(statuses.get("anthropic").authenticated()).isTrue();
        assertThat(statuses.get("anthropic").source()).isEqualTo("credentials.toml");
        assertThat(statuses.get("anthropic").account()).isEqualTo("ada@example.test");
        assertThat(statuses.get("together").source()).isEqualTo("TOGETHER_API_KEY");
        assertThat(statuses.get("openai").authenticated()).isFalse();
        assertThat(statuses.get("ollama").authenticated()).isTrue();
        assertThat(statuses.get("echo").authMode()).as("a plugin's provider gets a key login").isEqualTo(AuthMode.API_KEY);
        assertThat(statuses.get("google").source()).as("no installed bundle names its variable").isEmpty();
        assertThat(statuses.toString()).doesNotContain("at-secret-0").doesNotContain("tk-env-999999");
    }

    @Test
    void removeForgetsALogin() throws Exception {
        Logins logins = logins(this::renew);
        logins.save("together", StoredLogin.key("tk-123456", ""));

        assertThat(logins.remove("together")).isTrue();
        assertThat(logins.remove("together")).isFalse();
        assertThat(logins.credential("together")).isEmpty();
    }
}
