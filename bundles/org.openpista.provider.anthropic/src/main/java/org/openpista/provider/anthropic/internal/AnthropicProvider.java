package org.openpista.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
 * An {@link LlmProvider} speaking Anthropic's Messages API ({@code POST {base_url}/messages},
 * {@code GET {base_url}/models}), streamed or not.
 *
 * <p>The protocol is implemented here with {@code java.net.http} and Jackson rather than with
 * langchain4j's {@code AnthropicChatModel}/{@code AnthropicStreamingChatModel} (1.19.0), which were
 * checked against what openpista needs and fall short where it matters: they always send {@code
 * x-api-key} and require an API key (no room for an OAuth bearer token, which must come without
 * it), rebuild tool schemas instead of passing them unchanged, cannot merge a tool result with a
 * following user message (two user turns in a row, which the API refuses), and report failures
 * as an {@code HttpException} without response headers, so {@code retry-after} cannot be honoured.
 * Their blocking call can only be stopped by interrupting the calling thread. See {@link
 * MessagesRequest} and {@link HttpTransport} for the details.
 *
 * <p>Rate limits (429), server errors (5xx) and overload (529) are retried up to {@code
 * max_retries} times with exponential backoff from {@link #BASE_DELAY}, or after the server's
 * {@code retry-after}, never longer than {@link #MAX_DELAY} ({@link Retrier}). A stream that fails
 * after text reached the listener is not retried, as the text would be repeated.
 */
final class AnthropicProvider implements LlmProvider {

    /** The stored login this provider uses when no key is configured. */
    static final String LOGIN = "anthropic";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Backoff before the first retry; doubled for each further one. */
    static final Duration BASE_DELAY = Duration.ofMillis(500);
    /** The longest wait between two attempts, {@code retry-after} included. */
    static final Duration MAX_DELAY = Duration.ofSeconds(60);
    /** How many pages of models to read at most. */
    private static final int MAX_MODEL_PAGES = 20;

    private final Settings settings;
    private final Supplier<CredentialStore> logins;
    /** The credentials of the latest request, for blotting them out of messages. */
    private volatile Credentials inFlight;
    private final Failures failures;
    private final HttpTransport transport;
    private final Retrier retrier;
    /** Attempts sent so far, for tests. */
    final AtomicInteger attempts = new AtomicInteger();

    AnthropicProvider(Settings settings) {
        this(settings, () -> null);
    }

    /**
     * @param logins the stored logins, or a supplier of {@code null} when the auth bundle is absent;
     *     asked for every request that has no configured key
     */
    AnthropicProvider(Settings settings, Supplier<CredentialStore> logins) {
        this(settings, BASE_DELAY, MAX_DELAY, logins);
    }

    AnthropicProvider(Settings settings, Duration baseDelay, Duration maxDelay) {
        this(settings, baseDelay, maxDelay, () -> null);
    }

    AnthropicProvider(Settings settings, Duration baseDelay, Duration maxDelay, Supplier<CredentialStore> logins) {
        this.settings = settings;
        this.logins = logins;
        this.inFlight = settings.credentials();
        this.failures = new Failures(settings.host(), () -> inFlight);
        this.transport = new HttpTransport(settings.timeout());
        this.retrier = new Retrier(settings.maxRetries(), baseDelay, maxDelay, Retrier.SLEEP);
    }

    /** @return the configuration this provider runs with */
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

    @Override
    public ChatResponse chat(ChatRequest request, StreamListener listener) throws ProviderException {
        Credentials credentials = checkConfigured();
        StreamListener sink = listener == null ? StreamListener.IGNORE : listener;
        ToolNames names = MessagesRequest.toolNames(request);
        String model = request.model().isBlank() ? settings.model() : request.model();
        int maxTokens = request.maxOutputTokens() > 0 ? request.maxOutputTokens() : settings.maxTokens();
        String body = MessagesRequest.body(request, names, model, maxTokens, settings.stream()).toString();
        URI uri = settings.endpoint("messages");
        return withRetries(request.cancellation(), () -> send(uri, body, names, sink, request.cancellation(), credentials));
    }

    @Override
    public List<ModelInfo> listModels() throws ProviderException {
        Credentials credentials = checkConfigured();
        Cancellation none = Cancellation.none();
        List<ModelInfo> models = new ArrayList<>();
        boolean hasDefault = false;
        String after = null;
        for (int page = 0; page < MAX_MODEL_PAGES; page++) {
            String query = "models?limit=1000" + (after == null ? "" : "&after_id=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
            URI uri = settings.endpoint(query);
            JsonNode list = withRetries(none, () -> get(uri, none, credentials));
            JsonNode data = list.path("data");
            if (!data.isArray()) {
                throw failures.malformed("the model list has no data array", null);
            }
            for (JsonNode model : data) {
                String id = model.path("id").asText("");
                if (!id.isEmpty()) {
                    boolean isDefault = id.equals(settings.model());
                    hasDefault |= isDefault;
                    models.add(new ModelInfo(name(), id, isDefault));
                }
            }
            after = list.path("last_id").asText("");
            if (!list.path("has_more").asBoolean(false) || after.isEmpty()) {
                break;
            }
        }
        if (!hasDefault) {
            // the configured default may be an alias the listing does not show
            models.add(0, new ModelInfo(name(), settings.model(), true));
        }
        return models;
    }

    private <T> T withRetries(Cancellation cancellation, Retrier.Attempt<T> attempt) throws ProviderException {
        return retrier.run(() -> {
            attempts.incrementAndGet();
            return attempt.run();
        }, cancellation, failures.http(), "Anthropic provider " + name());
    }

    private ChatResponse send(URI uri, String body, ToolNames names, StreamListener listener, Cancellation cancellation,
            Credentials credentials) throws ProviderException, Retrier.Failure {
        try (HttpTransport.Exchange exchange = transport.open(uri, requestHeaders(credentials, settings.stream()), body, cancellation,
                failures.http())) {
            exchange.requireSuccess(failures::status);
            if (!settings.stream()) {
                ChatResponse response;
                try {
                    response = MessageParser.parse(exchange.readAll(), names, failures);
                } catch (ProviderException e) {
                    // an error object in a 200 answer, such as overloaded_error
                    throw new Retrier.Failure(e, null, true);
                }
                if (!response.text().isEmpty()) {
                    listener.onTextDelta(response.text());
                }
                return response;
            }
            // an error event such as overloaded_error is retried until text reached the listener
            StreamReader reader = new StreamReader(names, listener, failures);
            exchange.read(reader);
            return reader.response();
        }
    }

    private JsonNode get(URI uri, Cancellation cancellation, Credentials credentials) throws ProviderException, Retrier.Failure {
        try (HttpTransport.Exchange exchange = transport.open(uri, requestHeaders(credentials, false), null, cancellation,
                failures.http())) {
            exchange.requireSuccess(failures::status);
            String body = exchange.readAll();
            try {
                JsonNode list = JSON.readTree(body);
                if (list == null || !list.isObject()) {
                    throw failures.malformed("the model list is not a JSON object", null);
                }
                return list;
            } catch (IOException e) {
                throw failures.malformed("the model list is not JSON", e);
            }
        }
    }

    private static Map<String, String> requestHeaders(Credentials credentials, boolean stream) {
        Map<String, String> headers = credentials.headers();
        headers.put("accept", stream ? "text/event-stream" : "application/json");
        return headers;
    }

    /**
     * @return the credentials of the next request: the configured key, else the stored Anthropic
     *     login (an OAuth token goes out as bearer with the OAuth beta)
     */
    private Credentials checkConfigured() throws ProviderException {
        if (!settings.problem().isEmpty()) {
            throw new ProviderException(Kind.NOT_CONFIGURED, "Anthropic provider '" + name() + "': " + settings.problem());
        }
        Credentials credentials = settings.credentials();
        if (credentials.isMissing()) {
            credentials = storedLogin();
        }
        inFlight = credentials;
        return credentials;
    }

    private Credentials storedLogin() throws ProviderException {
        Credential credential = StoredLogins.current(logins.get(), LOGIN).orElseThrow(() -> new ProviderException(
                Kind.NOT_CONFIGURED, "no Anthropic credentials for provider '" + name() + "': set ANTHROPIC_API_KEY or api_key"
                        + " under [agent] in config.toml, or log in: openpista auth login anthropic"));
        return credential.method() == AuthMethod.OAUTH
                ? Credentials.oauthToken(credential.secret())
                : Credentials.apiKey(credential.secret());
    }

    @Override
    public String toString() {
        // the settings' credentials say only which kind they are, never the secret
        return "AnthropicProvider[" + settings + "]";
    }
}
