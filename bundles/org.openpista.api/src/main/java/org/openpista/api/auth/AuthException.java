package org.openpista.api.auth;

/**
 * A login or credential operation failed. The message is one line for the user that says what to
 * do, for example {@code the openai login expired and could not be refreshed (400 invalid_grant):
 * run openpista auth login openai}. It never contains a secret.
 */
public class AuthException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param message one line for the user */
    public AuthException(String message) {
        super(message);
    }

    /**
     * @param message one line for the user
     * @param cause the underlying exception, or {@code null}
     */
    public AuthException(String message, Throwable cause) {
        super(message, cause);
    }
}
