package org.openpista.api.sandbox;

/** The sandbox could not run the request at all (engine unreachable, image missing). */
public class SandboxException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for the user
     * @param cause the underlying exception, or {@code null}
     */
    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
