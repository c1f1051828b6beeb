package org.openpista.provider.openai.internal;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * The JDK HTTP client that langchain4j's {@code JdkHttpClient} runs one exchange on: it delegates to
 * the provider's shared client and keeps what langchain4j does not give back.
 *
 * <p>Written by hand because langchain4j lacks two things: its {@code HttpException} carries status
 * and body but no headers, so {@code retry-after} would be lost; and its stream handle only stops
 * between two events, so a cancelled turn or a stalled stream would keep its connection open. This
 * tap records the last response's status and headers, and {@link #abort()} cancels the request in
 * flight and closes a streamed body. It also puts a deadline on blocking exchanges, whose body the
 * JDK would otherwise wait for without limit once the headers have arrived.
 *
 * <p>One instance serves one attempt; it is handed to langchain4j through {@link #builder()}.
 */
final class TappedHttpClient extends HttpClient {

    private final HttpClient delegate;
    private final Duration deadline;
    private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
    private final Set<InputStream> bodies = ConcurrentHashMap.newKeySet();
    private volatile boolean aborted;
    private volatile int status;
    private volatile HttpHeaders headers = HttpHeaders.of(Map.of(), (name, value) -> true);

    /**
     * @param delegate the shared client doing the work
     * @param deadline how long a blocking exchange may take, headers and body
     */
    TappedHttpClient(HttpClient delegate, Duration deadline) {
        this.delegate = delegate;
        this.deadline = deadline;
    }

    /**
     * @return a builder for langchain4j's {@code JdkHttpClient.builder().httpClientBuilder(...)}:
     *     {@code build()} returns this tap, every setting is ignored, since the shared client is
     *     configured already (connect timeout, HTTP version). A proxy rather than a class because
     *     the builder interface has a dozen setters, all of which do nothing here.
     */
    HttpClient.Builder builder() {
        InvocationHandler builder = (proxy, method, args) -> {
            if (method.getName().equals("build") && method.getParameterCount() == 0) {
                return this;
            }
            if (method.getReturnType() == HttpClient.Builder.class) {
                return proxy;
            }
            return switch (method.getName()) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "TappedHttpClient.builder()";
                default -> throw new UnsupportedOperationException(method.getName());
            };
        };
        return (HttpClient.Builder) Proxy.newProxyInstance(TappedHttpClient.class.getClassLoader(),
                new Class<?>[] {HttpClient.Builder.class}, builder);
    }

    /** @return the status of the last response, or 0 before any arrived */
    int status() {
        return status;
    }

    /** @return the headers of the last response, empty before any arrived */
    HttpHeaders headers() {
        return headers;
    }

    /** @return whether {@link #abort()} was called */
    boolean aborted() {
        return aborted;
    }

    /** Cancels the request in flight and closes a streamed body; later requests fail at once. */
    void abort() {
        aborted = true;
        for (CompletableFuture<?> future : inFlight) {
            future.cancel(true);
        }
        for (InputStream body : bodies) {
            closeQuietly(body);
        }
    }

    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<T>> response = sendAsync(request, handler);
        try {
            return response.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            abort();
            throw e;
        } catch (TimeoutException e) {
            abort();
            throw new HttpTimeoutException("no complete answer within " + deadline.toSeconds() + " s");
        } catch (CancellationException e) {
            throw new IOException("request cancelled", e);
        } catch (ExecutionException e) {
            throw rethrowable(e.getCause());
        }
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        return tap(() -> delegate.sendAsync(request, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(
            HttpRequest request, HttpResponse.BodyHandler<T> handler, HttpResponse.PushPromiseHandler<T> pushes) {
        return tap(() -> delegate.sendAsync(request, handler, pushes));
    }

    private <T> CompletableFuture<HttpResponse<T>> tap(java.util.function.Supplier<CompletableFuture<HttpResponse<T>>> send) {
        if (aborted) {
            return CompletableFuture.failedFuture(new IOException("request cancelled"));
        }
        CompletableFuture<HttpResponse<T>> sent = send.get();
        inFlight.add(sent);
        if (aborted) {
            sent.cancel(true);
        }
        return sent.thenApply(response -> {
            inFlight.remove(sent);
            status = response.statusCode();
            headers = response.headers();
            if (response.body() instanceof InputStream body) {
                bodies.add(body);
                if (aborted) {
                    closeQuietly(body);
                }
            }
            return response;
        });
    }

    /** @return the cause of a failed exchange as something {@link #send} may throw */
    private static IOException rethrowable(Throwable cause) {
        Throwable failure = cause;
        while ((failure instanceof CompletionException || failure instanceof ExecutionException)
                && failure.getCause() != null) {
            failure = failure.getCause();
        }
        if (failure instanceof IOException io) {
            return io;
        }
        if (failure instanceof CancellationException) {
            return new IOException("request cancelled", failure);
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new IOException(failure);
    }

    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException | RuntimeException ignored) {
            // the exchange is being abandoned; a failing close changes nothing
        }
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
        return delegate.cookieHandler();
    }

    @Override
    public Optional<Duration> connectTimeout() {
        return delegate.connectTimeout();
    }

    @Override
    public Redirect followRedirects() {
        return delegate.followRedirects();
    }

    @Override
    public Optional<ProxySelector> proxy() {
        return delegate.proxy();
    }

    @Override
    public SSLContext sslContext() {
        return delegate.sslContext();
    }

    @Override
    public SSLParameters sslParameters() {
        return delegate.sslParameters();
    }

    @Override
    public Optional<Authenticator> authenticator() {
        return delegate.authenticator();
    }

    @Override
    public Version version() {
        return delegate.version();
    }

    @Override
    public Optional<Executor> executor() {
        return delegate.executor();
    }
}
