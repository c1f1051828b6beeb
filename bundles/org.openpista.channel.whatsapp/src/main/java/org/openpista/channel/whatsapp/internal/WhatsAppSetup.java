package org.openpista.channel.whatsapp.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.openpista.api.pairing.PairingState;
import org.openpista.api.pairing.PairingState.Phase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code whatsapp setup} (and bare {@code whatsapp}): enables the channel and pairs it, the QR code
 * shown in the terminal. Without a daemon the command starts the bridge itself, for as long as the
 * pairing takes; with one, the daemon's channel is the one to pair, and its state is shown.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Enables [channels.whatsapp] in config.toml and links this computer to your WhatsApp account: a QR "
                + "code is shown here until you scan it with the phone.",
            "With mode = \"cloud\" there is nothing to scan: it says what the Cloud API mode still needs.",
            "",
            "Exit status: 0 paired (or already running in a daemon), 1 not paired, 2 bad usage or configuration."})
final class WhatsAppSetup implements Callable<Integer> {

    @ParentCommand
    WhatsAppCommand whatsapp;

    @Option(names = "--allow", paramLabel = "NUMBER", split = ",",
            description = "Also write these numbers to allowed_numbers (who may talk to the agent besides you).")
    List<String> allow = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for the scan (default ${DEFAULT-VALUE}).")
    int timeoutSeconds = 300;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        long daemon = whatsapp.daemonPid();
        if (daemon > 0) {
            out.println("The daemon (PID " + daemon + ") runs this home; its WhatsApp channel:");
            return whatsapp.viaDaemon("openpista:whatsapp status");
        }
        WhatsAppSettings settings = whatsapp.settings();
        Map<String, Object> values = new LinkedHashMap<>();
        if (!settings.enabled()) {
            values.put("enabled", true);
        }
        if (!allow.isEmpty()) {
            List<String> numbers = WhatsAppCommand.numbers(allow);
            if (numbers == null) {
                err.println("openpista: --allow " + String.join(",", allow) + " holds something that is not a phone number");
                return WhatsAppCommand.USAGE;
            }
            values.put("allowed_numbers", numbers);
        }
        if (!values.isEmpty()) {
            try {
                Path file = whatsapp.editor.set(WhatsAppCommand.SECTION, values);
                out.println("Saved [channels.whatsapp] in " + file);
            } catch (IOException | RuntimeException e) {
                err.println("openpista: cannot write config.toml: " + e.getMessage());
                return WhatsAppCommand.FAILED;
            }
        }
        if (settings.mode() == WhatsAppSettings.Mode.CLOUD) {
            out.println("WhatsApp runs in cloud mode (Cloud API): nothing to scan.");
            out.println("It needs phone_number_id, access_token, verify_token and app_secret in [channels.whatsapp],");
            out.println("and the web channel's server for the webhook: https://YOUR-HOST" + WhatsAppSettings.WEBHOOK_PATH);
            out.println("Start it with: openpista whatsapp start");
            return WhatsAppCommand.OK;
        }
        if (settings.bridgePath() == null) {
            err.println("openpista: no bridge: set [channels.whatsapp] bridge_path");
            return WhatsAppCommand.FAILED;
        }
        return pair(out, err);
    }

    /** Runs the bridge until the account is linked, showing each QR code. */
    private int pair(PrintStream out, PrintStream err) throws InterruptedException {
        try (BridgeChannel bridge = whatsapp.ownBridge()) {
            bridge.start();
            PairingPrinter printer = new PairingPrinter(out, err);
            long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(1, timeoutSeconds)).toNanos();
            while (System.nanoTime() < deadline) {
                PairingState state = printer.show(bridge);
                if (state.phase() == Phase.CONNECTED) {
                    out.println("Paired. Start the channel with: openpista whatsapp start (or openpista start)");
                    if (allow.isEmpty()) {
                        out.println("Only your own chat (\"Message yourself\") reaches the agent; add other numbers with: "
                                + "openpista whatsapp setup --allow NUMBER");
                    }
                    return WhatsAppCommand.OK;
                }
                if (state.phase() == Phase.FAILED) {
                    err.println("openpista: WhatsApp cannot start: " + state.detail());
                    return WhatsAppCommand.FAILED;
                }
                Thread.sleep(100);
            }
            err.println("openpista: no QR code was scanned within " + timeoutSeconds + " s; run 'openpista whatsapp' again");
            return WhatsAppCommand.FAILED;
        }
    }
}
