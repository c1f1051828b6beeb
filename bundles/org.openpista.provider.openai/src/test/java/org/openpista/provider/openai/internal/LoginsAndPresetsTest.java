package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.CredentialStore;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.provider.support.Retrier;
import org.openpista.testkit.FakeAzureOpenAiServer;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.RecordedRequest;

/** Stored logins standing in for configured keys, and the presets beyond plain OpenAI. */
class LoginsAndPresetsTest {

    final FakeOpenAiServer fake = new FakeOpenAiServer();

    @AfterEach
    void stop() {
        fake.close();
    }

    static ChatRequest ask(String text) {
        return ChatRequest.of("", "", List.of(ChatMessage.user(text)));
    }

    static CredentialStore store(Credential credential) {
        return provider -> provider.equals(credential.provider()) ? Optional.of(credential) : Optional.empty();
    }

    static Settings settings(Map<String, Object> values) {
        return Settings.of(Configs.config(values));
    }

    OpenAiProvider provider(Settings settings, CredentialStore store) {
        return new OpenAiProvider(settings, new Retrier(0, Duration.ofMillis(1), Duration.ofMillis(1), (wait, c) -> { }),
                () -> store);
    }

    @Test
    void copilotUsesItsTokenTheEndpointTheTokenNamesAndEditorHeaders() throws Exception {
        fake.requireApiKey("tid=copilot-token;exp=1");
        fake.enqueue(FakeReply.text("hello from copilot"));
        Credential token = new Credential("github-copilot", AuthMethod.OAUTH, "tid=copilot-token;exp=1", "", "",
                fake.baseUrl().toString(), Instant.now().plusSeconds(1500), Map.of());

        ChatResponse answer = provider(settings(Map.of("provider_name", "github-copilot")), store(token))
                .chat(ask("hi"), null);

        assertThat(answer.text()).isEqualTo("hello from copilot");
        RecordedRequest request = fake.lastRequest();
        assertThat(request.header("authorization")).isEqualTo("Bearer tid=copilot-token;exp=1");
        assertThat(request.header("copilot-integration-id")).isEqualTo("vscode-chat");
        assertThat(request.header("editor-version")).startsWith("vscode/");
        assertThat(request.json().path("model").asText()).isEqualTo("gpt-4.1");
    }

    @Test
    void copilotWithoutLoginSaysHowToLogIn() {
        assertThatThrownBy(() -> provider(settings(Map.of("preset", "github-copilot")), null).chat(ask("hi"), null))
                .hasMessage("No login for GitHub Copilot: run openpista auth login github-copilot");
    }

    @Test
    void aStoredKeyStandsInForAMissingConfiguredKey() throws Exception {
        fake.requireApiKey("tk-stored-123");
        fake.enqueue(FakeReply.text("ok"));

        provider(settings(Map.of("preset", "together", "base_url", fake.baseUrl().toString())),
                store(Credential.apiKey("together", "tk-stored-123"))).chat(ask("hi"), null);

        assertThat(fake.lastRequest().header("authorization")).isEqualTo("Bearer tk-stored-123");
    }

    @Test
    void aConfiguredKeyWinsOverTheLogin() throws Exception {
        fake.enqueue(FakeReply.text("ok"));

        provider(settings(Map.of("base_url", fake.baseUrl().toString(), "_api_key", "sk-configured")),
                store(Credential.apiKey("openai", "sk-stored"))).chat(ask("hi"), null);

        assertThat(fake.lastRequest().header("authorization")).isEqualTo("Bearer sk-configured");
    }

    @Test
    void aChatGptOnlyLoginPointsAtTheResponsesProvider() {
        Credential chatgpt = new Credential("openai", AuthMethod.OAUTH, "eyJ.chatgpt.token", "acct", "", "https://chatgpt.example/codex",
                Instant.now().plusSeconds(3600), Map.of(Credential.PROTOCOL, "responses"));

        assertThatThrownBy(() -> provider(settings(Map.of()), store(chatgpt)).chat(ask("hi"), null))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("provider = \"responses\"")
                .hasMessageNotContaining("eyJ.chatgpt.token");
    }

    @Test
    void aLoginThatCannotBeRefreshedIsAnAuthenticationFailure() {
        CredentialStore broken = provider -> {
            throw new AuthException("the github-copilot login could not be refreshed: HTTP 401; log in again: openpista auth"
                    + " login github-copilot");
        };

        assertThatThrownBy(() -> provider(settings(Map.of("preset", "github-copilot")), broken).chat(ask("hi"), null))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION))
                .hasMessageContaining("openpista auth login github-copilot");
    }

    @Test
    void aRefusedStoredKeyPointsAtTheLogin() {
        fake.requireApiKey("the-right-one");
        fake.enqueue(FakeReply.text("never"));

        assertThatThrownBy(() -> provider(settings(Map.of("preset", "openrouter", "base_url", fake.baseUrl().toString())),
                store(Credential.apiKey("openrouter", "sk-or-wrong-999"))).chat(ask("hi"), null))
                .hasMessageContaining("openpista auth login openrouter")
                .hasMessageNotContaining("sk-or-wrong-999");
    }

    @Test
    void azureSendsTheKeyInApiKeyToTheDeploymentWithApiVersion() throws Exception {
        try (FakeAzureOpenAiServer azure = new FakeAzureOpenAiServer()) {
            azure.requireApiKey("az-key-123");
            azure.enqueue(FakeReply.text("hello from azure"));
            Credential login = new Credential("azure-openai", AuthMethod.API_KEY, "az-key-123", "", "", azure.endpoint(), null, Map.of());

            ChatResponse answer = provider(settings(Map.of("preset", "azure-openai", "model", "my-gpt4o", "stream", false)), store(login))
                    .chat(ask("hi"), null);

            assertThat(answer.text()).isEqualTo("hello from azure");
            RecordedRequest request = azure.lastRequest();
            assertThat(FakeAzureOpenAiServer.deployment(request)).isEqualTo("my-gpt4o");
            assertThat(request.query()).contains("api-version=" + Settings.AZURE_API_VERSION);
            assertThat(request.header("api-key")).isEqualTo("az-key-123");
            assertThat(request.header("authorization")).isNull();
        }
    }

    @Test
    void azureStreamsToo() throws Exception {
        try (FakeAzureOpenAiServer azure = new FakeAzureOpenAiServer()) {
            azure.enqueue(FakeReply.text("streamed"));
            Settings configured = settings(Map.of("preset", "azure-openai", "model", "dep", "base_url", azure.endpoint(),
                    "_api_key", "k-1", "api_version", "2025-01-01-preview"));

            assertThat(provider(configured, null).chat(ask("hi"), null).text()).isEqualTo("streamed");
            assertThat(azure.lastRequest().query()).contains("api-version=2025-01-01-preview");
        }
    }

    @Test
    void azureWithoutEndpointOrDeploymentSaysWhatToSet() {
        assertThatThrownBy(() -> provider(settings(Map.of("preset", "azure-openai", "_api_key", "k")), null).chat(ask("hi"), null))
                .hasMessageContaining("openpista auth login azure-openai");
        assertThatThrownBy(() -> provider(settings(Map.of("preset", "azure-openai", "_api_key", "k", "base_url", "https://x.openai.azure.com")),
                null).chat(ask("hi"), null))
                .hasMessageContaining("deployment");
    }

    @Test
    void bedrockBuildsItsEndpointFromTheRegionOfConfigurationOrLogin() throws Exception {
        assertThat(settings(Map.of("preset", "bedrock", "region", "eu-west-1")).baseUrl())
                .isEqualTo("https://bedrock-runtime.eu-west-1.amazonaws.com/openai/v1");
        Credential login = new Credential("bedrock", AuthMethod.API_KEY, "br-key", "", "", "", null,
                Map.of(Credential.REGION, "us-west-2"));
        OpenAiProvider provider = provider(settings(Map.of("preset", "bedrock")), store(login));

        assertThat(provider.effective().baseUrl()).isEqualTo("https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1");
        assertThat(provider.effective().bearerKey()).isEqualTo("br-key");
        assertThatThrownBy(() -> provider(settings(Map.of("preset", "bedrock", "_api_key", "k")), null).chat(ask("hi"), null))
                .hasMessageContaining("region");
    }

    @Test
    void geminiAndVercelSpeakTheOpenAiProtocolAtTheirEndpoints() throws Exception {
        assertThat(settings(Map.of("preset", "google")).baseUrl()).isEqualTo("https://generativelanguage.googleapis.com/v1beta/openai");
        assertThat(settings(Map.of("preset", "vercel-ai-gateway")).baseUrl()).isEqualTo("https://ai-gateway.vercel.sh/v1");
        fake.enqueue(FakeReply.text("gemini says hi"));

        ChatResponse answer = provider(settings(Map.of("preset", "google", "base_url", fake.baseUrl().toString())),
                store(Credential.apiKey("google", "AIza-test"))).chat(ask("hi"), null);

        assertThat(answer.text()).isEqualTo("gemini says hi");
        assertThat(fake.lastRequest().json().path("model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(fake.lastRequest().header("authorization")).isEqualTo("Bearer AIza-test");
    }
}
