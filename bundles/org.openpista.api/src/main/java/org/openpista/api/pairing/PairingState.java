package org.openpista.api.pairing;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a channel's pairing stands.
 *
 * @param channel the channel id, for example {@code whatsapp}
 * @param phase the phase
 * @param qr the code to scan while {@link Phase#WAITING_FOR_SCAN}, else {@code null}
 * @param account the linked account once {@link Phase#CONNECTED} (for WhatsApp the phone number),
 *     else empty
 * @param detail a short human-readable detail: the account's display name, why it disconnected,
 *     what failed; may be empty
 * @param since when this phase began
 * @param version grows with every change, so readers can tell a new QR code from the old one
 */
public record PairingState(String channel, Phase phase, QrCode qr, String account, String detail, Instant since,
        long version) {

    /** The phases of a pairing. */
    public enum Phase {
        /** The channel is starting its connection. */
        STARTING,
        /** A code waits to be scanned; {@link PairingState#qr()} holds it. */
        WAITING_FOR_SCAN,
        /** Linked and connected. */
        CONNECTED,
        /** The connection dropped; the channel tries again by itself. */
        DISCONNECTED,
        /** The channel cannot connect until something is fixed; {@link PairingState#detail()} says what. */
        FAILED,
        /** The channel is stopped. */
        STOPPED
    }

    public PairingState {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(phase, "phase");
        account = account == null ? "" : account;
        detail = detail == null ? "" : detail;
        since = since == null ? Instant.EPOCH : since;
    }
}
