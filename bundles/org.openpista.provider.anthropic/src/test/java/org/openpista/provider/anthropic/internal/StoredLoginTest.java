package org.openpista.provider.anthropic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.CredentialStore;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.api.llm.StreamListener;
import org.openpista.testkit.FakeAnthropicServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.RecordedRequest;

/** Without a configured key the provider takes the stored Anthropic login, per request. */
class StoredLoginTest {

    private final FakeAnthropicServer server = new FakeAnthropicServer();
    private final AtomicReference<Credential> stored = new AtomicReference<>();
    private final CredentialStore store = provider -> provider.equals("anthropic") ? Optional.ofNullable(stored.get()) : Optional.empty();

    @AfterEach
    void stop() {
        server.close();
    }

    private AnthropicProvider provider(CredentialStore logins) {
        Settings settings = Settings.from(TestConfigs.config(Map.of("base_url", server.baseUrl().toString())));
        return new AnthropicProvider(settings, Duration.ofMillis(1), Duration.ofMillis(20), () -> logins);
    }

    private static ChatRequest ask(String text) {
        return new ChatRequest("", "", List.of(ChatMessage.user(text)), List.of(), 0, null);
    }

    private static Credential oauth(String token) {
        return new Credential("anthropic", AuthMethod.OAUTH, token, "", "ada@example.test", "", Instant.now().plusSeconds(3600),
                Map.of());
    }

    @Test
    void anOauthLoginGoesOutAsBearerWithTheOauthBetaAndNoApiKey() throws Exception {
        stored.set(oauth("sk-ant-oat01-access"));
        server.enqueue(FakeReply.text("ok"));

        provider(store).chat(ask("hi"), StreamListener.IGNORE);

        RecordedRequest request = server.lastRequest();
        assertThat(request.header("authorization")).isEqualTo("Bearer sk-ant-oat01-access");
        assertThat(request.header("anthropic-beta")).isEqualTo("oauth-2025-04-20");
        assertThat(request.header("x-api-key")).isNull();
    }

    @Test
    void eachRequestTakesTheLoginAsItIsNow() throws Exception {
        stored.set(oauth("token-before-refresh"));
        server.enqueue(FakeReply.text("one"), FakeReply.text("two"));
        AnthropicProvider provider = provider(store);

        provider.chat(ask("a"), StreamListener.IGNORE);
        stored.set(oauth("token-after-refresh"));
        provider.chat(ask("b"), StreamListener.IGNORE);

        assertThat(server.requests()).extracting(request -> request.header("authorization"))
                .containsExactly("Bearer token-before-refresh", "Bearer token-after-refresh");
    }

    @Test
    void aStoredKeyGoesOutAsApiKey() throws Exception {
        stored.set(Credential.apiKey("anthropic", "sk-ant-api03-stored"));
        server.enqueue(FakeReply.text("ok"));

        provider(store).chat(ask("hi"), StreamListener.IGNORE);

        assertThat(server.lastRequest().header("x-api-key")).isEqualTo("sk-ant-api03-stored");
        assertThat(server.lastRequest().header("anthropic-beta")).isNull();
    }

    @Test
    void aConfiguredKeyWinsOverTheLogin() throws Exception {
        stored.set(oauth("login-token"));
        server.enqueue(FakeReply.text("ok"));
        Settings settings = Settings.from(TestConfigs.config(Map.of("base_url", server.baseUrl().toString(), "_api_key", "sk-ant-conf")));

        new AnthropicProvider(settings, Duration.ofMillis(1), Duration.ofMillis(20), () -> store).chat(ask("hi"), StreamListener.IGNORE);

        assertThat(server.lastRequest().header("x-api-key")).isEqualTo("sk-ant-conf");
        assertThat(server.lastRequest().header("authorization")).isNull();
    }

    @Test
    void aRefusedTokenSaysToLogInAgainWithoutTheToken() {
        stored.set(oauth("sk-ant-oat01-revoked"));
        server.enqueue(FakeReply.error(401, "invalid bearer token"));

        assertThatThrownBy(() -> provider(store).chat(ask("hi"), StreamListener.IGNORE))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("openpista auth login anthropic")
                .hasMessageNotContaining("sk-ant-oat01-revoked");
    }

    @Test
    void anExpiredLoginIsAnAuthenticationFailureWithTheStoresMessage() {
        CredentialStore expired = provider -> {
            throw new AuthException("the anthropic login could not be refreshed: HTTP 400 (invalid_grant); log in again:"
                    + " openpista auth login anthropic");
        };

        assertThatThrownBy(() -> provider(expired).chat(ask("hi"), StreamListener.IGNORE))
                .hasMessageContaining("invalid_grant")
                .extracting(e -> ((ProviderException) e).kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void withoutKeyOrLoginItSaysBothWays() {
        assertThatThrownBy(() -> provider(null).chat(ask("hi"), StreamListener.IGNORE))
                .hasMessageContaining("ANTHROPIC_API_KEY")
                .hasMessageContaining("openpista auth login anthropic")
                .extracting(e -> ((ProviderException) e).kind()).isEqualTo(Kind.NOT_CONFIGURED);
    }
}
