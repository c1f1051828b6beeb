package org.openpista.channel.whatsapp.internal;

import java.io.PrintStream;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.PairingState;

/** Prints the changes of a pairing on the terminal: each new QR code, connected, dropped. */
final class PairingPrinter {

    private final PrintStream out;
    private final PrintStream err;
    private long shown;

    PairingPrinter(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** @return the state, after printing it when it changed since the last call */
    PairingState show(ChannelPairing pairing) {
        PairingState state = pairing.state();
        if (state.version() == shown) {
            return state;
        }
        shown = state.version();
        switch (state.phase()) {
            case WAITING_FOR_SCAN -> {
                out.println();
                out.println("Scan this QR code with WhatsApp on your phone:");
                out.println("  Settings → Linked devices → Link a device");
                out.print(state.qr().toTerminal());
                out.println("(a new code follows every 20 seconds or so until one is scanned)");
                out.flush();
            }
            case CONNECTED -> {
                out.println("WhatsApp: connected as +" + state.account()
                        + (state.detail().isEmpty() ? "" : " (" + state.detail() + ")"));
                out.flush();
            }
            case DISCONNECTED -> err.println("WhatsApp: disconnected: " + state.detail());
            case FAILED -> err.println("WhatsApp: " + state.detail());
            default -> {}
        }
        return state;
    }
}
