package org.openpista.channel.whatsapp.internal;

/** An event line from the bridge (see bridge-whatsapp/PROTOCOL.md). */
sealed interface BridgeEvent {

    /** A pairing code to show as a QR code. */
    record Qr(String data) implements BridgeEvent {}

    /**
     * The connection is open.
     *
     * @param media whether the bridge takes {@code send_image} commands (an extension)
     * @param confirms whether the bridge answers every {@code send} that carries a {@code ref} with a
     *     {@code sent} or {@code error} event carrying it (an extension; the original bridge does not)
     */
    record Connected(String phone, String name, boolean confirms, boolean media) implements BridgeEvent {
        Connected(String phone, String name, boolean confirms) {
            this(phone, name, confirms, false);
        }
    }

    /** The connection closed. */
    record Disconnected(String reason) implements BridgeEvent {}

    /**
     * A message: text, or media with a caption (which may be empty).
     *
     * @param quoted the id of the message it replies to, or empty (an extension)
     * @param media the photo, file or voice note it carries, or {@code null} (an extension)
     */
    record Message(String from, String text, long timestamp, boolean selfChat, String id, String name, String quoted,
            Media media) implements BridgeEvent {
        Message(String from, String text, long timestamp, boolean selfChat, String id, String name) {
            this(from, text, timestamp, selfChat, id, name, "", null);
        }
    }

    /**
     * Media of a message (an extension). The bridge downloaded it into a file of the session
     * folder's {@code media-in}, which the channel reads and deletes; or it says why it did not.
     *
     * @param kind {@code image}, {@code document}, {@code audio}, {@code voice}, {@code video}, {@code sticker}, …
     * @param mimeType as WhatsApp announced it
     * @param fileName a document's name, or empty
     * @param file the downloaded file, relative to the session folder; empty when not downloaded
     * @param error why it was not downloaded (too large, failed), or empty
     */
    record Media(String kind, String mimeType, String fileName, String file, String error) {}

    /** Something failed; {@code ref} names the command it answers, or is {@code null}. */
    record Error(String message, String ref) implements BridgeEvent {}

    /** A send was accepted. */
    record Sent(String to, String id, String ref) implements BridgeEvent {}

    /** An event of a newer bridge this side does not know; ignored. */
    record Unknown(String type) implements BridgeEvent {}
}
