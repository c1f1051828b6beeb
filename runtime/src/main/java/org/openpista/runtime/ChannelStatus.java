package org.openpista.runtime;

import java.time.Duration;
import org.openpista.api.channel.ChannelAdapter;

/** What the daemon waits for before it tells the user where a channel answers. */
final class ChannelStatus {

    private ChannelStatus() {}

    /**
     * @param limit how long to wait at most
     * @param passing the starts of the statuses a channel shows while it is still coming up
     *     ({@code starting}, {@code connecting})
     * @return the channel's status once it shows none of them any more, or after the limit
     */
    static String awaitSettled(ChannelAdapter channel, Duration limit, String... passing) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        String status = channel.status();
        while (startsWithAny(status, passing) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            status = channel.status();
        }
        return status;
    }

    private static boolean startsWithAny(String status, String... prefixes) {
        for (String prefix : prefixes) {
            if (status.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
