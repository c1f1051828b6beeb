package org.openpista.api.auth;

/**
 * How a login ended.
 *
 * @param provider the login's name
 * @param success whether a credential was stored
 * @param message one line for the user: who is logged in, or what went wrong and what to do
 * @param account who is logged in, empty when unknown or failed
 */
public record LoginResult(String provider, boolean success, String message, String account) {

    public LoginResult {
        message = message == null ? "" : message;
        account = account == null ? "" : account;
    }

    /** @return a failed result with this message */
    public static LoginResult failed(String provider, String message) {
        return new LoginResult(provider, false, message, "");
    }
}
