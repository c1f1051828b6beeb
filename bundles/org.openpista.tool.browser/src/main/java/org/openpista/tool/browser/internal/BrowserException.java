package org.openpista.tool.browser.internal;

import java.util.Locale;

/**
 * A browser call that cannot be done, with a short reason for the model: the result reads {@code
 * kind: message}, so the model can tell a stale ref from a navigation timeout at a glance.
 */
final class BrowserException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong; the lower-case name starts the result. */
    enum Kind {
        INVALID_ARGUMENTS,
        NO_SUCH_REF,
        STALE_REF,
        NO_SUCH_ELEMENT,
        AMBIGUOUS,
        NOT_INTERACTABLE,
        BLOCKED_URL,
        NAVIGATION_FAILED,
        NAVIGATION_TIMEOUT,
        TIMEOUT,
        DIALOG_OPEN,
        CHROMIUM_MISSING,
        START_FAILED,
        CRASHED,
        PAGE_CRASHED,
        CANCELLED,
        BROWSER_ERROR,
        UNAVAILABLE;

        /** @return the name the model reads, for example {@code stale_ref} */
        String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;

    BrowserException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** @return what went wrong */
    Kind kind() {
        return kind;
    }

    /** @return the text of the error result */
    String render() {
        return kind.code() + ": " + getMessage();
    }
}
