package org.openpista.channel.whatsapp.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.admin.DaemonLauncher;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code openpista whatsapp [setup|start|status|send]}: WhatsApp on the command line. It runs in the
 * framework of a command, configured like the daemon but without the channel. When a daemon runs
 * for the home, pairing state and sends go through it ({@link DaemonClient}); otherwise {@code
 * setup} and {@code send} hold a connection of their own, through the same bridge the channel uses,
 * for as long as they need it. {@code start} turns the process into a daemon that runs this channel
 * alone ({@link DaemonLauncher}).
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=whatsapp", scope = ServiceScope.PROTOTYPE,
        configurationPid = WhatsAppChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Command(name = "whatsapp", mixinStandardHelpOptions = true,
        description = {"WhatsApp: a personal account linked through the bundled bridge (QR pairing), or a business account "
                + "through the Cloud API ([channels.whatsapp] mode = \"cloud\").",
            "",
            "Without a subcommand: the same as 'whatsapp setup'."},
        subcommands = {WhatsAppSetup.class, WhatsAppCommand.Start.class, WhatsAppCommand.Status.class, WhatsAppSend.class})
public final class WhatsAppCommand implements CliCommand, Callable<Integer> {

    /** The table of config.toml the channel reads. */
    static final String SECTION = "channels.whatsapp";
    /** Exit statuses of the command line. */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    /** The first wait before a bridge of the command's own is started again. */
    private static final Duration RESTART_DELAY = Duration.ofSeconds(1);

    final BundleContext context;
    final ConfigurationLoader loader;
    final ConfigFileEditor editor;
    private volatile WhatsAppSettings settings;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    DaemonLauncher launcher;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    DaemonClient daemon;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL)
    AgentGateway gateway;

    @Activate
    public WhatsAppCommand(BundleContext context, @Reference ConfigurationLoader loader, @Reference ConfigFileEditor editor,
            WhatsAppChannel.Config config) {
        this.context = context;
        this.loader = loader;
        this.editor = editor;
        modified(config);
    }

    @Modified
    void modified(WhatsAppChannel.Config config) {
        this.settings = WhatsAppSettings.from(config, loader.home(), WhatsAppChannel.dist(context));
    }

    /** @return {@code [channels.whatsapp]} with the environment's overrides, as the channel reads it */
    WhatsAppSettings settings() {
        return settings;
    }

    /** Bare {@code openpista whatsapp}: pairing, as {@code whatsapp setup} with its defaults. */
    @Override
    public Integer call() throws Exception {
        WhatsAppSetup setup = new WhatsAppSetup();
        setup.whatsapp = this;
        return setup.call();
    }

    /** @return the PID of the daemon running for this home, or 0 */
    long daemonPid() {
        return daemon == null ? 0 : daemon.running().orElse(0);
    }

    /** Runs an admin shell command in the running daemon and prints what it printed. @return the exit status */
    int viaDaemon(String commandLine) {
        try {
            System.out.print(daemon.execute(commandLine));
            System.out.flush();
            return OK;
        } catch (IOException e) {
            System.err.println("openpista: " + e.getMessage());
            return FAILED;
        }
    }

    /** @return a bridge connection of this command's own, not started; the agent gets what arrives meanwhile */
    BridgeChannel ownBridge() {
        return BridgeChannel.of(gateway, settings, RESTART_DELAY);
    }

    /** @return the digits of the numbers, each once, or {@code null} when one holds none */
    static List<String> numbers(List<String> given) {
        Set<String> numbers = new LinkedHashSet<>();
        for (String number : given) {
            String digits = Allowlist.digits(number);
            if (digits.isEmpty()) {
                return null;
            }
            numbers.add(digits);
        }
        return List.copyOf(numbers);
    }

    /** {@code whatsapp start}: the daemon with only the WhatsApp channel, in the foreground. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Runs the daemon with only the WhatsApp channel (plus the web server for the Cloud API "
                    + "webhook in cloud mode), attached to the terminal until Ctrl-C, SIGTERM or openpista stop.",
                "New QR codes are shown here when the account needs pairing."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        WhatsAppCommand whatsapp;

        @Override
        public Integer call() throws Exception {
            if (whatsapp.launcher == null) {
                System.err.println("openpista: whatsapp start runs only from the command line");
                return FAILED;
            }
            WhatsAppSettings settings = whatsapp.settings();
            if (!settings.enabled()) {
                System.err.println("openpista: the WhatsApp channel is disabled ([channels.whatsapp] enabled = false); "
                        + "turn it on and pair with: openpista whatsapp setup");
                return USAGE;
            }
            boolean cloud = settings.mode() == WhatsAppSettings.Mode.CLOUD;
            // cloud mode: the webhook is served by the web channel's HTTP server
            Set<String> channels = cloud ? Set.of(Conversations.CHANNEL, "web") : Set.of(Conversations.CHANNEL);
            return whatsapp.launcher.runDaemon(channels, new WhatsAppReady(whatsapp.context, !cloud));
        }
    }

    /** {@code whatsapp status}: configuration, pairing and the running channel. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Shows the WhatsApp channel's configuration, whether this computer is paired, and the state "
                    + "of the channel in the running daemon."})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        WhatsAppCommand whatsapp;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            WhatsAppSettings settings = whatsapp.settings();
            boolean cloud = settings.mode() == WhatsAppSettings.Mode.CLOUD;
            out.println("config:  " + whatsapp.loader.configFile());
            out.println("enabled: " + settings.enabled());
            out.println("mode:    " + (cloud ? "cloud" : "bridge"));
            if (!cloud) {
                out.println("session: " + settings.sessionDir());
                String number = settings.pairedNumber();
                out.println("paired:  " + (number == null ? "no (pair with: openpista whatsapp)" : "yes, +" + number));
            }
            long pid = whatsapp.daemonPid();
            if (pid == 0) {
                out.println("running: no daemon (start with: openpista whatsapp start, or openpista start)");
                return OK;
            }
            out.println("daemon:  PID " + pid);
            out.flush();
            return whatsapp.viaDaemon("openpista:whatsapp status");
        }
    }
}
