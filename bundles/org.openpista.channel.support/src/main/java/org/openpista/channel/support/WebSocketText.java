package org.openpista.channel.support;

import java.util.function.LongConsumer;

/**
 * A WebSocket's text messages put together from their parts ({@code WebSocket.Listener.onText}),
 * each up to a limit: the parts of a larger message are dropped as they come, and the message is
 * skipped, reported once at its last part, while the connection goes on (closing it would have a
 * resuming peer send the same message again). Not thread-safe: a listener's calls come one at a time.
 */
public final class WebSocketText {

    /** A buffer grown beyond this by one message is let go after it. */
    private static final int KEPT_CAPACITY = 64 * 1024;

    private final int limit;
    private final LongConsumer skipped;
    private final StringBuilder text = new StringBuilder();
    private long length;

    /**
     * @param limit the largest message handed over, in characters
     * @param skipped told the length of each message skipped, at its last part
     */
    public WebSocketText(int limit, LongConsumer skipped) {
        this.limit = limit;
        this.skipped = skipped;
    }

    /**
     * Takes one part of a message.
     *
     * @return the whole message when this was its last part and it is within the limit, else {@code null}
     */
    public String add(CharSequence part, boolean last) {
        length += part.length();
        if (length <= limit) {
            text.append(part);
        } else if (text.length() > 0) {
            text.setLength(0);
            text.trimToSize();
        }
        if (!last) {
            return null;
        }
        long total = length;
        String message = total <= limit ? text.toString() : null;
        length = 0;
        text.setLength(0);
        if (text.capacity() > KEPT_CAPACITY) {
            text.trimToSize();
        }
        if (message == null) {
            skipped.accept(total);
        }
        return message;
    }
}
