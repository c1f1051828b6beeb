package org.openpista.api.auth;

import java.util.Locale;

/** How the user takes part in a {@link LoginFlow}. Wire names are lower case. */
public enum FlowType {
    /**
     * The user opens {@link LoginFlow#url()} and approves; the vendor redirects the browser back to
     * a loopback server of openpista, and the flow completes by itself.
     */
    REDIRECT,
    /**
     * The user opens {@link LoginFlow#url()} and approves; the vendor shows a code that the user
     * pastes back ({@link LoginFlow#submitCode(String)}).
     */
    CODE_DISPLAY,
    /**
     * The user opens {@link LoginFlow#url()} (on any device) and enters {@link LoginFlow#userCode()};
     * openpista polls the vendor and the flow completes by itself.
     */
    DEVICE_CODE;

    /** @return {@code redirect}, {@code code_display} or {@code device_code} */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
