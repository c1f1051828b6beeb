package org.openpista.channel.whatsapp.internal;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.Callable;
import org.openpista.api.pairing.PairingState;
import org.openpista.api.pairing.PairingState.Phase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code whatsapp send NUMBER TEXT}: one message, through the running daemon's channel, or else
 * through a connection of the command's own that ends once the message is out.
 */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Sends one WhatsApp message: through the running daemon, or else through a short-lived connection "
                + "of its own (the account must be paired).",
            "",
            "Exit status: 0 WhatsApp took the message (or, with a bridge that does not confirm sends, the bridge did), "
                    + "1 it could not be sent, 2 bad usage."})
final class WhatsAppSend implements Callable<Integer> {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);

    @ParentCommand
    WhatsAppCommand whatsapp;

    @Parameters(index = "0", paramLabel = "NUMBER", description = "The phone number, with country code.")
    String number;

    @Parameters(index = "1", paramLabel = "TEXT", description = "The message.")
    String text;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (Allowlist.digits(number).length() < 5) {
            err.println("openpista: \"" + number + "\" is not a phone number (digits with the country code)");
            return WhatsAppCommand.USAGE;
        }
        if (text.isBlank()) {
            err.println("openpista: the text is empty");
            return WhatsAppCommand.USAGE;
        }
        if (whatsapp.daemonPid() > 0) {
            // Base64, so that any text survives the admin shell's quoting
            String encoded = "b64:" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
            return whatsapp.viaDaemon("openpista:whatsapp send " + Allowlist.digits(number) + " " + encoded);
        }
        WhatsAppSettings settings = whatsapp.settings();
        if (!settings.enabled()) {
            err.println("openpista: the WhatsApp channel is disabled; set it up with: openpista whatsapp setup");
            return WhatsAppCommand.USAGE;
        }
        try {
            Delivery delivery = settings.mode() == WhatsAppSettings.Mode.CLOUD ? viaCloud(settings) : viaBridge(settings);
            if (delivery == null) {
                return WhatsAppCommand.FAILED;
            }
            out.println(delivery.line(number));
            return WhatsAppCommand.OK;
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            err.println("openpista: the message was not sent: " + Conversations.message(e));
            return WhatsAppCommand.FAILED;
        }
    }

    private Delivery viaCloud(WhatsAppSettings settings) throws Exception {
        new CloudChannel(null, settings).deliver(number, text);
        return Delivery.CONFIRMED;
    }

    /** @return how far the message got, or {@code null} when the account cannot be reached (said on standard error) */
    private Delivery viaBridge(WhatsAppSettings settings) throws Exception {
        if (settings.bridgePath() == null) {
            System.err.println("openpista: no bridge: set [channels.whatsapp] bridge_path");
            return null;
        }
        try (BridgeChannel bridge = whatsapp.ownBridge()) {
            bridge.start();
            long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
            PairingState state = bridge.state();
            while (state.phase() != Phase.CONNECTED) {
                if (state.phase() == Phase.WAITING_FOR_SCAN) {
                    System.err.println("openpista: this computer is not paired with WhatsApp; pair it with: openpista whatsapp");
                    return null;
                }
                if (state.phase() == Phase.FAILED) {
                    System.err.println("openpista: WhatsApp cannot start: " + state.detail());
                    return null;
                }
                if (System.nanoTime() > deadline) {
                    System.err.println("openpista: WhatsApp did not connect within " + CONNECT_TIMEOUT.toSeconds() + " s ("
                            + bridge.status() + ")");
                    return null;
                }
                Thread.sleep(100);
                state = bridge.state();
            }
            return bridge.send(number, text);
        }
    }
}
