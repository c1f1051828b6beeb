package org.openpista.provider.anthropic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.function.Supplier;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.provider.support.HttpFailures;

/**
 * Turns HTTP statuses and Anthropic's error bodies and events into one-line {@link
 * ProviderException}s that name the host, carry the vendor's own message and never the secret;
 * failures of the exchange itself are {@link HttpFailures}'.
 */
final class Failures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<Credentials> credentials;
    private final HttpFailures http;

    Failures(String host, Credentials credentials) {
        this(host, () -> credentials);
    }

    /** @param credentials the credentials of the request in flight, blotted out of messages */
    Failures(String host, Supplier<Credentials> credentials) {
        this.credentials = credentials;
        this.http = new HttpFailures(host, "Anthropic at " + host, () -> credentials.get().secret());
    }

    /** @return the failures of the exchange itself: I/O, timeouts, cancellation, retries */
    HttpFailures http() {
        return http;
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
        String head = status + (type.isEmpty() ? "" : " " + type) + " from " + http.host() + ": " + http.clean(message);
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
        String line = type + " in the answer stream from " + http.host() + ": " + http.clean(message);
        return new ProviderException(mapped.kind(), status, line, null);
    }

    /** @return the failure of an answer that breaks the protocol */
    ProviderException malformed(String what, Throwable cause) {
        return http.malformed(what, cause);
    }
}
