package org.openpista.tool.browser.internal.cdp;

/** A protocol call failed: the browser answered with an error, went away, or did not answer in time. */
public class CdpException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a call failed. */
    public enum Kind {
        /** The browser answered with an error object. */
        ERROR,
        /** The connection to the browser is closed. */
        CLOSED,
        /** No answer within the call's time. */
        TIMEOUT
    }

    private final Kind kind;
    private final int code;

    public CdpException(Kind kind, int code, String message) {
        super(message);
        this.kind = kind;
        this.code = code;
    }

    /** @return why the call failed */
    public Kind kind() {
        return kind;
    }

    /** @return the protocol's error code, 0 unless {@link Kind#ERROR} */
    public int code() {
        return code;
    }
}
