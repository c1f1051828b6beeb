package org.openpista.runtime;

import static org.openpista.runtime.CommandRuntime.START_TIMEOUT;

import org.openpista.api.channel.ChannelAdapter;

/** What a channel command waits for before it tells the user whether the channel came up. */
final class ChannelStatus {

    private ChannelStatus() {}

    /**
     * @param passing the starts of the statuses a channel shows while it is still coming up
     *     ({@code starting}, {@code connecting})
     * @return the channel's status once it shows none of them any more, or after {@link
     *     CommandRuntime#START_TIMEOUT}
     */
    static String awaitSettled(ChannelAdapter channel, String... passing) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
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
