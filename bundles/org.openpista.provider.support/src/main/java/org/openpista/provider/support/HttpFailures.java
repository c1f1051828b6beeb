package org.openpista.provider.support;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

/**
 * The failures of an exchange that do not depend on the vendor's error format, as one-line {@link
 * ProviderException}s that name the host and never carry the secret: I/O problems, waiting too
 * long, answers that break the protocol, cancellation, and giving up after retries. A provider
 * keeps its own mapping of HTTP statuses and error bodies and builds its messages with {@link
 * #clean(String)}.
 */
public final class HttpFailures implements Retrier.Wording {

    /** The longest text quoted from a server or an exception. */
    public static final int MAX_MESSAGE = 300;

    private final String host;
    private final String peer;
    private final Supplier<String> secret;

    /**
     * @param host names the server in messages: {@code host:port}, {@code host}, or the vendor with
     *     them, such as {@code OpenAI at api.openai.com:443}
     * @param peer how "cannot reach ..." messages name the server, for example the host, or {@code
     *     Anthropic at} and the host
     * @param secret the key or token of the request in flight, blotted out of every message
     */
    public HttpFailures(String host, String peer, Supplier<String> secret) {
        this.host = host;
        this.peer = peer;
        this.secret = secret;
    }

    /** @return the host named in messages */
    public String host() {
        return host;
    }

    /**
     * @param failure what the HTTP client reported
     * @param timeout the timeout in force, named in messages
     * @return {@code TIMEOUT} for connect and request timeouts, else {@code NETWORK}
     */
    public ProviderException io(Throwable failure, Duration timeout) {
        if (failure instanceof HttpConnectTimeoutException) {
            return new ProviderException(Kind.TIMEOUT, 0, "could not connect to " + host + " within " + span(timeout), failure);
        }
        if (failure instanceof HttpTimeoutException) {
            return timeout(timeout);
        }
        if (failure instanceof ConnectException) {
            return new ProviderException(Kind.NETWORK, 0, "cannot reach " + peer + ": connection refused", failure);
        }
        if (failure instanceof UnknownHostException || failure instanceof UnresolvedAddressException
                || failure.getCause() instanceof UnresolvedAddressException) {
            return new ProviderException(Kind.NETWORK, 0, "cannot reach " + peer + ": unknown host", failure);
        }
        if (failure instanceof SSLException) {
            return new ProviderException(Kind.NETWORK, 0, "TLS failure talking to " + host + ": "
                    + clean(String.valueOf(failure.getMessage())), failure);
        }
        String detail = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new ProviderException(Kind.NETWORK, 0, "connection to " + host + " failed: " + clean(detail), failure);
    }

    /**
     * @return whether the connection ended before the first byte of the answer (the JDK client's
     *     words for it), so the request may be sent again: {@link HttpTransport} does so
     */
    static boolean closedBeforeAnswering(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage();
            if (message != null && message.contains("header parser received no bytes")) {
                return true;
            }
        }
        return false;
    }

    /** @return the {@code TIMEOUT} failure of waiting longer than {@code timeout} for the answer to start */
    public ProviderException timeout(Duration timeout) {
        return new ProviderException(Kind.TIMEOUT, 0, "no answer from " + host + " within " + span(timeout), null);
    }

    /**
     * @return the {@code TIMEOUT} failure of an answer that started and then stopped coming for
     *     longer than {@code timeout}
     */
    public ProviderException stalled(Duration timeout) {
        return new ProviderException(Kind.TIMEOUT, 0, host + " sent nothing for " + span(timeout), null);
    }

    /**
     * @param what what is wrong with the answer
     * @param cause the parser's exception, or {@code null}
     * @return the {@code MALFORMED_RESPONSE} failure of an answer that breaks the protocol
     */
    public ProviderException malformed(String what, Throwable cause) {
        return new ProviderException(Kind.MALFORMED_RESPONSE, 200, "malformed answer from " + host + ": " + clean(what), cause);
    }

    /** @return {@code CANCELLED}: "the request was cancelled", or "... interrupted" */
    @Override
    public ProviderException cancelled(boolean interrupted) {
        return interrupted
                ? new ProviderException(Kind.CANCELLED, 0, "the request was interrupted", null)
                : new ProviderException(Kind.CANCELLED, "the request was cancelled");
    }

    /** @return the last failure, its message ending in "(gave up after N attempts)" */
    @Override
    public ProviderException gaveUp(ProviderException last, int retries) {
        return new ProviderException(last.kind(), last.httpStatus(),
                last.getMessage() + " (gave up after " + (retries + 1) + " attempts)", last.getCause());
    }

    /** @return a duration for messages: whole seconds, or milliseconds below one second */
    private static String span(Duration duration) {
        return duration.compareTo(Duration.ofSeconds(1)) < 0 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }

    /** @return the text on one line of bounded length, the secret of the request blotted out */
    public String clean(String text) {
        return oneLine(text, secret.get());
    }

    /**
     * @param text a message of a server or an exception, or {@code null}
     * @param secret a key or token to blot out (as {@code ***}); ignored when shorter than 4
     *     characters, or {@code null}
     * @return the text with runs of white space made one space, stripped, and cut to {@value
     *     #MAX_MESSAGE} characters (then ending in {@code …})
     */
    public static String oneLine(String text, String secret) {
        String line = text == null ? "" : text;
        if (secret != null && secret.length() >= 4) {
            line = line.replace(secret, "***");
        }
        line = line.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "…";
    }
}
