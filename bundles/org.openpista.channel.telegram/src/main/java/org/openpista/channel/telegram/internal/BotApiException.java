package org.openpista.channel.telegram.internal;

/** A Bot API call that failed for good; the message is one line for logs and users. */
final class BotApiException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int errorCode;

    BotApiException(String message, int errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** @return Telegram's error code (400, 401, 403, …), or 0 for network errors */
    int errorCode() {
        return errorCode;
    }

    /** @return whether Telegram refused the formatting of a text ("can't parse entities") */
    boolean badMarkup() {
        return errorCode == 400 && getMessage() != null && getMessage().toLowerCase(java.util.Locale.ROOT).contains("parse entities");
    }
}
