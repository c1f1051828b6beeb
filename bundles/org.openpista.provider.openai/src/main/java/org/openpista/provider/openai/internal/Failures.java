package org.openpista.provider.openai.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.llm.ProviderException.Kind;
import org.openpista.provider.support.HttpFailures;
import org.openpista.provider.support.Retrier;

/**
 * Turns whatever langchain4j, the JDK client or the server threw into a {@link ProviderException}
 * with one line for the user. Messages name the vendor and what to do, carry the vendor's own error
 * message where it helps (an unknown model), and never the API key.
 */
final class Failures implements Retrier.Wording {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;

    Failures(Settings settings) {
        this.settings = settings;
    }

    /** @return the failure of a request that was cancelled or interrupted */
    @Override
    public ProviderException cancelled(boolean interrupted) {
        return new ProviderException(Kind.CANCELLED, 0,
                "The request to " + settings.vendor() + (interrupted ? " was interrupted" : " was cancelled"), null);
    }

    /** @return the last failure, its message ending in "(gave up after N retries)" */
    @Override
    public ProviderException gaveUp(ProviderException last, int retries) {
        return new ProviderException(last.kind(), last.httpStatus(),
                last.getMessage() + " (gave up after " + retries + (retries == 1 ? " retry)" : " retries)"), last.getCause());
    }

    /** @return the failure of a stream that stopped sending */
    ProviderException stalled() {
        return new ProviderException(Kind.TIMEOUT, 0, settings.vendor() + " sent nothing for "
                + span(settings.timeout()) + " (" + settings.hostPort() + "); raise timeout_secs if the model is slow",
                null);
    }

    /** @return the failure of a request that got no answer in time */
    ProviderException noAnswer(Throwable cause) {
        return new ProviderException(Kind.TIMEOUT, 0, settings.vendor() + " did not answer within "
                + span(settings.timeout()) + " (" + settings.hostPort() + "); raise timeout_secs if the model is slow",
                cause);
    }

    /** @return the failure of an answer that broke the protocol */
    ProviderException malformed(String detail, Throwable cause) {
        return new ProviderException(Kind.MALFORMED_RESPONSE, 200,
                settings.vendor() + " sent an answer that is not a valid chat completion: " + clean(detail), cause);
    }

    /**
     * @param failure what was thrown
     * @param tap the exchange's tap, for the status the server answered with
     * @param cancelled whether the turn was cancelled
     * @return the failure for the user
     */
    ProviderException map(Throwable failure, TappedHttpClient tap, boolean cancelled) {
        if (cancelled) {
            return cancelled(false);
        }
        if (find(failure, InterruptedException.class) != null || Thread.currentThread().isInterrupted()) {
            return cancelled(true);
        }
        HttpException http = find(failure, HttpException.class);
        if (http != null) {
            return fromStatus(http.statusCode(), http.getMessage(), failure);
        }
        String vendor = settings.vendor();
        String where = settings.hostPort();
        if (find(failure, HttpConnectTimeoutException.class) != null) {
            return new ProviderException(Kind.TIMEOUT, 0, "Cannot reach " + vendor + " at " + where + ": no connection within "
                    + span(settings.timeout()), failure);
        }
        if (find(failure, HttpTimeoutException.class) != null
                || find(failure, dev.langchain4j.exception.TimeoutException.class) != null) {
            return noAnswer(failure);
        }
        JsonProcessingException json = find(failure, JsonProcessingException.class);
        if (json != null) {
            return malformed(json.getOriginalMessage(), failure);
        }
        if (find(failure, ConnectException.class) != null) {
            return new ProviderException(Kind.NETWORK, 0, "Cannot reach " + vendor + " at " + where
                    + ": connection refused; is the server running and base_url right?", failure);
        }
        if (find(failure, UnknownHostException.class) != null || find(failure, UnresolvedAddressException.class) != null
                || find(failure, UnresolvedModelServerException.class) != null) {
            return new ProviderException(Kind.NETWORK, 0, "Cannot reach " + vendor + ": unknown host in " + where
                    + "; check base_url and the network", failure);
        }
        if (tap != null && tap.status() >= 200 && tap.status() < 300) {
            return malformed(rootMessage(failure), failure);
        }
        IOException io = find(failure, IOException.class);
        if (io != null) {
            return new ProviderException(Kind.NETWORK, 0, "The connection to " + vendor + " at " + where + " failed: "
                    + clean(rootMessage(failure)), failure);
        }
        return new ProviderException(Kind.BAD_REQUEST, 0, "Could not send the request to " + vendor + ": "
                + clean(rootMessage(failure)), failure);
    }

    /** @return the failure for an HTTP error status with the given body */
    ProviderException fromStatus(int status, String body, Throwable cause) {
        String vendor = settings.vendor();
        String detail = detail(body);
        if (status == 401) {
            return new ProviderException(Kind.AUTHENTICATION, status,
                    vendor + " rejected the API key (401): check " + settings.keyHint(), cause);
        }
        if (status == 403) {
            return new ProviderException(Kind.AUTHENTICATION, status, vendor + " refused access (403)"
                    + (detail.isEmpty() ? "" : ": " + detail) + "; check " + settings.keyHint(), cause);
        }
        if (status == 408) {
            return new ProviderException(Kind.TIMEOUT, status, vendor + " timed out (408)"
                    + (detail.isEmpty() ? "" : ": " + detail), cause);
        }
        if (status == 429) {
            return new ProviderException(Kind.RATE_LIMITED, status, vendor + " is rate limiting requests (429)"
                    + (detail.isEmpty() ? "" : ": " + detail), cause);
        }
        if (status >= 500) {
            return new ProviderException(Kind.SERVER, status, vendor + " failed with a server error (" + status + ")"
                    + (detail.isEmpty() ? "" : ": " + detail), cause);
        }
        return new ProviderException(Kind.BAD_REQUEST, status, vendor + " refused the request (" + status + ")"
                + (detail.isEmpty() ? "" : ": " + detail), cause);
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

    /** @return a duration for messages: whole seconds, or milliseconds below one second */
    static String span(Duration duration) {
        return duration.compareTo(Duration.ofSeconds(1)) < 0 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        int depth = 0;
        for (Throwable t = failure; t != null && depth < 20; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
