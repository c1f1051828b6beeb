package org.openpista.channel.whatsapp.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.PairingState;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * {@code openpista:whatsapp status} and {@code openpista:whatsapp send NUMBER TEXT} in the admin
 * shell; {@code openpista whatsapp status|send} use them when a daemon runs. A text starting with
 * {@code b64:} is Base64 (UTF-8), so any text survives the shell's quoting.
 */
@Component(service = WhatsAppCommands.class, property = {
    "osgi.command.scope=openpista",
    "osgi.command.function=whatsapp"
})
public class WhatsAppCommands {

    private static final String CHANNEL_FILTER = "(" + ChannelAdapter.CHANNEL + "=" + Conversations.CHANNEL + ")";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, target = CHANNEL_FILTER)
    volatile ChannelAdapter channel;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, target = CHANNEL_FILTER)
    volatile ChannelPairing pairing;

    /** {@code whatsapp status}: the channel's state, with the QR code while one waits to be scanned. */
    public String whatsapp(String action) {
        if (!action.equals("status")) {
            throw new IllegalArgumentException("usage: whatsapp status | whatsapp send NUMBER TEXT");
        }
        ChannelAdapter current = channel;
        if (current == null) {
            return "channel: not running (disabled in [channels.whatsapp], or not started)\n";
        }
        StringBuilder out = new StringBuilder("channel: ").append(current.status()).append('\n');
        ChannelPairing pairingNow = pairing;
        if (pairingNow != null) {
            PairingState state = pairingNow.state();
            out.append("phase:   ").append(state.phase().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
            if (state.qr() != null) {
                out.append("Scan this code in WhatsApp (Settings → Linked devices → Link a device):\n")
                        .append(state.qr().toTerminal());
            }
        }
        return out.toString();
    }

    /**
     * {@code whatsapp send NUMBER TEXT}: sends one message and waits until WhatsApp took it, or, with
     * a bridge that does not confirm sends, until the bridge has it.
     */
    public String whatsapp(String action, String number, String text) throws Exception {
        if (!action.equals("send")) {
            throw new IllegalArgumentException("usage: whatsapp status | whatsapp send NUMBER TEXT");
        }
        ChannelAdapter current = channel;
        if (current == null) {
            throw new IllegalStateException("the WhatsApp channel is not running");
        }
        String message = text.startsWith("b64:")
                ? new String(Base64.getDecoder().decode(text.substring(4)), StandardCharsets.UTF_8) : text;
        Delivery delivery;
        if (current instanceof BridgeChannel bridge) {
            delivery = bridge.send(number, message);
        } else {
            current.deliver(number, message);
            delivery = Delivery.CONFIRMED;
        }
        return delivery.line(number) + "\n";
    }
}
