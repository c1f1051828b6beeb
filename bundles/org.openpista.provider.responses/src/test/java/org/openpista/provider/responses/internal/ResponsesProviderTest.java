package org.openpista.provider.responses.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthMethod;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.CredentialStore;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ToolSpec;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.FakeResponsesServer;
import org.openpista.testkit.ImageData;

class ResponsesProviderTest {

    static final ToolSpec RUN = new ToolSpec("system.run", "Runs a shell command",
            "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\"}},\"required\":[\"command\"]}");

    final FakeResponsesServer fake = new FakeResponsesServer();

    @AfterEach
    void stop() {
        fake.close();
    }

    Settings settings(String key, boolean stream) {
        return new Settings("responses", fake.baseUrl().toString(), key, "gpt-5", 2, Duration.ofSeconds(10), stream, "");
    }

    ResponsesProvider provider(String key, boolean stream, CredentialStore store) {
        return new ResponsesProvider(settings(key, stream), () -> store, Duration.ofMillis(1));
    }

    static CredentialStore login(Credential credential) {
        return provider -> provider.equals("openai") ? Optional.of(credential) : Optional.empty();
    }

    static ChatRequest ask(String text, ToolSpec... tools) {
        return new ChatRequest("", "You are openpista.", List.of(ChatMessage.user(text)), List.of(tools), 0, null);
    }

    @Test
    void streamsTextToTheListenerAndSendsTheWireFormat() throws Exception {
        fake.requireApiKey("sk-test-1234");
        fake.enqueue(FakeReply.text("Hello from the Responses API"));
        List<String> deltas = new ArrayList<>();

        ChatResponse answer = provider("sk-test-1234", true, null).chat(ask("hi"), deltas::add);

        assertThat(answer.text()).isEqualTo("Hello from the Responses API");
        assertThat(String.join("", deltas)).isEqualTo(answer.text());
        assertThat(deltas).hasSizeGreaterThan(1);
        assertThat(answer.stopReason()).isEqualTo("stop");
        assertThat(answer.usage().inputTokens()).isPositive();
        JsonNode body = fake.lastRequest().json();
        assertThat(body.path("instructions").asText()).isEqualTo("You are openpista.");
        assertThat(body.path("store").asBoolean(true)).isFalse();
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("include").toString()).contains("reasoning.encrypted_content");
        assertThat(body.path("input").get(0).path("role").asText()).isEqualTo("user");
        assertThat(fake.lastRequest().header("chatgpt-account-id")).isNull();
    }

    @Test
    void aToolTurnCarriesTheReasoningItemsBack() throws Exception {
        fake.reasoning(true);
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"ls\"}"), FakeReply.text("Two files."));
        ResponsesProvider provider = provider("sk-test-1234", true, null);

        ChatResponse first = provider.chat(ask("list", RUN), delta -> {});
        assertThat(first.toolCalls()).containsExactly(new ToolCall(first.toolCalls().get(0).id(), "system.run", "{\"command\":\"ls\"}"));
        assertThat(first.stopReason()).isEqualTo("tool_calls");
        assertThat(first.providerData()).contains("encrypted_content").contains(RequestBody.PROVIDER_DATA);

        ToolCall call = first.toolCalls().get(0);
        List<ChatMessage> history = List.of(ChatMessage.user("list"),
                ChatMessage.assistant(first.text(), first.toolCalls()).withProviderData(first.providerData()),
                ChatMessage.toolResult(call, "a.txt b.txt", false));
        ChatResponse second = provider.chat(new ChatRequest("", "sys", history, List.of(RUN), 0, null), delta -> {});

        assertThat(second.text()).isEqualTo("Two files.");
        JsonNode input = fake.lastRequest().json().path("input");
        assertThat(input.get(1).path("type").asText()).isEqualTo("reasoning");
        assertThat(input.get(2).path("type").asText()).isEqualTo("function_call");
        assertThat(input.get(2).path("name").asText()).isEqualTo("system_run");
        assertThat(input.get(2).path("id").asText()).startsWith("fc_");
        assertThat(input.get(3).path("output").asText()).isEqualTo("a.txt b.txt");
    }

    @Test
    void historyFromAnotherProviderIsSentWithoutItemIds() throws Exception {
        fake.enqueue(FakeReply.text("ok"));
        ToolCall call = new ToolCall("toolu_01", "system.run", "{}");
        List<ChatMessage> history = List.of(ChatMessage.user("x"), ChatMessage.assistant("", List.of(call))
                .withProviderData("{\"something\":\"else\"}"), ChatMessage.toolResult(call, "boom", true));

        provider("k-123456", true, null).chat(new ChatRequest("", "", history, List.of(RUN), 0, null), null);

        JsonNode input = fake.lastRequest().json().path("input");
        assertThat(input.get(1).has("id")).isFalse();
        assertThat(input.get(2).path("output").asText()).isEqualTo("Error: boom");
    }

    @Test
    void toolNamesThatCollideAfterSanitisingAreRefused() {
        ToolSpec dotted = new ToolSpec("a.b", "", null);
        ToolSpec underscored = new ToolSpec("a_b", "", null);

        assertThatThrownBy(() -> provider("k-123456", true, null).chat(ask("x", dotted, underscored), null))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("collision")
                .hasMessageContaining("'a.b'")
                .hasMessageContaining("'a_b'")
                .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.BAD_REQUEST);
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void aChatGptLoginSendsItsAccountIdToTheEndpointItNames() throws Exception {
        fake.requireApiKey("chatgpt-access-token").requireAccountId("acct-42");
        fake.enqueue(FakeReply.text("hi"));
        Credential chatgpt = new Credential("openai", AuthMethod.OAUTH, "chatgpt-access-token", "acct-42", "ada@example.test",
                fake.baseUrl().toString(), Instant.now().plusSeconds(3600), Map.of(Credential.PROTOCOL, "responses"));
        Settings noBase = new Settings("responses", "", "", "gpt-5", 0, Duration.ofSeconds(10), true, "");

        ChatResponse answer = new ResponsesProvider(noBase, () -> login(chatgpt)).chat(ask("hi"), null);

        assertThat(answer.text()).isEqualTo("hi");
        assertThat(fake.lastRequest().header("chatgpt-account-id")).isEqualTo("acct-42");
    }

    @Test
    void aConfiguredKeyWinsOverTheLogin() throws Exception {
        fake.enqueue(FakeReply.text("hi"));
        Credential chatgpt = new Credential("openai", AuthMethod.OAUTH, "login-token", "acct-42", "", "", null, Map.of());

        provider("sk-configured-1", true, login(chatgpt)).chat(ask("hi"), null);

        assertThat(fake.lastRequest().header("authorization")).isEqualTo("Bearer sk-configured-1");
        assertThat(fake.lastRequest().header("chatgpt-account-id")).isNull();
    }

    @Test
    void withoutKeyOrLoginItSaysHowToLogIn() {
        assertThatThrownBy(() -> provider("", true, null).chat(ask("hi"), null))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("openpista auth login openai")
                .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.NOT_CONFIGURED);
    }

    @Test
    void aLoginThatCannotBeRefreshedIsAnAuthenticationFailureWithTheStoresMessage() {
        CredentialStore expired = provider -> {
            throw new AuthException("the openai login could not be refreshed: HTTP 400 (invalid_grant); log in again:"
                    + " openpista auth login openai");
        };

        assertThatThrownBy(() -> provider("", true, expired).chat(ask("hi"), null))
                .hasMessageContaining("invalid_grant")
                .extracting(e -> ((ProviderException) e).kind()).isEqualTo(ProviderException.Kind.AUTHENTICATION);
    }

    @Test
    void aRefusedKeyIsOneLineWithoutTheKey() {
        fake.requireApiKey("the-right-key");
        fake.enqueue(FakeReply.text("never"));

        assertThatThrownBy(() -> provider("sk-wrong-key-999", true, null).chat(ask("hi"), null))
                .isInstanceOf(ProviderException.class)
                .hasMessageContaining("401")
                .hasMessageNotContaining("sk-wrong-key-999")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void rateLimitsAreRetried() throws Exception {
        fake.enqueue(FakeReply.error(429, "slow down").withHeader("retry-after", "0"), FakeReply.text("finally"));

        ChatResponse answer = provider("k-123456", true, null).chat(ask("hi"), null);

        assertThat(answer.text()).isEqualTo("finally");
        assertThat(fake.requests()).hasSize(2);
    }

    @Test
    void nonStreamedAnswersWork() throws Exception {
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"pwd\"}"));

        ChatResponse answer = provider("k-123456", false, null).chat(ask("where", RUN), null);

        assertThat(fake.lastRequest().json().path("stream").asBoolean(true)).isFalse();
        assertThat(answer.toolCalls()).extracting(ToolCall::name).containsExactly("system.run");
    }

    @Test
    void aRequestTheApiRefusesReportsItsMessage() {
        fake.enqueue(FakeReply.text("never"));
        ToolCall orphan = new ToolCall("call_9", "system.run", "{}");
        List<ChatMessage> broken = List.of(ChatMessage.user("x"), ChatMessage.toolResult(orphan, "out", false));

        assertThatThrownBy(() -> provider("k-123456", true, null).chat(new ChatRequest("", "", broken, List.of(), 0, null), null))
                .hasMessageContaining("400")
                .hasMessageContaining("No tool call found");
    }

    @Test
    void listsModelsWithTheDefaultMarked() throws Exception {
        List<ModelInfo> models = provider("k-123456", true, null).listModels();

        assertThat(models).extracting(ModelInfo::id).containsExactly("gpt-5", "gpt-5-mini", "gpt-4.1");
        assertThat(models.get(0).recommended()).isTrue();
    }

    @Test
    void theComponentIsTheProviderNamedByItsProviderNameProperty() throws Exception {
        fake.enqueue(FakeReply.text("from the component"));
        ResponsesProviderComponent work = new ResponsesProviderComponent(config(Map.of("provider_name", "work",
                "base_url", fake.baseUrl().toString(), "_api_key", "k-123456", "model", "gpt-5-mini")));

        assertThat(work.name()).isEqualTo("work");
        assertThat(work.defaultModel()).isEqualTo("gpt-5-mini");
        assertThat(work.chat(ask("hi"), null).text()).isEqualTo("from the component");
        assertThat(work.toString()).doesNotContain("k-123456");
        assertThat(new ResponsesProviderComponent(config(Map.of())).name()).isEqualTo("responses");
    }

    /** @return a configuration the way DS builds it: these values by OCD method name, defaults for the rest */
    static ResponsesProviderComponent.Config config(Map<String, Object> values) {
        return (ResponsesProviderComponent.Config) java.lang.reflect.Proxy.newProxyInstance(ResponsesProviderTest.class.getClassLoader(),
                new Class<?>[] {ResponsesProviderComponent.Config.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName()) : method.getDefaultValue());
    }

    @Test
    void aUserImageGoesOutAsAnInputImagePartAndATextFileAsText() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        ChatMessage photo = ChatMessage.user("Compare").withAttachments(List.of(new Attachment("image/png", "p.png", png),
                new Attachment("text/plain", "notes.txt", "first line".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        fake.enqueue(FakeReply.text("Done."));

        ChatResponse seen = provider("sk-test-1234", true, null).chat(new ChatRequest("", "", List.of(photo), List.of(), 0, null), null);

        assertThat(seen.text()).isEqualTo("Done.");
        JsonNode content = fake.lastRequest().json().path("input").get(0).path("content");
        assertThat(content.get(0).path("type").asText()).isEqualTo("input_text");
        assertThat(content.get(0).path("text").asText()).isEqualTo("Compare\n\n[Attached file notes.txt (text/plain):]\nfirst line");
        assertThat(content.get(1).path("type").asText()).isEqualTo("input_image");
        assertThat(ImageData.inRequest(fake.lastRequest().json())).singleElement().satisfies(image -> {
            assertThat(image.mimeType()).isEqualTo("image/png");
            assertThat(image.data()).isEqualTo(png);
        });
    }
}
