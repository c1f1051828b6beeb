package org.openpista.channel.web.internal;

import java.util.function.Consumer;

/** The socket under a {@link Connection}: Jetty's WebSocket session, or a test double. */
interface Peer {

    /** Sends one text frame; exactly one of the callbacks runs when it was written or failed. */
    void sendText(String text, Runnable written, Consumer<Throwable> failed);

    /** Closes the socket with a status code (1000 normal, 1008 policy, 1009 too large). */
    void close(int code, String reason);

    /** Sets the largest text message the client may send from now on. */
    void maxTextMessageSize(long bytes);
}
