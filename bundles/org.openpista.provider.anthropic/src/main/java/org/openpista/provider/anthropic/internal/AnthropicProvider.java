package org.openpista.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.openpista.api.auth.AuthException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * MessagesRequest} and {@link Transport} for the details.
 *
 * <p>Rate limits (429), server errors (5xx) and overload (529) are retried up to {@code
 * max_retries} times with exponential backoff from {@link #baseDelay}, or after the server's
 * {@code retry-after}, never longer than {@link #maxDelay}. A stream that fails after text reached
 * the listener is not retried, as the text would be repeated.
 */
final class AnthropicProvider implements LlmProvider {

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicProvider.class);
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
    private final Transport transport;
    final Duration baseDelay;
    final Duration maxDelay;
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
        this.transport = new Transport(settings.apiRoot(), settings.timeout(), failures);
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
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
        ToolNames names = ToolNames.of(request);
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

    /** One attempt, a failure that may deserve another. */
    @FunctionalInterface
    private interface Attempt<T> {
        T run() throws ProviderException, RetryableException;
    }

    /** A failure worth another attempt, with the server's wish of when. */
    private static final class RetryableException extends Exception {
        private static final long serialVersionUID = 1L;
        final ProviderException failure;
        final Optional<String> retryAfter;

        RetryableException(ProviderException failure, Optional<String> retryAfter) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
            this.retryAfter = retryAfter;
        }
    }

    private <T> T withRetries(Cancellation cancellation, Attempt<T> attempt) throws ProviderException {
        CountDownLatch cancelled = new CountDownLatch(1);
        Cancellation.Registration registration = cancellation.onCancel(cancelled::countDown);
        try {
            for (int retry = 0; ; retry++) {
                if (cancellation.isCancelled()) {
                    throw new ProviderException(Kind.CANCELLED, "the request was cancelled");
                }
                attempts.incrementAndGet();
                try {
                    return attempt.run();
                } catch (RetryableException e) {
                    if (retry >= settings.maxRetries()) {
                        ProviderException last = e.failure;
                        String tries = retry == 0 ? "" : " (gave up after " + (retry + 1) + " attempts)";
                        throw new ProviderException(last.kind(), last.httpStatus(), last.getMessage() + tries, last.getCause());
                    }
                    Duration delay = delay(retry, e.retryAfter.orElse(null));
                    LOG.info("Anthropic provider {}: {}; retrying in {} ms", name(), e.failure.getMessage(), delay.toMillis());
                    pause(delay, cancelled);
                }
            }
        } finally {
            registration.close();
        }
    }

    private static void pause(Duration delay, CountDownLatch cancelled) throws ProviderException {
        try {
            if (cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new ProviderException(Kind.CANCELLED, "the request was cancelled");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException(Kind.CANCELLED, 0, "the request was interrupted", e);
        }
    }

    /**
     * @param retry how many retries were made before this one
     * @param retryAfter the server's {@code retry-after} header (seconds or an HTTP date), or
     *     {@code null}
     * @return how long to wait before the next attempt
     */
    Duration delay(int retry, String retryAfter) {
        Duration wanted = null;
        if (retryAfter != null && !retryAfter.isBlank()) {
            try {
                double seconds = Double.parseDouble(retryAfter.strip());
                if (seconds >= 0 && !Double.isInfinite(seconds)) {
                    wanted = Duration.ofMillis((long) Math.ceil(seconds * 1000));
                }
            } catch (NumberFormatException notSeconds) {
                try {
                    ZonedDateTime when = ZonedDateTime.parse(retryAfter.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    wanted = Duration.between(ZonedDateTime.now(when.getZone()), when);
                    wanted = wanted.isNegative() ? Duration.ZERO : wanted;
                } catch (DateTimeParseException neither) {
                    // not a form the header may take; fall back to backoff
                }
            }
        }
        if (wanted == null) {
            wanted = baseDelay.multipliedBy(1L << Math.min(retry, 20));
        }
        return wanted.compareTo(maxDelay) > 0 ? maxDelay : wanted;
    }

    private ChatResponse send(URI uri, String body, ToolNames names, StreamListener listener, Cancellation cancellation,
            Credentials credentials) throws ProviderException, RetryableException {
        try (Transport.Exchange exchange = transport.open(uri, requestHeaders(credentials, settings.stream()), body, cancellation)) {
            checkStatus(exchange);
            if (!settings.stream()) {
                ChatResponse response;
                try {
                    response = MessageParser.parse(exchange.readAll(), names, failures);
                } catch (ProviderException e) {
                    // an error object in a 200 answer, such as overloaded_error
                    if (e.isRetryable()) {
                        throw new RetryableException(e, Optional.empty());
                    }
                    throw e;
                }
                if (!response.text().isEmpty()) {
                    listener.onTextDelta(response.text());
                }
                return response;
            }
            StreamReader reader = new StreamReader(names, listener, failures);
            try {
                while (!reader.finished()) {
                    String line = exchange.nextLine();
                    if (line == null) {
                        reader.end();
                        break;
                    }
                    reader.line(line);
                }
            } catch (ProviderException e) {
                // an error event such as overloaded_error; once text reached the listener a retry would repeat it
                if (e.isRetryable() && !reader.forwardedText()) {
                    throw new RetryableException(e, Optional.empty());
                }
                throw e;
            }
            return reader.response();
        }
    }

    private JsonNode get(URI uri, Cancellation cancellation, Credentials credentials) throws ProviderException, RetryableException {
        try (Transport.Exchange exchange = transport.open(uri, requestHeaders(credentials, false), null, cancellation)) {
            checkStatus(exchange);
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

    private void checkStatus(Transport.Exchange exchange) throws ProviderException, RetryableException {
        int status = exchange.status();
        if (status >= 200 && status < 300) {
            return;
        }
        ProviderException failure = failures.status(status, exchange.readAll());
        if (failure.isRetryable()) {
            throw new RetryableException(failure, exchange.headers().firstValue("retry-after"));
        }
        throw failure;
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
        CredentialStore store = logins.get();
        Optional<Credential> login = Optional.empty();
        if (store != null) {
            try {
                login = store.credential(LOGIN);
            } catch (AuthException e) {
                throw new ProviderException(Kind.AUTHENTICATION, 0, e.getMessage(), null);
            }
        }
        Credential credential = login.filter(found -> !found.secret().isEmpty()).orElseThrow(() -> new ProviderException(
                Kind.NOT_CONFIGURED, "no Anthropic credentials for provider '" + name() + "': set ANTHROPIC_API_KEY or api_key"
                        + " under [agent] in config.toml, or log in: openpista auth login anthropic"));
        return credential.method() == AuthMethod.OAUTH
                ? Credentials.oauthToken(credential.secret())
                : Credentials.apiKey(credential.secret());
    }
}
