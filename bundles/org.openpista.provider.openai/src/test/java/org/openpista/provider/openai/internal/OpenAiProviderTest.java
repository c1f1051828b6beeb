package org.openpista.provider.openai.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
import org.openpista.provider.support.Retrier;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.ImageData;
import org.openpista.testkit.RecordedRequest;

/** The provider against the fake OpenAI server over real HTTP, streaming and not. */
class OpenAiProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "sk-test-0123456789abcdef";
    private static final String RUN_SCHEMA = "{\"type\":\"object\",\"properties\":{\"command\":{\"type\":\"string\","
            + "\"description\":\"the shell command\"}},\"required\":[\"command\"],\"additionalProperties\":false}";
    private static final ToolSpec SYSTEM_RUN = new ToolSpec("system.run", "Runs a shell command", RUN_SCHEMA);

    private final FakeOpenAiServer server = new FakeOpenAiServer();
    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final ExecutorService background = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        background.shutdownNow();
        server.close();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void answersText(boolean stream) throws Exception {
        server.enqueue(FakeReply.text("Paris is the capital of France."));
        List<String> deltas = new CopyOnWriteArrayList<>();

        ChatResponse response = provider(stream).chat(
                new ChatRequest("", "Be brief.", List.of(ChatMessage.user("Capital of France?")), List.of(), 0, null),
                deltas::add);

        assertThat(response.text()).isEqualTo("Paris is the capital of France.");
        assertThat(response.toolCalls()).isEmpty();
        assertThat(response.stopReason()).isEqualTo("stop");
        assertThat(response.model()).isEqualTo("gpt-4o");
        assertThat(response.usage().inputTokens()).isPositive();
        assertThat(response.usage().outputTokens()).isPositive();
        assertThat(String.join("", deltas)).isEqualTo(response.text());

        RecordedRequest request = server.lastRequest();
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("authorization")).isEqualTo("Bearer " + KEY);
        JsonNode body = request.json();
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o");
        assertThat(body.path("stream").asBoolean(false)).isEqualTo(stream);
        assertThat(body.path("messages")).hasSize(2);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("system");
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo("Be brief.");
        assertThat(body.path("messages").get(1).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").get(1).path("content").asText()).isEqualTo("Capital of France?");
        assertThat(body.has("tools")).isFalse();
    }

    @Test
    void streamsDeltasInOrderOnTheCallingThread() throws Exception {
        String text = "Streaming answers arrive piece by piece, in order, and join up to the final text.";
        server.enqueue(FakeReply.text(text));
        List<String> deltas = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();

        ChatResponse response = provider(true).chat(ChatRequest.of("", "", List.of(ChatMessage.user("go"))), delta -> {
            deltas.add(delta);
            threads.add(Thread.currentThread());
        });

        assertThat(deltas.size()).isGreaterThan(5);
        assertThat(deltas).allSatisfy(delta -> assertThat(delta).isNotEmpty());
        assertThat(String.join("", deltas)).isEqualTo(text).isEqualTo(response.text());
        assertThat(threads).containsOnly(Thread.currentThread());
        assertThat(server.lastRequest().json().path("stream_options").path("include_usage").asBoolean()).isTrue();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void roundTripsAToolCallWithTheToolsOwnName(boolean stream) throws Exception {
        String arguments = "{\"command\":\"ls -la /tmp | grep \\\"x y\\\"\",\"timeout\":30}";
        server.enqueue(FakeReply.toolCall("system.run", arguments), FakeReply.text("There are 3 files."));
        OpenAiProvider provider = provider(stream);
        List<ToolSpec> tools = List.of(SYSTEM_RUN, new ToolSpec("fs.read", "Reads a file", null));
        ChatMessage question = ChatMessage.user("What is in /tmp?");

        ChatResponse first = provider.chat(new ChatRequest("", "sys", List.of(question), tools, 0, null), StreamListener.IGNORE);

        assertThat(first.stopReason()).isEqualTo("tool_calls");
        assertThat(first.text()).isEmpty();
        assertThat(first.toolCalls()).hasSize(1);
        ToolCall call = first.toolCalls().get(0);
        assertThat(call.name()).isEqualTo("system.run");
        assertThat(call.arguments()).isEqualTo(arguments);
        assertThat(call.id()).startsWith("call_");
        JsonNode offered = server.lastRequest().json().path("tools");
        assertThat(offered).extracting(tool -> tool.path("function").path("name").asText())
                .containsExactly("system_run", "fs_read");
        assertThat(offered.get(0).path("type").asText()).isEqualTo("function");
        assertThat(offered.get(0).path("function").path("description").asText()).isEqualTo("Runs a shell command");

        List<ChatMessage> history = List.of(
                question,
                ChatMessage.assistant("", List.of(call)),
                ChatMessage.toolResult(call, "a.txt\nb.txt\nc.txt", false));
        ChatResponse second = provider.chat(new ChatRequest("", "sys", history, tools, 0, null), StreamListener.IGNORE);

        assertThat(second.text()).isEqualTo("There are 3 files.");
        JsonNode messages = server.lastRequest().json().path("messages");
        assertThat(messages).extracting(message -> message.path("role").asText())
                .containsExactly("system", "user", "assistant", "tool");
        JsonNode assistant = messages.get(2);
        assertThat(assistant.path("content").isMissingNode() || assistant.path("content").isNull()).isTrue();
        JsonNode wireCall = assistant.path("tool_calls").get(0);
        assertThat(wireCall.path("id").asText()).isEqualTo(call.id());
        assertThat(wireCall.path("type").asText()).isEqualTo("function");
        assertThat(wireCall.path("function").path("name").asText()).isEqualTo("system_run");
        assertThat(wireCall.path("function").path("arguments").asText()).isEqualTo(arguments);
        JsonNode result = messages.get(3);
        assertThat(result.path("tool_call_id").asText()).isEqualTo(call.id());
        assertThat(result.path("content").asText()).isEqualTo("a.txt\nb.txt\nc.txt");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void returnsSeveralCallsAndPassesUnknownToolNamesThrough(boolean stream) throws Exception {
        server.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"pwd\"}").andToolCall("made.up", "{}"));

        ChatResponse response = provider(stream).chat(
                new ChatRequest("", "", List.of(ChatMessage.user("go")), List.of(SYSTEM_RUN), 0, null),
                StreamListener.IGNORE);

        assertThat(response.toolCalls()).extracting(ToolCall::name).containsExactly("system.run", "made.up");
        assertThat(response.toolCalls()).extracting(ToolCall::arguments).containsExactly("{\"command\":\"pwd\"}", "{}");
        assertThat(response.toolCalls().get(0).id()).isNotEqualTo(response.toolCalls().get(1).id());
    }

    @Test
    void sendsTheToolSchemaUnchanged() throws Exception {
        String schema = "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"title\":\"Query\",\"properties\":{\"mode\":{\"enum\":[\"fast\",\"deep\"],\"default\":\"fast\"},"
                + "\"limit\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":50},"
                + "\"filter\":{\"$ref\":\"#/$defs/filter\"},\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}},"
                + "\"required\":[\"mode\"],\"additionalProperties\":false,"
                + "\"$defs\":{\"filter\":{\"type\":\"object\",\"properties\":{\"field\":{\"type\":\"string\"}}}}}";
        server.enqueue(FakeReply.text("ok"));

        provider(false).chat(new ChatRequest("", "", List.of(ChatMessage.user("q")),
                List.of(new ToolSpec("search.query", "Searches", schema)), 0, null), StreamListener.IGNORE);

        JsonNode parameters = server.lastRequest().json().path("tools").get(0).path("function").path("parameters");
        assertThat(parameters).isEqualTo(JSON.readTree(schema));
        assertThat(parameters.toString()).isEqualTo(JSON.readTree(schema).toString());
    }

    @Test
    void refusesToolsWhoseWireNamesCollide() {
        OpenAiProvider provider = provider(false);
        ChatRequest request = new ChatRequest("", "", List.of(ChatMessage.user("go")),
                List.of(SYSTEM_RUN, new ToolSpec("system_run", "another", null)), 0, null);

        ProviderException error = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(request, StreamListener.IGNORE));

        assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(error.getMessage()).contains("'system.run'").contains("'system_run'").doesNotContain("\n");
        assertThat(server.allRequests()).isEmpty();
    }

    @Test
    void refusesASchemaThatIsNotJson() {
        ChatRequest request = new ChatRequest("", "", List.of(ChatMessage.user("go")),
                List.of(new ToolSpec("broken", "", "{not json")), 0, null);

        assertThatThrownBy(() -> provider(false).chat(request, StreamListener.IGNORE))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
                    assertThat(e.getMessage()).startsWith("The parameters schema of tool 'broken' is not valid JSON");
                });
        assertThat(server.allRequests()).isEmpty();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void reportsARejectedKeyWithoutRetryingOrRepeatingIt(boolean stream) {
        server.enqueue(FakeReply.error(401, "Incorrect API key provided: " + KEY + "."));

        ProviderException error = failure(provider(stream), plainRequest());

        assertThat(error.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(error.httpStatus()).isEqualTo(401);
        assertThat(error.getMessage()).isEqualTo("OpenAI rejected the API key (401): check OPENAI_API_KEY or [agent] api_key");
        assertThat(server.requests()).hasSize(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void neverRepeatsTheKeyInVendorMessages() {
        server.enqueue(FakeReply.error(400, "Bad header: Bearer " + KEY));

        ProviderException error = failure(provider(false), plainRequest());

        assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(error.getMessage()).contains("Bad header: Bearer ***").doesNotContain(KEY);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void retriesARateLimitAsTheServerAsks(boolean stream) throws Exception {
        server.enqueue(FakeReply.error(429, "Rate limit reached for gpt-4o").withHeader("retry-after", "2"),
                FakeReply.text("finally"));

        ChatResponse response = provider(stream).chat(plainRequest(), StreamListener.IGNORE);

        assertThat(response.text()).isEqualTo("finally");
        assertThat(server.requests()).hasSize(2);
        assertThat(pauses).containsExactly(Duration.ofSeconds(2));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void givesUpOnServerErrorsAfterMaxRetries(boolean stream) {
        server.enqueue(FakeReply.error(500, "The server had an error"), FakeReply.error(502, "Bad gateway"),
                FakeReply.error(503, "The engine is overloaded"), FakeReply.text("too late"));

        ProviderException error = failure(provider(settings(stream, 2, Duration.ofSeconds(10))), plainRequest());

        assertThat(error.kind()).isEqualTo(Kind.SERVER);
        assertThat(error.httpStatus()).isEqualTo(503);
        assertThat(error.getMessage())
                .isEqualTo("OpenAI failed with a server error (503): The engine is overloaded (gave up after 3 attempts)");
        assertThat(server.requests()).hasSize(3);
        assertThat(server.remaining()).isEqualTo(1);
        assertThat(pauses).containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void reportsAnUnknownModelWithTheVendorsMessage(boolean stream) {
        server.enqueue(FakeReply.error(404, "The model `gpt-9` does not exist or you do not have access to it."));

        ProviderException error = failure(provider(stream),
                new ChatRequest("gpt-9", "", List.of(ChatMessage.user("hi")), List.of(), 0, null));

        assertThat(error.kind()).isEqualTo(Kind.BAD_REQUEST);
        assertThat(error.getMessage())
                .isEqualTo("OpenAI refused the request (404): The model `gpt-9` does not exist or you do not have access to it.");
        assertThat(server.lastRequest().json().path("model").asText()).isEqualTo("gpt-9");
        assertThat(server.requests()).hasSize(1);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void reportsAMalformedBody(boolean stream) {
        server.enqueue(FakeReply.malformed("{\"choices\": [ {\"message\": "), FakeReply.text("not used"));

        ProviderException error = failure(provider(stream), plainRequest());

        assertThat(error.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(error.getMessage()).startsWith("OpenAI sent an answer that is not a valid chat completion").doesNotContain("\n");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void explainsAPlainJsonAnswerToAStreamingRequest() {
        server.enqueue(FakeReply.malformed("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}"));

        ProviderException error = failure(provider(true), plainRequest());

        assertThat(error.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(error.getMessage()).endsWith("a streamed answer was asked for, but the content type is application/json");
    }

    @Test
    void buildsForEveryConfigurationSoTheServiceCanBeListed() {
        for (String preset : new String[] {"openai", "custom", "gemini", ""}) {
            OpenAiProvider provider = new OpenAiProvider(Settings.of(Configs.config(java.util.Map.of("preset", preset))));

            assertThat(provider.name()).isEqualTo(OpenAiProviderComponent.DEFAULT_NAME);
            assertThat(provider.settings().presetName()).isEqualTo(preset.isEmpty() ? "openai" : preset);
            assertThat(provider.toString()).contains(provider.name());
        }
    }

    @Test
    void isNamedByTheProviderNamePropertyAndTakesThatPresetWhenNoneIsGiven() {
        OpenAiProviderComponent together = new OpenAiProviderComponent(Configs.config(java.util.Map.of("provider_name", "together")));
        OpenAiProviderComponent work = new OpenAiProviderComponent(
                Configs.config(java.util.Map.of("provider_name", "work", "preset", "openrouter")));

        assertThat(together.name()).isEqualTo("together");
        assertThat(together.defaultModel()).isEqualTo(Preset.TOGETHER.defaultModel);
        assertThat(work.name()).isEqualTo("work");
        assertThat(work.defaultModel()).isEqualTo(Preset.OPENROUTER.defaultModel);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void reportsAnAnswerWithoutChoicesAsMalformed(boolean stream) {
        server.enqueue(FakeReply.malformed(stream ? "data: {\"id\":\"x\",\"choices\":[]}\n\ndata: [DONE]\n\n" : "{\"id\":\"x\"}"));

        ProviderException error = failure(provider(stream), plainRequest());

        assertThat(error.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void namesHostAndPortWhenTheConnectionIsRefused(boolean stream) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Settings settings = new Settings("test", "custom", "http://127.0.0.1:" + port + "/v1", "", "some-model", 3,
                Duration.ofSeconds(5), stream);

        ProviderException error = failure(provider(settings), plainRequest());

        assertThat(error.kind()).isEqualTo(Kind.NETWORK);
        assertThat(error.getMessage()).contains("127.0.0.1:" + port).contains("connection refused");
        assertThat(pauses).isEmpty();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void timesOutWhenTheAnswerTakesTooLong(boolean stream) {
        server.enqueue(FakeReply.text("late").delayed(Duration.ofSeconds(3)));

        ProviderException error = failure(provider(settings(stream, 3, Duration.ofMillis(300))), plainRequest());

        assertThat(error.kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(error.getMessage()).isEqualTo("no answer from OpenAI at 127.0.0.1:" + server.port() + " within 300 ms");
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void abandonsTheRequestWhenTheTurnIsCancelled(boolean stream) throws Exception {
        server.enqueue(FakeReply.text("too late").delayed(Duration.ofSeconds(20)));
        Cancellation cancellation = Cancellation.none();
        ChatRequest request = new ChatRequest("", "", List.of(ChatMessage.user("hi")), List.of(), 0, cancellation);
        // a timeout far beyond the wait below: only the cancellation can end the request in time
        OpenAiProvider provider = provider(settings(stream, 3, Duration.ofSeconds(60)));

        Future<ChatResponse> running = background.submit(() -> provider.chat(request, StreamListener.IGNORE));
        awaitRequest();
        cancellation.cancel();

        Throwable failure = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                () -> running.get(10, TimeUnit.SECONDS)).getCause();
        assertThat(failure).isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.CANCELLED);
            assertThat(e.getMessage()).isEqualTo("the request was cancelled");
        });
    }

    @Test
    void doesNotSendARequestForAnAlreadyCancelledTurn() {
        Cancellation cancellation = Cancellation.none();
        cancellation.cancel();

        ProviderException error = failure(provider(true),
                new ChatRequest("", "", List.of(ChatMessage.user("hi")), List.of(), 0, cancellation));

        assertThat(error.kind()).isEqualTo(Kind.CANCELLED);
        assertThat(server.allRequests()).isEmpty();
    }

    @ParameterizedTest(name = "stream={0}")
    @ValueSource(booleans = {false, true})
    void stopsWhenTheThreadIsInterruptedAndKeepsTheInterrupt(boolean stream) throws Exception {
        server.enqueue(FakeReply.text("too late").delayed(Duration.ofSeconds(20)));
        OpenAiProvider provider = provider(settings(stream, 3, Duration.ofSeconds(60)));
        AtomicReference<Thread> worker = new AtomicReference<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();

        Future<ChatResponse> running = background.submit(() -> {
            worker.set(Thread.currentThread());
            try {
                return provider.chat(plainRequest(), StreamListener.IGNORE);
            } finally {
                stillInterrupted.complete(Thread.currentThread().isInterrupted());
            }
        });
        awaitRequest();
        worker.get().interrupt();

        Throwable failure = catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                () -> running.get(10, TimeUnit.SECONDS)).getCause();
        assertThat(failure).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.CANCELLED));
        assertThat(stillInterrupted.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void sendsTheOutputBoundAsOpenAiAndTheCompatibleHostsExpectIt() throws Exception {
        server.enqueue(FakeReply.text("a"), FakeReply.text("b"));
        ChatRequest bounded = new ChatRequest("", "", List.of(ChatMessage.user("hi")), List.of(), 256, null);

        provider(false).chat(bounded, StreamListener.IGNORE);
        JsonNode openAi = server.lastRequest().json();
        provider(new Settings("together", "together", server.baseUrl().toString(), KEY, "", 0, Duration.ofSeconds(5), false))
                .chat(bounded, StreamListener.IGNORE);
        JsonNode together = server.lastRequest().json();

        assertThat(openAi.path("max_completion_tokens").asInt()).isEqualTo(256);
        assertThat(openAi.has("max_tokens")).isFalse();
        assertThat(together.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(together.path("model").asText()).isEqualTo(Preset.TOGETHER.defaultModel);
    }

    @Test
    void acceptsABaseUrlWithTrailingSlash() throws Exception {
        server.enqueue(FakeReply.text("ok"));
        Settings settings = new Settings("local", "custom", server.baseUrl() + "/", "", "local-model", 0,
                Duration.ofSeconds(5), true);

        provider(settings).chat(plainRequest(), StreamListener.IGNORE);

        assertThat(server.lastRequest().path()).isEqualTo("/v1/chat/completions");
        assertThat(server.lastRequest().header("authorization")).isNull();
        assertThat(server.lastRequest().json().path("model").asText()).isEqualTo("local-model");
    }

    @Test
    void talksToAKeylessOllamaWithoutAuthorization() throws Exception {
        server.enqueue(FakeReply.text("hi from llama"));

        ChatResponse response = provider(new Settings("ollama", "ollama", server.baseUrl().toString(), "", "", 0,
                Duration.ofSeconds(5), true)).chat(plainRequest(), StreamListener.IGNORE);

        assertThat(response.text()).isEqualTo("hi from llama");
        assertThat(server.lastRequest().header("authorization")).isNull();
        assertThat(server.lastRequest().json().path("model").asText()).isEqualTo("llama3.2");
    }

    @Test
    void refusesAMissingKeyWithTheVariableToSetButStillHasANameAndModel() {
        OpenAiProvider provider = provider(new Settings("openai", "openai", server.baseUrl().toString(), "", "", 3,
                Duration.ofSeconds(5), true));

        ProviderException error = failure(provider, plainRequest());

        assertThat(provider.name()).isEqualTo("openai");
        assertThat(provider.defaultModel()).isEqualTo("gpt-4o");
        assertThat(error.kind()).isEqualTo(Kind.NOT_CONFIGURED);
        assertThat(error.getMessage()).isEqualTo("No API key for OpenAI: set OPENAI_API_KEY (or OPENPISTA_API_KEY) or [agent] api_key,"
                + " or run openpista auth login openai");
        assertThat(server.allRequests()).isEmpty();
        assertThatThrownBy(provider::listModels).isInstanceOfSatisfying(ProviderException.class,
                e -> assertThat(e.kind()).isEqualTo(Kind.NOT_CONFIGURED));
    }

    @Test
    void listsModelsWithTheDefaultFirst() throws Exception {
        server.models("gpt-4.1", "gpt-4o", "o3-mini");

        List<ModelInfo> models = provider(false).listModels();

        assertThat(models).containsExactly(
                new ModelInfo("test", "gpt-4o", true),
                new ModelInfo("test", "gpt-4.1", false),
                new ModelInfo("test", "o3-mini", false));
        assertThat(server.allRequests().get(0).path()).isEqualTo("/v1/models");
        assertThat(server.allRequests().get(0).header("authorization")).isEqualTo("Bearer " + KEY);
    }

    @Test
    void reportsARefusedModelListing() {
        server.requireApiKey("sk-another-key");

        ProviderException error = catchThrowableOfType(ProviderException.class, () -> provider(false).listModels());

        assertThat(error.kind()).isEqualTo(Kind.AUTHENTICATION);
        assertThat(error.getMessage()).isEqualTo("OpenAI rejected the API key (401): check OPENAI_API_KEY or [agent] api_key");
    }

    @Test
    void handsTheListenersOwnFailureBack() {
        server.enqueue(FakeReply.text("some streamed text"));
        IllegalStateException boom = new IllegalStateException("listener broke");

        assertThatThrownBy(() -> provider(true).chat(plainRequest(), delta -> {
            throw boom;
        })).isSameAs(boom);
    }

    private ChatRequest plainRequest() {
        return ChatRequest.of("", "", List.of(ChatMessage.user("hello")));
    }

    private Settings settings(boolean stream) {
        return settings(stream, 3, Duration.ofSeconds(10));
    }

    private Settings settings(boolean stream, int maxRetries, Duration timeout) {
        return new Settings("test", "openai", server.baseUrl().toString(), KEY, "", maxRetries, timeout, stream);
    }

    private OpenAiProvider provider(boolean stream) {
        return provider(settings(stream));
    }

    private OpenAiProvider provider(Settings settings) {
        // records the waits instead of sleeping, so retry tests are fast and can check retry-after
        Retrier retrier = new Retrier(settings.maxRetries(), Duration.ofMillis(10), Duration.ofSeconds(30),
                (wait, cancellation) -> pauses.add(wait));
        return new OpenAiProvider(settings, retrier);
    }

    private static ProviderException failure(OpenAiProvider provider, ChatRequest request) {
        ProviderException error = catchThrowableOfType(ProviderException.class,
                () -> provider.chat(request, StreamListener.IGNORE));
        assertThat(error).as("the request should have failed").isNotNull();
        assertThat(error.getMessage()).doesNotContain(KEY).doesNotContain("\n");
        return error;
    }

    /** Waits until the fake got the request, so cancelling hits a request in flight. */
    private void awaitRequest() throws InterruptedException {
        for (int i = 0; i < 500 && server.allRequests().isEmpty(); i++) {
            Thread.sleep(10);
        }
        assertThat(server.allRequests()).as("the request reached the fake").isNotEmpty();
    }

    @Test
    void aUserImageGoesOutAsAnImageUrlPartAndATextOnlyModelGetsANoteInstead() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        ChatMessage photo = ChatMessage.user("What is on it?")
                .withAttachments(List.of(new Attachment("image/png", "p.png", png)));
        server.enqueue(FakeReply.text("A cat."), FakeReply.text("I cannot see it."));

        ChatResponse seen = provider(false).chat(new ChatRequest("", "", List.of(photo), List.of(), 0, null),
                StreamListener.IGNORE);

        assertThat(seen.text()).isEqualTo("A cat.");
        JsonNode content = server.lastRequest().json().path("messages").get(0).path("content");
        assertThat(content.get(0).path("type").asText()).isEqualTo("text");
        assertThat(content.get(0).path("text").asText()).isEqualTo("What is on it?");
        assertThat(content.get(1).path("type").asText()).isEqualTo("image_url");
        assertThat(ImageData.inRequest(server.lastRequest().json())).singleElement().satisfies(image -> {
            assertThat(image.mimeType()).isEqualTo("image/png");
            assertThat(image.data()).isEqualTo(png);
        });

        provider(false).chat(new ChatRequest("gpt-3.5-turbo", "", List.of(photo), List.of(), 0, null), StreamListener.IGNORE);

        JsonNode note = server.lastRequest().json().path("messages").get(0).path("content");
        assertThat(note.isTextual()).isTrue();
        assertThat(note.asText()).startsWith("What is on it?").contains("p.png (image/png)")
                .contains("gpt-3.5-turbo does not take images");
    }
}
