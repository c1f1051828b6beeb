package org.openpista.provider.responses.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openpista.api.auth.AuthMethod;
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
 * An {@link LlmProvider} speaking OpenAI's Responses API ({@code POST {base}/responses}, {@code GET
 * {base}/models}), streamed or not, with function tools and their results, and reasoning items
 * carried from one answer to the next.
 *
 * <p>Credentials: a configured key ({@code [agent] api_key}, {@code OPENAI_API_KEY}) wins;
 * otherwise the stored OpenAI login is taken, fresh for every request. A ChatGPT login sends the
 * {@code chatgpt-account-id} header from its token's claims, and one without an API key goes to
 * the ChatGPT backend its login names unless {@code base_url} is set.
 *
 * <p>Written by hand, as the Anthropic provider, because langchain4j's {@code
 * OpenAiResponsesChatModel} (1.19.0) falls short where it matters here: it takes no extra headers
 * (a ChatGPT login must send {@code chatgpt-account-id}), has no way to carry encrypted reasoning
 * items from one turn to the next (reasoning models need them back with their function calls when
 * nothing is stored server-side), and its failures carry no response headers, so {@code
 * retry-after} would be lost. The exchanges go through {@link HttpTransport}.
 *
 * <p>Rate limits (429) and server errors (5xx) are retried up to {@code max_retries} times with
 * exponential backoff, or after the server's {@code retry-after} ({@link Retrier}); a stream that
 * failed after text reached the listener is not retried.
 */
final class ResponsesProvider implements LlmProvider {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The login whose credentials this provider uses. */
    static final String LOGIN = "openai";

    static final Duration BASE_DELAY = Duration.ofMillis(500);
    static final Duration MAX_DELAY = Duration.ofSeconds(60);

    private final Settings settings;
    private final Supplier<CredentialStore> credentials;
    private final HttpTransport transport;
    private final Retrier retrier;

    ResponsesProvider(Settings settings, Supplier<CredentialStore> credentials) {
        this(settings, credentials, BASE_DELAY);
    }

    ResponsesProvider(Settings settings, Supplier<CredentialStore> credentials, Duration baseDelay) {
        this.settings = settings;
        this.credentials = credentials;
        this.transport = new HttpTransport(settings.timeout());
        this.retrier = new Retrier(settings.maxRetries(), baseDelay, MAX_DELAY, Retrier.SLEEP);
    }

    Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String defaultModel() {
        return settings.model();
    }

    /** Where and how one request authenticates. */
    record Auth(URI root, Map<String, String> headers, Failures failures) {
        URI endpoint(String path) {
            return URI.create(root + "/" + path);
        }
    }

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException {
        Auth auth = auth();
        StreamListener sink = listener == null ? StreamListener.IGNORE : listener;
        ToolNames names = RequestBody.toolNames(request);
        String model = request.model().isBlank() ? settings.model() : request.model().strip();
        String body = RequestBody.of(request, names, model, settings).toString();
        URI uri = auth.endpoint("responses");
        return withRetries(request.cancellation(), auth, () -> send(auth, uri, body, names, model, sink, request.cancellation()));
    }

    @Override
    public List<ModelInfo> listModels() throws ProviderException {
        Auth auth = auth();
        Cancellation none = Cancellation.none();
        JsonNode list = withRetries(none, auth, () -> {
            try (HttpTransport.Exchange exchange = transport.open(auth.endpoint("models"), headers(auth, false), null, none,
                    auth.failures().http())) {
                exchange.requireSuccess(auth.failures()::status);
                try {
                    return JSON.readTree(exchange.readAll());
                } catch (IOException e) {
                    throw auth.failures().malformed("the model list is not JSON", e);
                }
            }
        });
        if (list == null || !list.path("data").isArray()) {
            throw auth.failures().malformed("the model list has no data array", null);
        }
        List<ModelInfo> models = new ArrayList<>();
        boolean hasDefault = false;
        for (JsonNode model : list.path("data")) {
            String id = model.path("id").asText("");
            if (!id.isEmpty()) {
                hasDefault |= id.equals(settings.model());
                models.add(new ModelInfo(name(), id, id.equals(settings.model())));
            }
        }
        if (!hasDefault) {
            models.add(0, new ModelInfo(name(), settings.model(), true));
        }
        return models;
    }

    /** @return the endpoint and headers of the next request, from the configuration or the stored login */
    Auth auth() throws ProviderException {
        Map<String, String> headers = new LinkedHashMap<>();
        String base = settings.baseUrl();
        String secret;
        String hint;
        if (!settings.apiKey().isEmpty()) {
            secret = settings.apiKey();
            hint = "check OPENAI_API_KEY or [agent] api_key";
        } else {
            Credential credential = storedLogin();
            secret = credential.secret();
            hint = "log in again: openpista auth login openai";
            if (credential.method() == AuthMethod.OAUTH && !credential.accountId().isEmpty()) {
                headers.put("chatgpt-account-id", credential.accountId());
            }
            if (base.isEmpty()) {
                base = Settings.trimSlashes(credential.endpoint());
            }
        }
        if (base.isEmpty()) {
            base = Settings.DEFAULT_BASE_URL;
        }
        URI root;
        try {
            root = URI.create(base);
        } catch (IllegalArgumentException e) {
            root = null;
        }
        if (root == null || root.getHost() == null
                || !("https".equalsIgnoreCase(root.getScheme()) || "http".equalsIgnoreCase(root.getScheme()))) {
            throw new ProviderException(Kind.NOT_CONFIGURED, "provider '" + name() + "': base_url '" + base
                    + "' is not an http(s) URL such as " + Settings.DEFAULT_BASE_URL);
        }
        headers.put("authorization", "Bearer " + secret);
        String host = root.getPort() < 0 ? root.getHost() : root.getHost() + ":" + root.getPort();
        return new Auth(root, headers, new Failures(host, secret, hint));
    }

    private Credential storedLogin() throws ProviderException {
        return StoredLogins.current(credentials.get(), LOGIN).orElseThrow(() -> new ProviderException(Kind.NOT_CONFIGURED,
                "no OpenAI credentials for provider '" + name() + "': run openpista auth login openai (ChatGPT or API key),"
                        + " or set OPENAI_API_KEY or [agent] api_key"));
    }

    private ChatResponse send(Auth auth, URI uri, String body, ToolNames names, String model, StreamListener listener,
            Cancellation cancellation) throws ProviderException, Retrier.Failure {
        Failures failures = auth.failures();
        try (HttpTransport.Exchange exchange = transport.open(uri, headers(auth, settings.stream()), body, cancellation,
                failures.http())) {
            exchange.requireSuccess(failures::status);
            if (!settings.stream()) {
                ChatResponse response = ResponseReader.parse(exchange.readAll(), names, failures, model);
                if (!response.text().isEmpty()) {
                    listener.onTextDelta(response.text());
                }
                return response;
            }
            String type = exchange.headers().firstValue("content-type").orElse("");
            if (!type.startsWith("text/event-stream")) {
                throw failures.malformed("a streamed answer was asked for, but the content type is "
                        + (type.isEmpty() ? "none" : type), null);
            }
            ResponseReader reader = new ResponseReader(names, listener, failures);
            exchange.read(reader);
            return reader.response(model);
        }
    }

    private static Map<String, String> headers(Auth auth, boolean stream) {
        Map<String, String> headers = new LinkedHashMap<>(auth.headers());
        headers.put("accept", stream ? "text/event-stream" : "application/json");
        return headers;
    }

    private <T> T withRetries(Cancellation cancellation, Auth auth, Retrier.Attempt<T> attempt) throws ProviderException {
        return retrier.run(attempt, cancellation, auth.failures().http(), "Responses provider " + name());
    }

    @Override
    public String toString() {
        return "ResponsesProvider[" + settings + "]";
    }
}
