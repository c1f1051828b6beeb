package org.openpista.api.pairing;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A channel that pairs with an account by a scanned code, registered by the channel with the
 * service property {@value #CHANNEL}. Readers poll {@link #state()}: it is cheap, and each change
 * gets a higher {@link PairingState#version()}.
 */
@ConsumerType
public interface ChannelPairing {

    /** Service property: the channel id, for example {@code whatsapp}. */
    String CHANNEL = "channel.id";

    /** @return the current state; never {@code null} */
    PairingState state();
}
