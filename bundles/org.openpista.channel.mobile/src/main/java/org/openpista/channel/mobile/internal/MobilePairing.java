package org.openpista.channel.mobile.internal;

import java.time.Instant;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.PairingState;
import org.openpista.api.pairing.PairingState.Phase;

/**
 * The link a phone connects with, as a {@link ChannelPairing} of the channel {@code mobile}: the web
 * chat's Connections dialog draws its QR code for an authenticated client. The link is the one
 * {@code openpista mobile setup} prints; it does not change while the channel listens, so the state
 * waits for a scan forever, with the link in {@link PairingState#detail()} for the page to show as text.
 */
final class MobilePairing implements ChannelPairing {

    private final PairingState state;

    MobilePairing(ConnectUri link, Instant since) {
        String text = link.toString();
        this.state = new PairingState(MobileHub.CHANNEL, Phase.WAITING_FOR_SCAN, QrEncoder.encode(text), "", text, since, 1);
    }

    @Override
    public PairingState state() {
        return state;
    }
}
