package org.openpista.provider.openai.internal;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.openai.OpenAiModelCatalog;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.llm.ChatRequest;
import org.openpista.api.llm.ChatResponse;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.StreamListener;

/**
 * An {@link LlmProvider} speaking OpenAI's Chat Completions protocol to OpenAI or a compatible host
 * (Together, Ollama, OpenRouter, any custom server), through langchain4j's OpenAI models on the JDK
 * HTTP client. Thread-safe: every request builds its own langchain4j model around a shared JDK
 * client.
 */
final class OpenAiProvider implements LlmProvider {

    /** First wait before retrying a 429 or 5xx. */
    static final Duration RETRY_BASE = Duration.ofSeconds(1);
    /** Longest wait between two attempts, also when the server asks for more. */
    static final Duration RETRY_CAP = Duration.ofSeconds(30);

    private final Settings settings;
    private final Failures failures;
    private final Retrier retrier;
    private final HttpClient http;

    /** A provider that waits for real between retries. */
    OpenAiProvider(Settings settings) {
        this(settings, new Retrier(settings.maxRetries(), RETRY_BASE, RETRY_CAP, Retrier.SLEEP));
    }

    /** A provider with its own retry policy, for tests that must not wait. */
    OpenAiProvider(Settings settings, Retrier retrier) {
        this.settings = settings;
        this.failures = new Failures(settings);
        this.retrier = retrier;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                // over plain http (Ollama, local servers) skip the h2c upgrade some servers mishandle
                .version(settings.plainHttp() ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                .build();
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

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException {
        settings.requireUsable();
        String model = settings.modelFor(request.model());
        ToolNames names = ToolNames.of(request.tools(), settings.vendor());
        dev.langchain4j.model.chat.request.ChatRequest wire =
                ChatMapper.toWire(request, model, names, settings.preset() == Preset.OPENAI, settings.vendor());
        StreamListener sink = listener == null ? StreamListener.IGNORE : listener;
        Cancellation cancellation = request.cancellation();
        if (settings.stream()) {
            return retrier.run(() -> new ChatExchange(settings, http, failures, cancellation).streaming(wire, names, model, sink),
                    cancellation, failures, settings.name() + " chat");
        }
        ChatResponse response = retrier.run(() -> new ChatExchange(settings, http, failures, cancellation).blocking(wire, names, model),
                cancellation, failures, settings.name() + " chat");
        // without streaming the listener still sees the text, once, so channels behave the same
        if (!response.text().isEmpty()) {
            sink.onTextDelta(response.text());
        }
        return response;
    }

    @Override
    public List<ModelInfo> listModels() throws ProviderException {
        settings.requireUsable();
        List<ModelDescription> listed = retrier.run(this::fetchModels, Cancellation.none(), failures, settings.name() + " models");
        List<ModelInfo> models = new ArrayList<>();
        String preferred = settings.model();
        if (!preferred.isEmpty()) {
            models.add(new ModelInfo(settings.name(), preferred, true));
        }
        for (ModelDescription description : listed) {
            String id = description.name();
            if (id != null && !id.isBlank() && !id.equals(preferred)) {
                models.add(new ModelInfo(settings.name(), id, false));
            }
        }
        return models;
    }

    private List<ModelDescription> fetchModels() throws Retrier.Failure {
        TappedHttpClient tap = new TappedHttpClient(http, settings.timeout());
        try {
            OpenAiModelCatalog catalog = OpenAiModelCatalog.builder()
                    .httpClientBuilder(JdkHttpClient.builder().httpClientBuilder(tap.builder()))
                    .baseUrl(settings.baseUrl())
                    .apiKey(settings.apiKey().isEmpty() ? null : settings.apiKey())
                    .connectTimeout(settings.timeout())
                    .readTimeout(settings.timeout())
                    .build();
            List<ModelDescription> models = catalog.listModels();
            if (models == null) {
                throw new Retrier.Failure(failures.malformed("the model list has no data", null), tap.headers(), false);
            }
            return models;
        } catch (RuntimeException e) {
            throw new Retrier.Failure(failures.map(e, tap, false), tap.headers(), true);
        }
    }

    @Override
    public String toString() {
        return "OpenAiProvider[" + settings + "]";
    }
}
