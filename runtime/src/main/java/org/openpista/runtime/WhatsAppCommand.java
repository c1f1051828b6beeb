package org.openpista.runtime;

import static org.openpista.runtime.CommandRuntime.START_TIMEOUT;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigException;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.PairingState;
import org.openpista.api.pairing.PairingState.Phase;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista whatsapp [setup|start|status|send]}: the WhatsApp channel. Without a subcommand
 * it pairs (the QR code in the terminal).
 */
@Command(
        name = "whatsapp",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {
            "WhatsApp: a personal account linked through the bundled bridge (QR pairing), or a business account "
                    + "through the Cloud API ([channels.whatsapp] mode = \"cloud\").",
            "",
            "Without a subcommand: the same as 'whatsapp setup'."
        },
        subcommands = {WhatsAppCommand.Setup.class, WhatsAppCommand.Start.class, WhatsAppCommand.Status.class,
            WhatsAppCommand.Send.class})
final class WhatsAppCommand implements Callable<Integer> {

    static final String SECTION = "channels.whatsapp";
    static final String CHANNEL = "whatsapp";
    private static final String CHANNEL_FILTER = "(" + ChannelAdapter.CHANNEL + "=" + CHANNEL + ")";

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        Setup setup = new Setup();
        setup.whatsapp = this;
        return setup.call();
    }

    /** What config.toml and the environment say about WhatsApp. */
    record WhatsAppConfig(boolean enabled, String mode, Path sessionDir, boolean sectionPresent) {

        static WhatsAppConfig read(Home home, Map<String, String> env) throws IOException {
            String content = Files.exists(home.configFile()) ? Files.readString(home.configFile(), StandardCharsets.UTF_8) : "";
            ConfigSection section = new ConfigSection(SECTION);
            String enabled = section.get(content, "enabled");
            String mode = section.get(content, "mode");
            String sessionDir = WebCommand.firstNonBlank(env.get("WHATSAPP_SESSION_DIR"), section.get(content, "session_dir"));
            Path session = sessionDir == null ? home.dir().resolve("whatsapp-session")
                    : home.dir().resolve(Home.expand(sessionDir));
            boolean present = enabled != null || mode != null || section.get(content, "allowed_numbers") != null;
            return new WhatsAppConfig(enabled != null && enabled.strip().equals("true"),
                    mode == null || mode.isBlank() ? "bridge" : mode.strip(), session, present);
        }

        boolean cloud() {
            return mode.equals("cloud");
        }

        /** @return the linked number stored in the session, or {@code null} when not paired */
        String pairedNumber() {
            Path creds = sessionDir.resolve("creds.json");
            try {
                if (!Files.isRegularFile(creds)) {
                    return null;
                }
                String json = Files.readString(creds, StandardCharsets.UTF_8);
                java.util.regex.Matcher me = java.util.regex.Pattern
                        .compile("\"me\"\\s*:\\s*\\{[^}]*\"id\"\\s*:\\s*\"(\\d+)").matcher(json);
                return me.find() ? me.group(1) : null;
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** @return the running daemon's PID, or 0 */
    static long runningDaemon(Home home) {
        PidFile.Status status = PidFile.inspect(PidFile.of(home));
        return status.state() == PidFile.State.RUNNING ? status.pid() : 0;
    }

    /** Runs an admin shell command on the running daemon. @return its exit status */
    static int viaDaemon(Home home, String command, PrintStream out, PrintStream err) {
        try (AdminClient client = AdminClient.connect(AdminClient.socket(home))) {
            if (client == null) {
                err.println("openpista: the daemon does not answer on " + AdminClient.socket(home));
                return Main.FAILED;
            }
            return client.execute(command, out, err) == 0 ? 0 : Main.FAILED;
        }
    }

    /** A short-lived framework with the WhatsApp channel alone, for pairing and one-off sends. */
    static OsgiRuntime oneShot(Home home, PrintStream err) throws Exception {
        OsgiRuntime runtime = OsgiRuntime.create(Distribution.locate(), home, List.of("core", CHANNEL), Map.of());
        try {
            ConfigReport report = runtime.loadConfiguration(START_TIMEOUT);
            report.warnings().forEach(warning -> err.println("openpista: warning: " + warning));
            runtime.startAll();
            return runtime;
        } catch (ConfigException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    /** Prints pairing changes (new QR codes, connected, dropped) until told to stop. */
    static final class PairingPrinter {
        private final PrintStream out;
        private final PrintStream err;
        private long shown;

        PairingPrinter(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        /** @return the state, after printing it when it changed */
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
                default -> { }
            }
            return state;
        }
    }

    /** {@code whatsapp setup}: enables the channel and pairs it, showing the QR code in the terminal. */
    @Command(name = "setup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Enables [channels.whatsapp] in config.toml and links this computer to your WhatsApp "
                    + "account: a QR code is shown here until you scan it with the phone.",
                "With mode = \"cloud\" there is nothing to scan: it says what the Cloud API mode still needs.",
                "",
                "Exit status: 0 paired (or already running in a daemon), 1 not paired, 2 bad usage or configuration."})
    static final class Setup implements Callable<Integer> {

        @ParentCommand
        WhatsAppCommand whatsapp;

        @Option(names = "--allow", paramLabel = "NUMBER", split = ",",
                description = "Also write these numbers to allowed_numbers (who may talk to the agent besides you).")
        List<String> allow = new ArrayList<>();

        @Option(names = "--timeout", paramLabel = "SECONDS",
                description = "How long to wait for the scan (default ${DEFAULT-VALUE}).")
        int timeoutSeconds = 300;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Home home = whatsapp.main.setUpLogging(null);
            long daemon = runningDaemon(home);
            if (daemon > 0) {
                out.println("The daemon (PID " + daemon + ") runs this home; its WhatsApp channel:");
                return viaDaemon(home, "openpista:whatsapp status", out, err);
            }
            WhatsAppConfig before = WhatsAppConfig.read(home, System.getenv());
            Map<String, String> values = new java.util.LinkedHashMap<>();
            if (!before.enabled()) {
                values.put("enabled", "true");
            }
            if (!allow.isEmpty()) {
                Set<String> numbers = new LinkedHashSet<>();
                for (String number : allow) {
                    String digits = number.replaceAll("[^0-9]", "");
                    if (digits.isEmpty()) {
                        err.println("openpista: --allow " + number + " is not a phone number");
                        return Main.USAGE;
                    }
                    numbers.add(ConfigSection.quote(digits));
                }
                values.put("allowed_numbers", "[" + String.join(", ", numbers) + "]");
            }
            if (!values.isEmpty()) {
                String content = Files.exists(home.configFile())
                        ? Files.readString(home.configFile(), StandardCharsets.UTF_8) : "";
                ConfigSection.write(home.configFile(), new ConfigSection(SECTION).set(content, values));
                out.println("Saved [channels.whatsapp] in " + home.configFile());
            }
            if (before.cloud()) {
                out.println("WhatsApp runs in cloud mode (Cloud API): nothing to scan.");
                out.println("It needs phone_number_id, access_token, verify_token and app_secret in [channels.whatsapp],");
                out.println("and the web channel's server for the webhook: https://YOUR-HOST/webhooks/whatsapp");
                out.println("Start it with: openpista whatsapp start");
                return 0;
            }
            try (OsgiRuntime runtime = oneShot(home, err)) {
                ChannelPairing pairing = runtime.awaitService(ChannelPairing.class, CHANNEL_FILTER, START_TIMEOUT);
                PairingPrinter printer = new PairingPrinter(out, err);
                long deadline = System.nanoTime() + Duration.ofSeconds(Math.max(1, timeoutSeconds)).toNanos();
                while (System.nanoTime() < deadline) {
                    PairingState state = printer.show(pairing);
                    if (state.phase() == Phase.CONNECTED) {
                        out.println("Paired. Start the channel with: openpista whatsapp start (or openpista start)");
                        if (allow.isEmpty()) {
                            out.println("Only your own chat (\"Message yourself\") reaches the agent; add other numbers "
                                    + "with: openpista whatsapp setup --allow NUMBER");
                        }
                        return 0;
                    }
                    if (state.phase() == Phase.FAILED) {
                        err.println("openpista: WhatsApp cannot start: " + state.detail());
                        return Main.FAILED;
                    }
                    Thread.sleep(100);
                }
                err.println("openpista: no QR code was scanned within " + timeoutSeconds + " s; run 'openpista whatsapp' again");
                return Main.FAILED;
            } catch (ConfigException e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            }
        }
    }

    /** {@code whatsapp start}: the daemon with only the WhatsApp channel, in the foreground. */
    @Command(name = "start", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Runs the daemon with only the WhatsApp channel (plus the web server for the Cloud API "
                    + "webhook in cloud mode), attached to the terminal until Ctrl-C, /quit or openpista stop.",
                "New QR codes are shown here when the account needs pairing."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        WhatsAppCommand whatsapp;

        @Override
        public Integer call() throws Exception {
            Home home = whatsapp.main.resolveHome();
            WhatsAppConfig config = WhatsAppConfig.read(home, System.getenv());
            if (!config.enabled()) {
                System.err.println("openpista: the WhatsApp channel is disabled ([channels.whatsapp] enabled = false); "
                        + "turn it on and pair with: openpista whatsapp setup");
                return Main.USAGE;
            }
            List<String> features = new ArrayList<>(List.of("core", "daemon", CHANNEL));
            Set<String> channels = new LinkedHashSet<>(List.of(CHANNEL));
            if (config.cloud()) {
                // the webhook is served by the web channel's HTTP server
                features.add("web");
                channels.add("web");
            }
            return new Daemon(whatsapp.main, new Daemon.Options(features, channels, true, false,
                    (runtime, out, err) -> ready(runtime, config, out, err))).run();
        }

        private static int ready(OsgiRuntime runtime, WhatsAppConfig config, PrintStream out, PrintStream err) {
            ChannelAdapter channel = runtime.awaitService(ChannelAdapter.class, CHANNEL_FILTER, START_TIMEOUT);
            out.println("WhatsApp: " + channel.status());
            out.flush();
            if (!config.cloud()) {
                ChannelPairing pairing = runtime.awaitService(ChannelPairing.class, CHANNEL_FILTER, START_TIMEOUT);
                Thread watcher = new Thread(() -> {
                    PairingPrinter printer = new PairingPrinter(out, err);
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            if (printer.show(pairing).phase() == Phase.STOPPED) {
                                return;
                            }
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            return;
                        } catch (RuntimeException e) {
                            return; // the channel went away with the framework
                        }
                    }
                }, "openpista-whatsapp-pairing");
                watcher.setDaemon(true);
                watcher.start();
            }
            return 0;
        }
    }

    /** {@code whatsapp status}: configuration, pairing and the running channel. */
    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Shows the WhatsApp channel's configuration, whether this computer is paired, and the state "
                    + "of the channel in the running daemon."})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        WhatsAppCommand whatsapp;

        @Override
        public Integer call() throws IOException {
            PrintStream out = System.out;
            Home home = whatsapp.main.resolveHome();
            ClientLogging.setUp(whatsapp.main);
            WhatsAppConfig config = WhatsAppConfig.read(home, System.getenv());
            out.println("config:  " + home.configFile());
            out.println("enabled: " + config.enabled());
            out.println("mode:    " + config.mode());
            if (!config.cloud()) {
                out.println("session: " + config.sessionDir());
                String number = config.pairedNumber();
                out.println("paired:  " + (number == null ? "no (pair with: openpista whatsapp)" : "yes, +" + number));
            }
            long daemon = runningDaemon(home);
            if (daemon == 0) {
                out.println("running: no daemon (start with: openpista whatsapp start, or openpista start)");
                return 0;
            }
            out.println("daemon:  PID " + daemon);
            out.flush();
            return viaDaemon(home, "openpista:whatsapp status", out, System.err);
        }
    }

    /** {@code whatsapp send NUMBER TEXT}: one message, through the daemon when it runs. */
    @Command(name = "send", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Sends one WhatsApp message: through the running daemon, or else through a short-lived "
                    + "connection of its own (the account must be paired).",
                "",
                "Exit status: 0 WhatsApp took the message, 1 it could not be sent, 2 bad usage."})
    static final class Send implements Callable<Integer> {

        private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);

        @ParentCommand
        WhatsAppCommand whatsapp;

        @Parameters(index = "0", paramLabel = "NUMBER", description = "The phone number, with country code.")
        String number;

        @Parameters(index = "1", paramLabel = "TEXT", description = "The message.")
        String text;

        @Override
        public Integer call() throws Exception {
            PrintStream out = System.out;
            PrintStream err = System.err;
            if (number.replaceAll("[^0-9]", "").length() < 5) {
                err.println("openpista: \"" + number + "\" is not a phone number (digits with the country code)");
                return Main.USAGE;
            }
            if (text.isBlank()) {
                err.println("openpista: the text is empty");
                return Main.USAGE;
            }
            Home home = whatsapp.main.setUpLogging(null);
            if (runningDaemon(home) > 0) {
                String encoded = "b64:" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
                return viaDaemon(home, "openpista:whatsapp send " + number.replaceAll("[^0-9+]", "") + " " + encoded,
                        out, err);
            }
            WhatsAppConfig config = WhatsAppConfig.read(home, System.getenv());
            if (!config.enabled()) {
                err.println("openpista: the WhatsApp channel is disabled; set it up with: openpista whatsapp setup");
                return Main.USAGE;
            }
            try (OsgiRuntime runtime = oneShot(home, err)) {
                ChannelAdapter channel = runtime.awaitService(ChannelAdapter.class, CHANNEL_FILTER, START_TIMEOUT);
                if (!config.cloud()) {
                    ChannelPairing pairing = runtime.awaitService(ChannelPairing.class, CHANNEL_FILTER, START_TIMEOUT);
                    long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
                    PairingState state = pairing.state();
                    while (state.phase() != Phase.CONNECTED) {
                        if (state.phase() == Phase.WAITING_FOR_SCAN) {
                            err.println("openpista: this computer is not paired with WhatsApp; pair it with: openpista whatsapp");
                            return Main.FAILED;
                        }
                        if (System.nanoTime() > deadline) {
                            err.println("openpista: WhatsApp did not connect within " + CONNECT_TIMEOUT.toSeconds()
                                    + " s (" + channel.status() + ")");
                            return Main.FAILED;
                        }
                        Thread.sleep(100);
                        state = pairing.state();
                    }
                }
                try {
                    channel.deliver(number, text);
                } catch (Exception e) {
                    err.println("openpista: the message was not sent: " + e.getMessage());
                    return Main.FAILED;
                }
                out.println("sent to +" + number.replaceAll("[^0-9]", ""));
                return 0;
            } catch (ConfigException e) {
                err.println("openpista: " + e.getMessage());
                return Main.USAGE;
            }
        }
    }
}
