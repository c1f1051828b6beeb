package org.openpista.channel.slack.internal;

/** A Web API call that failed; the message is one line and never holds a token. */
final class SlackException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String error;
    private final boolean refused;

    /**
     * @param method the Web API method
     * @param error Slack's error ({@code invalid_auth}, {@code channel_not_found}) or what went wrong
     * @param refused whether Slack answered and said no (retrying would not help), rather than failed to answer
     */
    SlackException(String method, String error, boolean refused) {
        super("Slack " + method + " failed: " + error);
        this.error = error;
        this.refused = refused;
    }

    /** @return Slack's error code or the failure */
    String error() {
        return error;
    }

    /** @return whether Slack answered with an error */
    boolean refused() {
        return refused;
    }

    /** @return whether Slack refused the token itself */
    boolean badToken() {
        return refused && (error.equals("invalid_auth") || error.equals("not_authed") || error.equals("account_inactive")
                || error.equals("token_revoked") || error.equals("not_allowed_token_type"));
    }
}
