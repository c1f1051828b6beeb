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

    private final ConnectUri link;
    private final Instant since;
    /** Made at the first read: the QR code (encoded and read back) is only drawn when a web client asks. */
    private volatile PairingState state;

    MobilePairing(ConnectUri link, Instant since) {
        this.link = link;
        this.since = since;
    }

    @Override
    public PairingState state() {
        PairingState made = state;
        if (made == null) {
            String text = link.toString();
            made = new PairingState(MobileHub.CHANNEL, Phase.WAITING_FOR_SCAN, QrEncoder.encode(text), "", text, since, 1);
            state = made;
        }
        return made;
    }
}
