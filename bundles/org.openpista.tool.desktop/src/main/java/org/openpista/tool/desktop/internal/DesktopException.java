package org.openpista.tool.desktop.internal;

import java.io.IOException;

/**
 * A notification or clipboard access that cannot be done, with a message that is the one line the
 * model and the user read: what is missing and, where it can be installed, how.
 */
final class DesktopException extends IOException {

    private static final long serialVersionUID = 1L;

    DesktopException(String message) {
        super(message);
    }
}
