package org.openpista.provider.responses.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;

/**
 * Turns HTTP statuses, error bodies and events, and I/O failures into one-line {@link
 * ProviderException}s that name the host, carry the vendor's own message and never a secret.
 */
final class Failures {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 300;

    private final String host;
    private final String secret;
    private final String keyHint;

    /**
     * @param host host:port named in messages
     * @param secret the key or token of the request, blotted out should a server echo it
     * @param keyHint what to check after a refused credential
     */
    Failures(String host, String secret, String keyHint) {
        this.host = host;
        this.secret = secret == null ? "" : secret;
        this.keyHint = keyHint;
    }

    /** @return the failure an error status with this body means */
    ProviderException status(int status, String body) {
        String code = "";
        String message = "";
        try {
            JsonNode root = JSON.readTree(body);
            JsonNode error = root.path("error");
            code = error.path("code").asText(error.path("type").asText(""));
            message = error.path("message").asText(root.path("detail").asText(""));
        } catch (IOException | RuntimeException notJson) {
            // a proxy or load balancer answered with HTML or plain text
        }
        if (message.isBlank()) {
            message = body == null || body.isBlank() ? "no details" : body;
        }
        String head = status + (code.isEmpty() || code.equals("null") ? "" : " " + code) + " from " + host + ": " + clean(message);
        if (status == 401 || status == 403) {
            return new ProviderException(Kind.AUTHENTICATION, status, head + "; " + keyHint, null);
        }
        if (status == 429) {
            return new ProviderException(Kind.RATE_LIMITED, status, head, null);
        }
        if (status >= 500) {
            return new ProviderException(Kind.SERVER, status, head, null);
        }
        return new ProviderException(Kind.BAD_REQUEST, status, status == 404 ? head + "; check [agent] model and base_url" : head, null);
    }

    /** @return the failure a {@code response.failed} or {@code error} event reports */
    ProviderException streamError(JsonNode error) {
        String code = error.path("code").asText(error.path("type").asText("error"));
        String message = error.path("message").asText("no details");
        int status = switch (code) {
            case "rate_limit_exceeded" -> 429;
            case "server_error", "server_is_overloaded" -> 500;
            case "invalid_api_key" -> 401;
            default -> 400;
        };
        ProviderException mapped = status(status, "");
        return new ProviderException(mapped.kind(), status, code + " in the answer from " + host + ": " + clean(message), null);
    }

    /** @return the failure an I/O problem means */
    ProviderException io(Throwable failure, Duration timeout) {
        if (failure instanceof HttpConnectTimeoutException) {
            return new ProviderException(Kind.TIMEOUT, 0, "could not connect to " + host + " within " + timeout.toSeconds() + " s",
                    failure);
        }
        if (failure instanceof HttpTimeoutException) {
            return timeout(timeout);
        }
        if (failure instanceof ConnectException) {
            return new ProviderException(Kind.NETWORK, 0, "cannot reach " + host + ": connection refused", failure);
        }
        if (failure instanceof UnknownHostException || failure instanceof UnresolvedAddressException
                || failure.getCause() instanceof UnresolvedAddressException) {
            return new ProviderException(Kind.NETWORK, 0, "cannot reach " + host + ": unknown host", failure);
        }
        if (failure instanceof SSLException) {
            return new ProviderException(Kind.NETWORK, 0, "TLS failure talking to " + host + ": "
                    + clean(String.valueOf(failure.getMessage())), failure);
        }
        String detail = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new ProviderException(Kind.NETWORK, 0, "connection to " + host + " failed: " + clean(detail), failure);
    }

    /** @return the failure of waiting too long */
    ProviderException timeout(Duration timeout) {
        return new ProviderException(Kind.TIMEOUT, 0, "no answer from " + host + " within " + timeout.toSeconds() + " s", null);
    }

    /** @return the failure of an answer that breaks the protocol */
    ProviderException malformed(String what, Throwable cause) {
        return new ProviderException(Kind.MALFORMED_RESPONSE, 200, "malformed answer from " + host + ": " + clean(what), cause);
    }

    /** @return text made into one line of bounded length, the secret blotted out */
    String clean(String text) {
        String line = text == null ? "" : text;
        if (secret.length() >= 4) {
            line = line.replace(secret, "***");
        }
        line = line.replaceAll("\\s+", " ").strip();
        return line.length() <= MAX_MESSAGE ? line : line.substring(0, MAX_MESSAGE) + "…";
    }
}
