package org.openpista.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

/**
 * Turns HTTP statuses, vendor error bodies and I/O failures into one-line {@link
 * ProviderException}s that name the host, carry the vendor's own message and never the secret.
 */
final class Failures {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 300;

    private final String host;
    private final Supplier<Credentials> credentials;

    Failures(String host, Credentials credentials) {
        this(host, () -> credentials);
    }

    /** @param credentials the credentials of the request in flight, blotted out of messages */
    Failures(String host, Supplier<Credentials> credentials) {
        this.host = host;
        this.credentials = credentials;
    }

    /** @return the failure an error status with this body means */
    ProviderException status(int status, String body) {
        String type = "";
        String message = "";
        try {
            JsonNode error = JSON.readTree(body).path("error");
            type = error.path("type").asText("");
            message = error.path("message").asText("");
        } catch (IOException | RuntimeException notJson) {
            // a proxy or load balancer answered with HTML or plain text
        }
        if (message.isBlank()) {
            message = body == null || body.isBlank() ? "no details" : body;
        }
        String head = status + (type.isEmpty() ? "" : " " + type) + " from " + host + ": " + clean(message);
        Kind kind;
        String hint = "";
        if (status == 401 || status == 403) {
            kind = Kind.AUTHENTICATION;
            hint = credentials.get().isOauth()
                    ? "; log in again: openpista auth login anthropic"
                    : "; check ANTHROPIC_API_KEY or [agent] api_key";
        } else if (status == 429) {
            kind = Kind.RATE_LIMITED;
        } else if (status == 529 || status >= 500) {
            kind = Kind.SERVER;
        } else if (status == 404) {
            kind = Kind.BAD_REQUEST;
            hint = "; check [agent] model and base_url";
        } else {
            kind = Kind.BAD_REQUEST;
        }
        return new ProviderException(kind, status, head + hint, null);
    }

    /** @return the failure an {@code error} event inside a stream means */
    ProviderException streamError(JsonNode event) {
        JsonNode error = event.path("error");
        String type = error.path("type").asText("error");
        String message = error.path("message").asText("no details");
        int status = switch (type) {
            case "overloaded_error" -> 529;
            case "rate_limit_error" -> 429;
            case "authentication_error" -> 401;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "invalid_request_error" -> 400;
            case "request_too_large" -> 413;
            default -> 500;
        };
        ProviderException mapped = status(status, "");
        String line = type + " in the answer stream from " + host + ": " + clean(message);
        return new ProviderException(mapped.kind(), status, line, null);
    }

    /** @return the failure an I/O problem means */
    ProviderException io(Throwable failure, java.time.Duration timeout) {
        if (failure instanceof HttpConnectTimeoutException) {
            return new ProviderException(Kind.TIMEOUT, 0,
                    "could not connect to " + host + " within " + timeout.toSeconds() + " s", failure);
        }
        if (failure instanceof HttpTimeoutException) {
            return timeout(timeout);
        }
        if (failure instanceof ConnectException) {
            return new ProviderException(Kind.NETWORK, 0,
                    "cannot reach Anthropic at " + host + ": connection refused", failure);
        }
        if (failure instanceof UnknownHostException || failure instanceof UnresolvedAddressException
                || failure.getCause() instanceof UnresolvedAddressException) {
            return new ProviderException(Kind.NETWORK, 0,
                    "cannot reach Anthropic at " + host + ": unknown host", failure);
        }
        if (failure instanceof SSLException) {
            return new ProviderException(Kind.NETWORK, 0,
                    "TLS failure talking to " + host + ": " + clean(String.valueOf(failure.getMessage())), failure);
        }
        String detail = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new ProviderException(Kind.NETWORK, 0,
                "connection to " + host + " failed: " + clean(detail), failure);
    }

    /** @return the failure of waiting too long */
    ProviderException timeout(java.time.Duration timeout) {
        return new ProviderException(Kind.TIMEOUT, 0,
                "no answer from " + host + " within " + timeout.toSeconds() + " s", null);
    }

    /** @return the failure of an answer that breaks the protocol */
    ProviderException malformed(String what, Throwable cause) {
        return new ProviderException(Kind.MALFORMED_RESPONSE, 200,
                "malformed answer from " + host + ": " + clean(what), cause);
    }

    /** @return text made into one line of bounded length, the secret blotted out */
    String clean(String text) {
        String line = credentials.get().redact(text).replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "…";
    }
}
