package org.openpista.channel.web.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.openpista.api.pairing.ChannelPairing;

/**
 * The {@link ChannelPairing} services that run right now, by their {@value ChannelPairing#CHANNEL}
 * property. The web channel's dynamic reference feeds it as services come and go; the chat only
 * looks services up here for one use and never keeps them.
 */
final class Pairings {

    private final Map<String, ChannelPairing> byChannel = new ConcurrentHashMap<>();

    /** A pairing service appeared; one without a channel id cannot be asked for and is ignored. */
    void bind(ChannelPairing pairing, Map<String, ?> properties) {
        String channel = channel(properties);
        if (channel != null) {
            byChannel.put(channel, pairing);
        }
    }

    /** A pairing service went away (or changed its properties: unbind of the old, then bind of the new). */
    void unbind(ChannelPairing pairing, Map<String, ?> properties) {
        String channel = channel(properties);
        if (channel != null) {
            byChannel.remove(channel, pairing);
        } else {
            byChannel.values().remove(pairing);
        }
    }

    /** @return the channel's pairing service, or {@code null} when none runs */
    ChannelPairing get(String channel) {
        return byChannel.get(channel);
    }

    private static String channel(Map<String, ?> properties) {
        Object value = properties.get(ChannelPairing.CHANNEL);
        return value instanceof String id && !id.isBlank() ? id : null;
    }
}
