package org.openpista.api.memory;

/** The conversation store failed (disk full, locked or corrupt database). */
public class StoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, for the user
     * @param cause the underlying exception
     */
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
