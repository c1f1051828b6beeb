package org.openpista.provider.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.provider.support.HttpFailures;

/**
 * Turns the statuses, error bodies and broken answers of a Chat Completions server into {@link
 * ProviderException}s with one line for the user. Messages name the vendor and what to do, carry
 * the vendor's own error message where it helps (an unknown model), and never the API key. The
 * failures of the exchange itself (no connection, timeouts, cancellation, giving up after retries)
 * are {@link HttpFailures}', worded as for every provider.
 */
final class Failures {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final HttpFailures http;

    Failures(Settings settings) {
        this.settings = settings;
        String vendor = settings.vendor();
        String host = settings.hostPort();
        // "OpenAI at api.openai.com:443"; a custom host is named by host:port alone
        String where = vendor.equals(host) || host.isEmpty() ? vendor : vendor + " at " + host;
        this.http = new HttpFailures(where, where, settings::apiKey);
    }

    /** @return the failures of the exchange itself: I/O, timeouts, cancellation, retries */
    HttpFailures http() {
        return http;
    }

    /** @return the failure of an answer that broke the protocol */
    ProviderException malformed(String detail, Throwable cause) {
        return new ProviderException(Kind.MALFORMED_RESPONSE, 200,
                settings.vendor() + " sent an answer that is not a valid chat completion: " + clean(detail), cause);
    }

    /** @return the failure for an HTTP error status with the given body */
    ProviderException status(int status, String body) {
        String vendor = settings.vendor();
        String detail = detail(body);
        String quoted = detail.isEmpty() ? "" : ": " + detail;
        if (status == 401) {
            return new ProviderException(Kind.AUTHENTICATION, status,
                    vendor + " rejected the API key (401): check " + settings.keyHint(), null);
        }
        if (status == 403) {
            return new ProviderException(Kind.AUTHENTICATION, status, vendor + " refused access (403)" + quoted + "; check "
                    + settings.keyHint(), null);
        }
        if (status == 408) {
            return new ProviderException(Kind.TIMEOUT, status, vendor + " timed out (408)" + quoted, null);
        }
        if (status == 429) {
            return new ProviderException(Kind.RATE_LIMITED, status, vendor + " is rate limiting requests (429)" + quoted, null);
        }
        if (status >= 500) {
            return new ProviderException(Kind.SERVER, status, vendor + " failed with a server error (" + status + ")" + quoted, null);
        }
        return new ProviderException(Kind.BAD_REQUEST, status, vendor + " refused the request (" + status + ")" + quoted, null);
    }

    /**
     * @param error the {@code error} object a server sent inside a stream (OpenAI does so when the
     *     answer fails after it started)
     * @return the failure it reports, retryable for rate limits and server errors
     */
    ProviderException streamError(JsonNode error) {
        String code = error.path("code").asText(error.path("type").asText(""));
        int status = switch (code) {
            case "rate_limit_exceeded", "insufficient_quota" -> 429;
            case "invalid_api_key" -> 401;
            case "invalid_request_error", "context_length_exceeded", "content_filter" -> 400;
            default -> 500;
        };
        return status(status, "{\"error\":" + error + "}");
    }

    /** @return the vendor's error message from an error body, one line, without the key */
    String detail(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String message = body;
        try {
            JsonNode json = JSON.readTree(body);
            JsonNode error = json.path("error");
            if (error.path("message").isTextual()) {
                message = error.path("message").asText();
            } else if (error.isTextual()) {
                message = error.asText();
            } else if (json.path("message").isTextual()) {
                message = json.path("message").asText();
            } else if (json.path("detail").isTextual()) {
                message = json.path("detail").asText();
            }
        } catch (JsonProcessingException notJson) {
            // an HTML error page or plain text: quote its start
        }
        return clean(message);
    }

    /** @return the text on one line, shortened, with the API key blanked out */
    String clean(String text) {
        return HttpFailures.oneLine(text, settings.apiKey());
    }
}
