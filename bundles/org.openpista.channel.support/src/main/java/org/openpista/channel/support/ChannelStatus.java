package org.openpista.channel.support;

import java.io.IOException;
import java.util.OptionalLong;
import org.openpista.api.admin.DaemonClient;

/** What {@code openpista <channel> status} shares between channels: the channel's state in the running daemon. */
public final class ChannelStatus {

    private ChannelStatus() {}

    /**
     * @param daemon the admin socket's client, null outside the command line
     * @param channel the channel's id ({@code telegram}), which is also the end of its bundle's name
     * @param name the channel as users call it ("Telegram")
     * @return the channel's state in the running daemon, from its channel list ({@code openpista:channels})
     */
    public static String inDaemon(DaemonClient daemon, String channel, String name) {
        OptionalLong pid = daemon == null ? OptionalLong.empty() : daemon.running();
        if (pid.isEmpty()) {
            return "no daemon (openpista " + channel + " start, or openpista start)";
        }
        try {
            for (String line : daemon.execute("openpista:channels").split("\n")) {
                String trimmed = line.strip();
                if (trimmed.startsWith(channel + " ")) {
                    String state = trimmed.substring(channel.length()).strip();
                    int bundle = state.lastIndexOf("org.openpista.channel." + channel);
                    return (bundle > 0 ? state.substring(0, bundle).strip() : state) + " (daemon PID " + pid.getAsLong() + ")";
                }
            }
            return "daemon PID " + pid.getAsLong() + " runs without the " + name + " channel";
        } catch (IOException e) {
            return "daemon PID " + pid.getAsLong() + ", status unavailable: " + e.getMessage();
        }
    }
}
