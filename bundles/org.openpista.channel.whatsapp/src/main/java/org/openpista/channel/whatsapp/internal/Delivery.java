package org.openpista.channel.whatsapp.internal;

/** How far a sent message is known to have got. */
enum Delivery {
    /** WhatsApp took it: the bridge said so ({@code sent}), or the Cloud API accepted it. */
    CONFIRMED,
    /** Handed to a bridge that does not confirm sends (the original protocol): it got the command, no more is known. */
    UNCONFIRMED;

    /** @return what {@code whatsapp send} prints for a message to this number */
    String line(String number) {
        String sent = "sent to +" + Allowlist.digits(number);
        return this == CONFIRMED ? sent : sent + " (the bridge does not confirm delivery)";
    }
}
