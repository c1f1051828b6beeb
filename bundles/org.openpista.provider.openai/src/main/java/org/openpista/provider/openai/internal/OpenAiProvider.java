package org.openpista.provider.openai.internal;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.catalog.ModelDescription;
import dev.langchain4j.model.openai.OpenAiModelCatalog;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.openpista.provider.support.Retrier;
import org.openpista.provider.support.StoredLogins;
import org.openpista.provider.support.ToolNames;

/**
 * An {@link LlmProvider} speaking OpenAI's Chat Completions protocol to OpenAI or a compatible host
 * (Together, Ollama, OpenRouter, GitHub Copilot, Google Gemini, Vercel AI Gateway, Azure OpenAI, AWS
 * Bedrock, any custom server), through langchain4j's OpenAI models on the JDK HTTP client.
 * Thread-safe: every request builds its own langchain4j model around a shared JDK client. Without
 * a configured key, every request takes the preset's stored login as it is at that moment.
 *
 * <p>Rate limits and server errors are retried by the shared {@link Retrier}; langchain4j's own
 * retry is switched off, as it neither reads {@code retry-after} nor stops waiting on cancellation.
 */
final class OpenAiProvider implements LlmProvider {

    /** First wait before retrying a 429 or 5xx. */
    static final Duration RETRY_BASE = Duration.ofSeconds(1);
    /** Longest wait between two attempts, also when the server asks for more. */
    static final Duration RETRY_CAP = Duration.ofSeconds(30);

    private final Settings settings;
    private final Supplier<CredentialStore> logins;
    private final Retrier retrier;
    private final HttpClient secure;
    private final HttpClient plain;

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
        this.secure = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_2).build();
        // over plain http (Ollama, local servers) skip the h2c upgrade some servers mishandle
        this.plain = HttpClient.newBuilder().connectTimeout(settings.timeout()).version(HttpClient.Version.HTTP_1_1).build();
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

    private HttpClient client(Settings effective) {
        return effective.plainHttp() ? plain : secure;
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException {
        Settings effective = effective();
        effective.requireUsable();
        String model = effective.modelFor(request.model());
        ToolNames names = ChatMapper.toolNames(request.tools(), effective.vendor());
        dev.langchain4j.model.chat.request.ChatRequest wire =
                ChatMapper.toWire(request, model, names, effective.preset() == Preset.OPENAI, effective.vendor());
        StreamListener sink = listener == null ? StreamListener.IGNORE : listener;
        Cancellation cancellation = request.cancellation();
        Failures failures = new Failures(effective);
        HttpClient http = client(effective);
        if (effective.stream()) {
            return retrier.run(() -> new ChatExchange(effective, http, failures, cancellation).streaming(wire, names, model, sink),
                    cancellation, failures, effective.name() + " chat");
        }
        ChatResponse response = retrier.run(() -> new ChatExchange(effective, http, failures, cancellation).blocking(wire, names, model),
                cancellation, failures, effective.name() + " chat");
        // without streaming the listener still sees the text, once, so channels behave the same
        if (!response.text().isEmpty()) {
            sink.onTextDelta(response.text());
        }
        return response;
    }

    @Override
    public List<ModelInfo> listModels() throws ProviderException {
        Settings effective = effective();
        effective.requireUsable();
        Failures failures = new Failures(effective);
        List<ModelDescription> listed = retrier.run(() -> fetchModels(effective, failures), Cancellation.none(), failures,
                effective.name() + " models");
        List<ModelInfo> models = new ArrayList<>();
        String preferred = effective.model();
        if (!preferred.isEmpty()) {
            models.add(new ModelInfo(effective.name(), preferred, true));
        }
        for (ModelDescription description : listed) {
            String id = description.name();
            if (id != null && !id.isBlank() && !id.equals(preferred)) {
                models.add(new ModelInfo(effective.name(), id, false));
            }
        }
        return models;
    }

    private List<ModelDescription> fetchModels(Settings effective, Failures failures) throws Retrier.Failure {
        TappedHttpClient tap = new TappedHttpClient(client(effective), effective.timeout());
        try {
            OpenAiModelCatalog catalog = OpenAiModelCatalog.builder()
                    .httpClientBuilder(JdkHttpClient.builder().httpClientBuilder(tap.builder()))
                    .baseUrl(effective.modelsBaseUrl())
                    .apiKey(effective.bearerKey())
                    .customHeaders(effective.headers())
                    .customQueryParams(effective.queryParams())
                    .connectTimeout(effective.timeout())
                    .readTimeout(effective.timeout())
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
