package org.openpista.provider.responses.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
 * An {@link LlmProvider} speaking OpenAI's Responses API ({@code POST {base}/responses}, {@code GET
 * {base}/models}), streamed or not, with function tools and their results, and reasoning items
 * carried from one answer to the next.
 *
 * <p>Credentials: a configured key ({@code [agent] api_key}, {@code OPENAI_API_KEY}) wins;
 * otherwise the stored OpenAI login is taken, fresh for every request. A ChatGPT login sends the
 * {@code chatgpt-account-id} header from its token's claims, and one without an API key goes to
 * the ChatGPT backend its login names unless {@code base_url} is set.
 *
 * <p>Rate limits (429) and server errors (5xx) are retried up to {@code max_retries} times with
 * exponential backoff, or after the server's {@code retry-after}; a stream that failed after text
 * reached the listener is not retried.
 */
final class ResponsesProvider implements LlmProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ResponsesProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The login whose credentials this provider uses. */
    static final String LOGIN = "openai";

    static final Duration BASE_DELAY = Duration.ofMillis(500);
    static final Duration MAX_DELAY = Duration.ofSeconds(60);

    private final Settings settings;
    private final Supplier<CredentialStore> credentials;
    private final Transport transport;
    private final Duration baseDelay;

    ResponsesProvider(Settings settings, Supplier<CredentialStore> credentials) {
        this(settings, credentials, BASE_DELAY);
    }

    ResponsesProvider(Settings settings, Supplier<CredentialStore> credentials, Duration baseDelay) {
        this.settings = settings;
        this.credentials = credentials;
        this.transport = new Transport(settings.timeout());
        this.baseDelay = baseDelay;
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
        ToolNames names = ToolNames.of(request);
        String model = request.model().isBlank() ? settings.model() : request.model().strip();
        String body = RequestBody.of(request, names, model, settings).toString();
        URI uri = auth.endpoint("responses");
        return withRetries(request.cancellation(), () -> send(auth, uri, body, names, model, sink, request.cancellation()));
    }

    @Override
    public List<ModelInfo> listModels() throws ProviderException {
        Auth auth = auth();
        Cancellation none = Cancellation.none();
        JsonNode list = withRetries(none, () -> {
            try (Transport.Exchange exchange = transport.open(auth.endpoint("models"), headers(auth, false), null, none,
                    auth.failures())) {
                checkStatus(exchange, auth.failures());
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
        CredentialStore store = credentials.get();
        Optional<Credential> credential = Optional.empty();
        if (store != null) {
            try {
                credential = store.credential(LOGIN);
            } catch (AuthException e) {
                throw new ProviderException(Kind.AUTHENTICATION, 0, e.getMessage(), null);
            }
        }
        return credential.filter(found -> !found.secret().isEmpty()).orElseThrow(() -> new ProviderException(Kind.NOT_CONFIGURED,
                "no OpenAI credentials for provider '" + name() + "': run openpista auth login openai (ChatGPT or API key),"
                        + " or set OPENAI_API_KEY or [agent] api_key"));
    }

    private ChatResponse send(Auth auth, URI uri, String body, ToolNames names, String model, StreamListener listener,
            Cancellation cancellation) throws ProviderException, RetryableException {
        Failures failures = auth.failures();
        try (Transport.Exchange exchange = transport.open(uri, headers(auth, settings.stream()), body, cancellation, failures)) {
            checkStatus(exchange, failures);
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
                if (e.isRetryable() && !reader.forwardedText()) {
                    throw new RetryableException(e, Optional.empty());
                }
                throw e;
            }
            return reader.response(model);
        }
    }

    private static Map<String, String> headers(Auth auth, boolean stream) {
        Map<String, String> headers = new LinkedHashMap<>(auth.headers());
        headers.put("accept", stream ? "text/event-stream" : "application/json");
        return headers;
    }

    private static void checkStatus(Transport.Exchange exchange, Failures failures) throws ProviderException, RetryableException {
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

    /** One attempt. */
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
                try {
                    return attempt.run();
                } catch (RetryableException e) {
                    if (retry >= settings.maxRetries()) {
                        ProviderException last = e.failure;
                        String tries = retry == 0 ? "" : " (gave up after " + (retry + 1) + " attempts)";
                        throw new ProviderException(last.kind(), last.httpStatus(), last.getMessage() + tries, last.getCause());
                    }
                    Duration delay = delay(retry, e.retryAfter.orElse(null));
                    LOG.info("Responses provider {}: {}; retrying in {} ms", name(), e.failure.getMessage(), delay.toMillis());
                    try {
                        if (cancelled.await(delay.toNanos(), TimeUnit.NANOSECONDS)) {
                            throw new ProviderException(Kind.CANCELLED, "the request was cancelled");
                        }
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw new ProviderException(Kind.CANCELLED, 0, "the request was interrupted", interrupted);
                    }
                }
            }
        } finally {
            registration.close();
        }
    }

    /** @return how long to wait before the next attempt: the server's {@code retry-after}, else exponential backoff */
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
        return wanted.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : wanted;
    }

    @Override
    public String toString() {
        return "ResponsesProvider[" + settings + "]";
    }
}
