package org.openpista.api.skill;

/** A skill could not be installed or removed; the message says why, in one line for the user. */
public class SkillException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, for the user
     * @param cause the underlying exception, or {@code null}
     */
    public SkillException(String message, Throwable cause) {
        super(message, cause);
    }
}
