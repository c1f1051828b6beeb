package org.openpista.channel.web.internal;

import java.util.function.Consumer;

/** The socket under a {@link Connection}: Jetty's WebSocket session, or a test double. */
interface Peer {

    /** Sends one text frame; exactly one of the callbacks runs when it was written or failed. */
    void sendText(String text, Runnable written, Consumer<Throwable> failed);

    /**
     * Sends one text frame after the ones before it, but may hold it back for a moment to write it
     * with the frames after it (see {@link Flushes}); a {@link #sendText} writes it at once.
     */
    default void sendTextSoon(String text, Runnable written, Consumer<Throwable> failed) {
        sendText(text, written, failed);
    }

    /** Closes the socket with a status code (1000 normal, 1008 policy, 1009 too large). */
    void close(int code, String reason);

    /** Sets the largest text message the client may send from now on. */
    void maxTextMessageSize(long bytes);
}
