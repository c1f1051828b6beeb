package org.openpista.tool.browser.internal.cdp;

import java.io.IOException;

/**
 * Carries DevTools Protocol messages, whole JSON texts, to and from one browser. Messages arrive on
 * a thread of the transport, in order, through the {@link Receiver} given when it was made.
 */
public interface CdpTransport extends AutoCloseable {

    /** Where a transport delivers what it reads. */
    interface Receiver {
        /** One whole message, in the order the browser sent it. */
        void message(String json);

        /** The transport is closed (the browser went away, or {@link #close()}); called once. */
        void closed(String reason);
    }

    /**
     * Sends one message; safe to call from several threads.
     *
     * @throws IOException when the browser is gone
     */
    void send(String json) throws IOException;

    /** Closes the transport; the receiver hears {@link Receiver#closed(String)}. */
    @Override
    void close();
}
