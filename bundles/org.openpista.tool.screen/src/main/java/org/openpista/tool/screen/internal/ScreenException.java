package org.openpista.tool.screen.internal;

import java.io.IOException;

/**
 * A capture or recognition that cannot be done, with a message that is the one line the model and
 * the user read: what is missing and, where it can be installed, how.
 */
final class ScreenException extends IOException {

    private static final long serialVersionUID = 1L;

    ScreenException(String message) {
        super(message);
    }
}
