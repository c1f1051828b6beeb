package org.openpista.api.llm;

/**
 * A provider request failed. The message is one line meant for the user: it says what went wrong
 * and, where possible, what to do ("401 Unauthorized from api.openai.com: check OPENAI_API_KEY").
 * It never contains a secret.
 */
public class ProviderException extends Exception {

    private static final long serialVersionUID = 1L;

    /** What kind of failure this is; decides whether a retry can help. */
    public enum Kind {
        /** The credentials were refused (401, 403). */
        AUTHENTICATION,
        /** Too many requests (429); retried with backoff. */
        RATE_LIMITED,
        /** The vendor failed (5xx); retried with backoff. */
        SERVER,
        /** No answer within the time limit. */
        TIMEOUT,
        /** The host could not be reached. */
        NETWORK,
        /** The answer did not follow the protocol. */
        MALFORMED_RESPONSE,
        /** The request was refused as invalid (400, 404, 422), for example an unknown model. */
        BAD_REQUEST,
        /** The turn was cancelled while the request ran. */
        CANCELLED,
        /** The provider lacks configuration such as an API key or base URL. */
        NOT_CONFIGURED
    }

    private final Kind kind;
    private final int httpStatus;

    /**
     * @param kind the failure kind
     * @param httpStatus the HTTP status, or 0 when there was none
     * @param message one line for the user
     * @param cause the underlying exception, or {@code null}
     */
    public ProviderException(Kind kind, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
    }

    /** Creates an exception without HTTP status or cause. */
    public ProviderException(Kind kind, String message) {
        this(kind, 0, message, null);
    }

    /** @return the failure kind */
    public Kind kind() {
        return kind;
    }

    /** @return the HTTP status, or 0 */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return whether trying the same request again later may succeed */
    public boolean isRetryable() {
        return kind == Kind.RATE_LIMITED || kind == Kind.SERVER;
    }
}
