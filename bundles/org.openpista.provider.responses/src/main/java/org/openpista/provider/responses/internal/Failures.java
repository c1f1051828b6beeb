package org.openpista.provider.responses.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.provider.support.HttpFailures;

/**
 * Turns HTTP statuses and the Responses API's error bodies and events into one-line {@link
 * ProviderException}s that name the host, carry the vendor's own message and never a secret;
 * failures of the exchange itself are {@link HttpFailures}'.
 */
final class Failures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String keyHint;
    private final HttpFailures http;

    /**
     * @param host host:port named in messages
     * @param secret the key or token of the request, blotted out should a server echo it
     * @param keyHint what to check after a refused credential
     */
    Failures(String host, String secret, String keyHint) {
        this.keyHint = keyHint;
        this.http = new HttpFailures(host, host, () -> secret);
    }

    /** @return the failures of the exchange itself: I/O, timeouts, cancellation, retries */
    HttpFailures http() {
        return http;
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
        String head = status + (code.isEmpty() || code.equals("null") ? "" : " " + code) + " from " + http.host() + ": "
                + http.clean(message);
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
        return new ProviderException(mapped.kind(), status, code + " in the answer from " + http.host() + ": " + http.clean(message),
                null);
    }

    /** @return the failure of an answer that breaks the protocol */
    ProviderException malformed(String what, Throwable cause) {
        return http.malformed(what, cause);
    }
}
