package org.openpista.channel.support;

import java.util.Optional;

/**
 * What the channels say of an exception in one line (a log line, a reply, {@code status}): its
 * message, or where it has none its class's name, never a stack trace.
 */
public final class Problems {

    private Problems() {}

    /** @return the exception's message, or where it has none (or a blank one) its class's simple name */
    public static String describe(Throwable problem) {
        String message = problem.getMessage();
        return message == null || message.isBlank() ? problem.getClass().getSimpleName() : message;
    }

    /**
     * @return the first message (not blank) of the exception and its causes, outermost first; empty
     *     where none has one (the JDK's {@code ConnectException} and many timeouts)
     */
    public static Optional<String> firstMessage(Throwable problem) {
        int depth = 0;
        for (Throwable cause = problem; cause != null && depth < 100; cause = cause.getCause(), depth++) {
            if (cause.getMessage() != null && !cause.getMessage().isBlank()) {
                return Optional.of(cause.getMessage());
            }
        }
        return Optional.empty();
    }
}
