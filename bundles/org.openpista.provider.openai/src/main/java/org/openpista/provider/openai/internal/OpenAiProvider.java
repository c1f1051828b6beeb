package org.openpista.provider.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.openpista.api.auth.Credential;
import org.openpista.api.auth.CredentialStore;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.api.llm.StreamListener;
import org.openpista.provider.support.HttpTransport;
import org.openpista.provider.support.Retrier;
import org.openpista.provider.support.StoredLogins;
import org.openpista.provider.support.ToolNames;

/**
 * An {@link LlmProvider} speaking OpenAI's Chat Completions protocol ({@code POST
 * {base}/chat/completions}, {@code GET {base}/models}) to OpenAI or a compatible host (Together,
 * Ollama, OpenRouter, GitHub Copilot, Google Gemini, Vercel AI Gateway, Azure OpenAI, AWS Bedrock,
 * any custom server), streamed or not. Thread-safe. Without a configured key, every request takes
 * the preset's stored login as it is at that moment.
 *
 * <p>Written by hand on {@link HttpTransport}, as the Anthropic and Responses providers, rather than
 * through langchain4j's {@code OpenAiChatModel} (1.19.0): that needed a tapped JDK client of its own
 * to keep {@code retry-after} (its HTTP failures carry no headers) and to abort a cancelled or
 * stalled stream, digging in its raw events for the {@code finish_reason} values it does not know,
 * and bypassing its tool mapping, which rebuilds schemas; the wire format itself is small ({@link
 * RequestBody}, {@link CompletionReader}). So every provider shares one HTTP stack and no
 * langchain4j bundle ships.
 *
 * <p>Rate limits (429) and server errors (5xx) are retried by the shared {@link Retrier}, after the
 * server's {@code retry-after} where it sends one; a stream that failed after text reached the
 * listener is not retried.
 */
final class OpenAiProvider implements LlmProvider {

    /** First wait before retrying a 429 or 5xx. */
    static final Duration RETRY_BASE = Duration.ofSeconds(1);
    /** Longest wait between two attempts, also when the server asks for more. */
    static final Duration RETRY_CAP = Duration.ofSeconds(30);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final Supplier<CredentialStore> logins;
    private final Retrier retrier;
    private final HttpTransport transport;
    /** The tools array of the last request, written again only when the tools change. */
    private volatile RequestBody.Tools lastTools = RequestBody.Tools.NONE;

    /** A provider that waits for real between retries and has no stored logins. */
    OpenAiProvider(Settings settings) {
        this(settings, () -> null);
    }

    /**
     * @param logins the stored logins, or a supplier of {@code null} when the auth bundle is absent;
     *     asked for every request that has no configured key
     */
    OpenAiProvider(Settings settings, Supplier<CredentialStore> logins) {
        this(settings, new Retrier(settings.maxRetries(), RETRY_BASE, RETRY_CAP, Retrier.SLEEP), logins);
    }

    /** A provider with its own retry policy, for tests that must not wait. */
    OpenAiProvider(Settings settings, Retrier retrier) {
        this(settings, retrier, () -> null);
    }

    OpenAiProvider(Settings settings, Retrier retrier, Supplier<CredentialStore> logins) {
        this.settings = settings;
        this.logins = logins;
        this.retrier = retrier;
        this.transport = new HttpTransport(settings.timeout());
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String defaultModel() {
        return settings.model();
    }

    /** @return the configuration this provider runs with */
    Settings settings() {
        return settings;
    }

    /**
     * @return the settings of the next request: the configured ones, or, without a configured key,
     *     the ones of the preset's stored login as it is now (refreshed by the credential store)
     */
    Settings effective() throws ProviderException {
        Preset preset = settings.preset();
        if (!settings.apiKey().isEmpty() || preset == null) {
            return settings;
        }
        Optional<Credential> login = StoredLogins.current(logins.get(), preset.id);
        if (login.isEmpty()) {
            return settings;
        }
        if ("responses".equals(login.get().attribute(Credential.PROTOCOL))) {
            throw new ProviderException(Kind.NOT_CONFIGURED, "the stored " + preset.id + " login is a ChatGPT subscription"
                    + " without API key, which works with the Responses API only: set provider = \"responses\" under [agent],"
                    + " or store a key with openpista auth login " + preset.id + " --api-key");
        }
        return settings.withLogin(login.get());
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException {
        Settings effective = effective();
        effective.requireUsable();
        String model = effective.modelFor(request.model());
        ToolNames names = RequestBody.toolNames(request.tools(), effective.vendor());
        boolean stream = effective.stream();
        RequestBody.Tools tools = RequestBody.tools(request.tools(), names, lastTools);
        lastTools = tools;
        String body = RequestBody.of(request, model, names, tools, stream, effective.preset() == Preset.OPENAI, effective.vendor())
                .toString();
        StreamListener sink = listener == null ? StreamListener.IGNORE : listener;
        Cancellation cancellation = request.cancellation();
        Failures failures = new Failures(effective);
        URI uri = effective.chatUri(model);
        ChatResponse response = retrier.run(() -> send(effective, uri, body, names, model, sink, cancellation, failures),
                cancellation, failures.http(), effective.name() + " chat");
        // without streaming the listener still sees the text, once, so channels behave the same
        if (!stream && !response.text().isEmpty()) {
            sink.onTextDelta(response.text());
        }
        return response;
    }

    private ChatResponse send(Settings effective, URI uri, String body, ToolNames names, String model, StreamListener listener,
            Cancellation cancellation, Failures failures) throws ProviderException, Retrier.Failure {
        try (HttpTransport.Exchange exchange = transport.open(uri, headers(effective, effective.stream()), body, cancellation,
                failures.http())) {
            exchange.requireSuccess(failures::status);
            if (!effective.stream()) {
                return CompletionReader.parse(exchange.readAll(), names, failures, model);
            }
            // read as a stream whatever the content type says; only an answer without finish_reason is refused
            CompletionReader reader = new CompletionReader(names, listener, failures,
                    exchange.headers().firstValue("content-type").orElse(""));
            exchange.read(reader);
            return reader.response(model);
        }
    }

    @Override
    public List<ModelInfo> listModels() throws ProviderException {
        Settings effective = effective();
        effective.requireUsable();
        Failures failures = new Failures(effective);
        Cancellation none = Cancellation.none();
        JsonNode list = retrier.run(() -> {
            try (HttpTransport.Exchange exchange = transport.open(effective.modelsUri(), headers(effective, false), null, none,
                    failures.http())) {
                exchange.requireSuccess(failures::status);
                return JSON.readTree(exchange.readAll());
            } catch (JsonProcessingException e) {
                throw failures.malformed("the model list is not JSON: " + e.getOriginalMessage(), e);
            }
        }, none, failures.http(), effective.name() + " models");
        if (list == null || !list.path("data").isArray()) {
            throw failures.malformed("the model list has no data", null);
        }
        List<ModelInfo> models = new ArrayList<>();
        String preferred = effective.model();
        if (!preferred.isEmpty()) {
            models.add(new ModelInfo(effective.name(), preferred, true));
        }
        for (JsonNode listed : list.path("data")) {
            String id = listed.path("id").asText("");
            if (!id.isBlank() && !id.equals(preferred)) {
                models.add(new ModelInfo(effective.name(), id, false));
            }
        }
        return models;
    }

    private static Map<String, String> headers(Settings effective, boolean stream) {
        Map<String, String> headers = new LinkedHashMap<>(effective.headers());
        headers.put("accept", stream ? "text/event-stream" : "application/json");
        return headers;
    }

    @Override
    public String toString() {
        return "OpenAiProvider[" + settings + "]";
    }
}
