package org.openpista.channel.whatsapp.internal;

/** An event line from the bridge (see bridge-whatsapp/PROTOCOL.md). */
sealed interface BridgeEvent {

    /** A pairing code to show as a QR code. */
    record Qr(String data) implements BridgeEvent {}

    /**
     * The connection is open.
     *
     * @param confirms whether the bridge answers every {@code send} that carries a {@code ref} with a
     *     {@code sent} or {@code error} event carrying it (an extension; the original bridge does not)
     */
    record Connected(String phone, String name, boolean confirms) implements BridgeEvent {}

    /** The connection closed. */
    record Disconnected(String reason) implements BridgeEvent {}

    /** A text message. */
    record Message(String from, String text, long timestamp, boolean selfChat, String id, String name)
            implements BridgeEvent {}

    /** Something failed; {@code ref} names the command it answers, or is {@code null}. */
    record Error(String message, String ref) implements BridgeEvent {}

    /** A send was accepted. */
    record Sent(String to, String id, String ref) implements BridgeEvent {}

    /** An event of a newer bridge this side does not know; ignored. */
    record Unknown(String type) implements BridgeEvent {}
}
