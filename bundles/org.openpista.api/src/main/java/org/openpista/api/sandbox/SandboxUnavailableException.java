package org.openpista.api.sandbox;

/**
 * The sandbox's engine cannot be reached or used at all right now (the Docker daemon is down, the
 * socket is missing), as opposed to a request that failed. Callers may fall back to another
 * sandbox type when their policy allows it.
 *
 * @since 1.1.0
 */
public class SandboxUnavailableException extends SandboxException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is unavailable and why, for the user
     * @param cause the underlying exception, or {@code null}
     */
    public SandboxUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
