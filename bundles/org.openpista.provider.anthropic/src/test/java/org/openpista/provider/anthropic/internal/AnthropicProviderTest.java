package org.openpista.provider.anthropic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openpista.api.chat.Attachment;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.api.llm.StreamListener;
import org.openpista.api.llm.ToolSpec;
import org.openpista.testkit.FakeAnthropicServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.ImageData;
import org.openpista.testkit.RecordedRequest;

/** The provider against the fake Messages API over real HTTP on 127.0.0.1. */
class AnthropicProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-ant-test-0123456789-secret";
    private static final String RUN_SCHEMA = "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\","
            + "\"description\":\"bash command\"}},\"required\":[\"command\"],\"additionalProperties\":false,"
            + "\"$comment\":\"kept as written\"}";
    private static final ToolSpec RUN = new ToolSpec("system.run", "Runs a bash command.", RUN_SCHEMA);

    private final FakeAnthropicServer server = new FakeAnthropicServer();
    private final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        executor.shutdownNow();
        server.close();
    }

    private AnthropicProvider provider(boolean stream, Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        values.put("provider_name", "anthropic");
        values.put("base_url", server.baseUrl().toString());
        values.put("_api_key", KEY);
        values.put("stream", stream);
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new AnthropicProvider(Settings.from(TestConfigs.config(values)), Duration.ofMillis(1), Duration.ofMillis(20));
    }

    private static ChatRequest ask(String text) {
        return new ChatRequest("", "You are a test.", List.of(ChatMessage.user(text)), List.of(RUN), 0, null);
    }

    private static final class Deltas implements StreamListener {
        final List<String> pieces = new CopyOnWriteArrayList<>();

        @Override
        public void onTextDelta(String delta) {
            assertThat(delta).isNotEmpty();
            pieces.add(delta);
        }
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void answersText(boolean stream) throws Exception {
        server.enqueue(FakeReply.text("The quick brown fox jumps over the lazy dog."));
        Deltas deltas = new Deltas();

        ChatResponse response = provider(stream).chat(ask("hello"), deltas);

        assertThat(response.text()).isEqualTo("The quick brown fox jumps over the lazy dog.");
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.stopReason()).isEqualTo("end_turn");
        assertThat(response.model()).isEqualTo(Settings.DEFAULT_MODEL);
        assertThat(response.usage().inputTokens()).isPositive();
        assertThat(response.usage().outputTokens()).isPositive();
        assertThat(String.join("", deltas.pieces)).isEqualTo(response.text());
        if (stream) {
            assertThat(deltas.pieces).hasSizeGreaterThan(2);
            assertThat(deltas.pieces.get(0)).isEqualTo("The quic");
        } else {
            assertThat(deltas.pieces).hasSize(1);
        }
        JsonNode sent = server.lastRequest().json();
        assertThat(sent.path("model").asText()).isEqualTo(Settings.DEFAULT_MODEL);
        assertThat(sent.path("max_tokens").asInt()).isEqualTo(Settings.DEFAULT_MAX_TOKENS);
        assertThat(sent.path("stream").asBoolean(false)).isEqualTo(stream);
    }

    @Test
    void sendsTheRequestModelAndOutputBound() throws Exception {
        server.enqueue(FakeReply.text("ok"));
        ChatRequest request = new ChatRequest("claude-opus-4-6", "", List.of(ChatMessage.user("hi")), List.of(), 321, null);

        ChatResponse response = provider(true, "model", "claude-configured").chat(request, StreamListener.IGNORE);

        assertThat(response.model()).isEqualTo("claude-opus-4-6");
        assertThat(server.lastRequest().json().path("max_tokens").asInt()).isEqualTo(321);
    }

    @Test
    void putsTheSystemPromptAndSystemMessagesIntoTheSystemField() throws Exception {
        server.enqueue(FakeReply.text("ok"));
        ChatRequest request = new ChatRequest("", "You are openpista.",
                List.of(ChatMessage.system("Skill context: none."), ChatMessage.user("hi")), List.of(), 0, null);

        provider(false).chat(request, StreamListener.IGNORE);

        JsonNode sent = server.lastRequest().json();
        assertThat(sent.path("system").asText()).isEqualTo("You are openpista.\n\nSkill context: none.");
        assertThat(sent.path("messages")).hasSize(1);
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(sent.toString()).doesNotContain("\"role\":\"system\"");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void callsToolsUnderSanitisedNamesAndMapsThemBack(boolean stream) throws Exception {
        server.enqueue(FakeReply.toolCalls("Let me look.", List.of(new FakeReply.Call("system.run", "{\"command\":\"ls -la /tmp\"}"))));
        Deltas deltas = new Deltas();

        ChatResponse response = provider(stream).chat(ask("list /tmp"), deltas);

        assertThat(response.text()).isEqualTo("Let me look.");
        assertThat(response.stopReason()).isEqualTo("tool_use");
        assertThat(response.toolCalls()).hasSize(1);
        ToolCall call = response.toolCalls().get(0);
        assertThat(call.name()).isEqualTo("system.run");
        assertThat(call.id()).startsWith("toolu_");
        assertThat(JSON.readTree(call.arguments())).isEqualTo(JSON.readTree("{\"command\":\"ls -la /tmp\"}"));
        JsonNode tool = server.lastRequest().json().path("tools").get(0);
        assertThat(tool.path("name").asText()).isEqualTo("system_run");
        assertThat(tool.path("description").asText()).isEqualTo("Runs a bash command.");
        assertThat(tool.path("input_schema")).isEqualTo(JSON.readTree(RUN_SCHEMA));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void sendsToolCallsAndMergesConsecutiveToolResultsIntoOneUserMessage(boolean stream) throws Exception {
        server.enqueue(
                FakeReply.toolCalls("Checking both.", List.of(
                        new FakeReply.Call("system.run", "{\"command\":\"uname\"}"),
                        new FakeReply.Call("system.run", "{\"command\":\"false\"}"))),
                FakeReply.text("Linux, and the second failed."));
        AnthropicProvider provider = provider(stream);
        ChatResponse first = provider.chat(ask("check"), StreamListener.IGNORE);
        ToolCall uname = first.toolCalls().get(0);
        ToolCall fails = first.toolCalls().get(1);
        List<ChatMessage> history = List.of(
                ChatMessage.user("check"),
                ChatMessage.assistant(first.text(), first.toolCalls()),
                ChatMessage.toolResult(uname, "Linux", false),
                ChatMessage.toolResult(fails, "exit code 1", true));

        ChatResponse second = provider.chat(new ChatRequest("", "You are a test.", history, List.of(RUN), 0, null),
                StreamListener.IGNORE);

        assertThat(second.text()).isEqualTo("Linux, and the second failed.");
        JsonNode messages = server.lastRequest().json().path("messages");
        assertThat(messages).hasSize(3);
        JsonNode assistant = messages.get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("content")).hasSize(3);
        assertThat(assistant.path("content").get(0).path("text").asText()).isEqualTo("Checking both.");
        assertThat(assistant.path("content").get(1).path("type").asText()).isEqualTo("tool_use");
        assertThat(assistant.path("content").get(1).path("name").asText()).isEqualTo("system_run");
        assertThat(assistant.path("content").get(1).path("id").asText()).isEqualTo(uname.id());
        assertThat(assistant.path("content").get(1).path("input")).isEqualTo(JSON.readTree("{\"command\":\"uname\"}"));
        JsonNode results = messages.get(2);
        assertThat(results.path("role").asText()).isEqualTo("user");
        assertThat(results.path("content")).hasSize(2);
        JsonNode ok = results.path("content").get(0);
        assertThat(ok.path("type").asText()).isEqualTo("tool_result");
        assertThat(ok.path("tool_use_id").asText()).isEqualTo(uname.id());
        assertThat(ok.path("content").asText()).isEqualTo("Linux");
        assertThat(ok.has("is_error")).isFalse();
        JsonNode failed = results.path("content").get(1);
        assertThat(failed.path("tool_use_id").asText()).isEqualTo(fails.id());
        assertThat(failed.path("is_error").asBoolean(false)).isTrue();
    }

    @Test
    void keepsRolesAlternatingAndDropsBlankText() throws Exception {
        server.enqueue(FakeReply.text("ok"));
        ToolCall call = new ToolCall("toolu_1", "system.run", "{\"command\":\"ls\"}");
        List<ChatMessage> history = List.of(
                ChatMessage.user("first"),
                ChatMessage.user("   "),
                ChatMessage.user("second"),
                ChatMessage.assistant(""),
                ChatMessage.assistant("", List.of(call)),
                ChatMessage.toolResult(call, "a.txt", false),
                ChatMessage.user("and now?"));

        provider(false).chat(new ChatRequest("", "", history, List.of(RUN), 0, null), StreamListener.IGNORE);

        JsonNode sent = server.lastRequest().json();
        assertThat(sent.has("system")).isFalse();
        JsonNode messages = sent.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("content")).hasSize(2);
        assertThat(messages.get(0).path("content").get(1).path("text").asText()).isEqualTo("second");
        assertThat(messages.get(1).path("content")).hasSize(1);
        assertThat(messages.get(1).path("content").get(0).path("type").asText()).isEqualTo("tool_use");
        JsonNode last = messages.get(2).path("content");
        assertThat(last.get(0).path("type").asText()).isEqualTo("tool_result");
        assertThat(last.get(1).path("text").asText()).isEqualTo("and now?");
    }

    @Test
    void sendsTheKeyAndVersionHeaders() throws Exception {
        server.enqueue(FakeReply.text("ok"));

        provider(true).chat(ask("hi"), StreamListener.IGNORE);

        RecordedRequest request = server.lastRequest();
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.header("x-api-key")).isEqualTo(KEY);
        assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.header("content-type")).isEqualTo("application/json");
        assertThat(request.header("authorization")).isNull();
        assertThat(request.header("anthropic-beta")).isNull();
    }

    @Test
    void canAuthenticateWithAnOauthBearerTokenInstead() throws Exception {
        server.enqueue(FakeReply.text("ok"));
        Settings apiKey = provider(true).settings();
        Settings oauth = new Settings(apiKey.name(), apiKey.apiRoot(), "", Credentials.oauthToken("oauth-access-token"),
                apiKey.model(), 0, apiKey.timeout(), true, apiKey.maxTokens());

        new AnthropicProvider(oauth).chat(ask("hi"), StreamListener.IGNORE);

        RecordedRequest request = server.lastRequest();
        assertThat(request.header("authorization")).isEqualTo("Bearer oauth-access-token");
        assertThat(request.header("anthropic-beta")).isEqualTo("oauth-2025-04-20");
        assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.header("x-api-key")).isNull();
    }

    @Test
    void toleratesATrailingSlashInTheBaseUrl() throws Exception {
        server.enqueue(FakeReply.text("ok"));

        provider(true, "base_url", server.baseUrl() + "/").chat(ask("hi"), StreamListener.IGNORE);

        assertThat(server.lastRequest().path()).isEqualTo("/v1/messages");
    }

    @Test
    void refusesToolNamesThatCollideAfterSanitising() {
        ChatRequest request = new ChatRequest("", "", List.of(ChatMessage.user("hi")),
                List.of(RUN, new ToolSpec("system_run", "another", null)), 0, null);

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider(true).chat(request, StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.getMessage()).contains("'system.run'").contains("'system_run'");
        assertThat(server.allRequests()).isEmpty();
    }

    @Test
    void reportsARefusedKeyWithoutTheKey() {
        server.enqueue(FakeReply.error(401, "invalid x-api-key " + KEY));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider(true).chat(ask("hi"), StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(e.httpStatus()).isEqualTo(401);
        assertThat(e.getMessage())
                .contains("401 authentication_error from 127.0.0.1:" + server.port())
                .contains("invalid x-api-key")
                .contains("ANTHROPIC_API_KEY")
                .doesNotContain(KEY)
                .doesNotContain("\n");
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void retriesARateLimit(boolean stream) throws Exception {
        server.enqueue(FakeReply.error(429, "Number of requests has exceeded your rate limit").withHeader("retry-after", "0"),
                FakeReply.text("made it"));
        AnthropicProvider provider = provider(stream);

        ChatResponse response = provider.chat(ask("hi"), StreamListener.IGNORE);

        assertThat(response.text()).isEqualTo("made it");
        assertThat(server.requests()).hasSize(2);
        assertThat(provider.attempts.get()).isEqualTo(2);
    }

    @Test
    void givesUpOnOverloadAfterTheRetries() {
        server.enqueue(FakeReply.error(529, "Overloaded"), FakeReply.error(529, "Overloaded"), FakeReply.error(529, "Overloaded"));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider(true, "max_retries", 2).chat(ask("hi"), StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.SERVER);
        assertThat(e.httpStatus()).isEqualTo(529);
        assertThat(e.getMessage()).contains("529 overloaded_error").contains("Overloaded").contains("gave up after 3 attempts");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void givesUpOnServerErrorsAfterTheRetries() {
        for (int i = 0; i < 4; i++) {
            server.enqueue(FakeReply.error(500, "Internal server error"));
        }

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider(false).chat(ask("hi"), StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.SERVER);
        assertThat(e.isRetryable()).isTrue();
        assertThat(e.getMessage()).contains("500 api_error").contains("gave up after 4 attempts");
        assertThat(server.requests()).hasSize(4);
    }

    @Test
    void reportsABadRequestWithTheVendorsMessageAndDoesNotRetry() {
        server.enqueue(FakeReply.error(404, "model: claude-nonexistent"));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider(true).chat(ask("hi"), StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(e.getMessage()).contains("404 not_found_error").contains("model: claude-nonexistent");
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void reportsAMalformedAnswer(boolean stream) {
        server.enqueue(FakeReply.malformed("{\"type\":\"message\",\"content\":"));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider(stream).chat(ask("hi"), StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(e.getMessage()).startsWith("malformed answer from 127.0.0.1:" + server.port());
    }

    @Test
    void reportsARefusedConnectionNamingHostAndPort() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        int closedPort = port;
        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider(true, "base_url", "http://127.0.0.1:" + closedPort + "/v1").chat(ask("hi"), StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.NETWORK);
        assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort).contains("connection refused");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void timesOut(boolean stream) {
        server.enqueue(FakeReply.text("too late").delayed(Duration.ofSeconds(5)));

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider(stream, "timeout_secs", 1).chat(ask("hi"), StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(e.getMessage()).contains("127.0.0.1:" + server.port()).contains("1 s");
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {true, false})
    void stopsWhenTheTurnIsCancelled(boolean stream) throws Exception {
        server.enqueue(FakeReply.text("never").delayed(Duration.ofSeconds(60)));
        Cancellation cancellation = new Cancellation();
        ChatRequest request = new ChatRequest("", "", List.of(ChatMessage.user("hi")), List.of(), 0, cancellation);
        AnthropicProvider provider = provider(stream);

        Future<ChatResponse> running = executor.submit(() -> provider.chat(request, StreamListener.IGNORE));
        awaitRequest();
        cancellation.cancel();

        ExecutionException e = catchThrowableOfType(ExecutionException.class, () -> running.get(20, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(ProviderException.class);
        assertThat(((ProviderException) e.getCause()).kind()).isEqualTo(Kind.CANCELLED);
    }

    @Test
    void stopsWhenTheThreadIsInterrupted() throws Exception {
        server.enqueue(FakeReply.text("never").delayed(Duration.ofSeconds(60)));
        AnthropicProvider provider = provider(true);
        boolean[] interruptKept = new boolean[1];

        Future<ChatResponse> running = executor.submit(() -> {
            try {
                return provider.chat(ask("hi"), StreamListener.IGNORE);
            } finally {
                interruptKept[0] = Thread.currentThread().isInterrupted();
            }
        });
        awaitRequest();
        running.cancel(true);

        executor.shutdown();
        assertThat(executor.awaitTermination(20, TimeUnit.SECONDS)).isTrue();
        assertThat(interruptKept[0]).isTrue();
    }

    @Test
    void sendsNothingWhenAlreadyCancelled() {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();
        ChatRequest request = new ChatRequest("", "", List.of(ChatMessage.user("hi")), List.of(), 0, cancellation);

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider(true).chat(request, StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(server.allRequests()).isEmpty();
    }

    @Test
    void saysWhatToSetWhenTheKeyIsMissing() {
        AnthropicProvider provider = provider(true, "_api_key", "");

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(ask("hi"), StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.NOT_CONFIGURED);
        assertThat(e.getMessage()).contains("ANTHROPIC_API_KEY").contains("api_key").contains("[agent]");
        assertThat(provider.name()).isEqualTo("anthropic");
        assertThat(server.allRequests()).isEmpty();
    }

    @Test
    void reportsABadBaseUrl() {
        AnthropicProvider provider = provider(true, "base_url", "ftp://example.org/v1");

        ProviderException e = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(ask("hi"), StreamListener.IGNORE));

        assertThat(e.kind()).isEqualTo(Kind.NOT_CONFIGURED);
        assertThat(e.getMessage()).contains("base_url 'ftp://example.org/v1'");
    }

    @Test
    void listsModelsWithTheSameHeaders() throws Exception {
        server.models("claude-haiku-4-5-20251001", "claude-custom");

        List<ModelInfo> models = provider(true, "provider_name", "claude", "model", "claude-custom").listModels();

        assertThat(models).containsExactly(
                new ModelInfo("claude", "claude-haiku-4-5-20251001", false),
                new ModelInfo("claude", "claude-custom", true));
        RecordedRequest request = server.allRequests().get(0);
        assertThat(request.method()).isEqualTo("GET");
        assertThat(request.path()).isEqualTo("/v1/models");
        assertThat(request.header("x-api-key")).isEqualTo(KEY);
        assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
    }

    @Test
    void listsTheDefaultModelEvenWhenTheListingLacksIt() throws Exception {
        server.models("claude-a");

        List<ModelInfo> models = provider(true).listModels();

        assertThat(models).containsExactly(
                new ModelInfo("anthropic", Settings.DEFAULT_MODEL, true), new ModelInfo("anthropic", "claude-a", false));
    }

    private void awaitRequest() throws InterruptedException {
        // the fake records a request before it sleeps over its delay
        for (int i = 0; i < 2000 && server.requests().isEmpty(); i++) {
            Thread.sleep(5);
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aUserImageGoesOutAsABase64ImageBlockBeforeTheText() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        ChatMessage photo = ChatMessage.user("What is on it?")
                .withAttachments(List.of(new Attachment("image/png", "p.png", png)));
        server.enqueue(FakeReply.text("A cat."));

        ChatResponse seen = provider(true).chat(new ChatRequest("", "", List.of(photo), List.of(), 0, null),
                StreamListener.IGNORE);

        assertThat(seen.text()).isEqualTo("A cat.");
        JsonNode content = server.lastRequest().json().path("messages").get(0).path("content");
        assertThat(content.get(0).path("type").asText()).isEqualTo("image");
        assertThat(content.get(0).path("source").path("type").asText()).isEqualTo("base64");
        assertThat(content.get(1).path("text").asText()).isEqualTo("What is on it?");
        assertThat(ImageData.inRequest(server.lastRequest().json())).singleElement().satisfies(image -> {
            assertThat(image.mimeType()).isEqualTo("image/png");
            assertThat(image.data()).isEqualTo(png);
        });
    }
}
