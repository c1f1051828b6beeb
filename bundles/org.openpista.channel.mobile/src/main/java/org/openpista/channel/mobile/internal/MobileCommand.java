package org.openpista.channel.mobile.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.channel.support.ChannelCommand;
import org.openpista.channel.support.ChannelReady;
import org.openpista.channel.support.FrameFields;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tech.kwik.core.QuicClientConnection;

/**
 * {@code openpista mobile setup|status|start|connect}: the mobile channel on the command line. It runs
 * in the framework of a command, configured like the daemon (file and environment), where the channel
 * itself does not run: {@code start} turns the process into a daemon that runs the mobile channel
 * only, {@code connect} is a client.
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=mobile", scope = ServiceScope.PROTOTYPE,
        configurationPid = MobileChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Command(name = "mobile", mixinStandardHelpOptions = true,
        description = {"The mobile channel: phones talk to the agent over QUIC (UDP 4434 by default), pinning the "
                + "server's certificate."},
        subcommands = {MobileSetup.class, MobileCommand.Status.class, MobileCommand.Start.class, MobileConnect.class})
public final class MobileCommand extends ChannelCommand<MobileSettings> implements CliCommand, Runnable {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Activate
    public MobileCommand(BundleContext context, @Reference ConfigurationLoader loader, @Reference ConfigFileEditor editor,
            MobileChannel.Config config) {
        super("mobile", MobileChannel.SECTION, context, loader, editor, MobileSettings.from(config));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code mobile start}. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Runs the openpista daemon with only the mobile channel, in the foreground, until Ctrl-C, "
                    + "SIGTERM or 'openpista stop'; it serves even when [channels.mobile] enabled = false."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        MobileCommand mobile;

        @Override
        public Integer call() throws Exception {
            if (!mobile.fromCommandLine(System.err)) {
                return FAILED;
            }
            return mobile.launcher().runDaemon(Set.of(MobileHub.CHANNEL), this::listening);
        }

        /** @return 0 once the channel listens (the daemon then prints its link), 1 with the reason when it cannot */
        private int listening() throws InterruptedException, InvalidSyntaxException {
            return ChannelReady.awaitListening(mobile.context(), MobileHub.CHANNEL, "mobile channel", System.err);
        }
    }

    /** {@code mobile status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = {"Shows the mobile channel's configuration, its certificate and whether it answers."})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        MobileCommand mobile;

        @Override
        public Integer call() {
            PrintStream out = System.out;
            MobileSettings settings = mobile.settings();
            out.println("config:      " + mobile.loader().configFile());
            out.println("enabled:     " + settings.enabled());
            out.println("address:     udp://" + settings.host(settings.bind()) + ":" + settings.port());
            out.println("token:       " + (settings.tokenRequired() ? "set (" + mobile.source("api_token") + ")"
                    : "not set (generated on first start, or by openpista mobile setup)"));
            ServerIdentity identity = null;
            try {
                identity = settings.certFile() != null && settings.keyFile() != null
                        ? ServerIdentity.fromPem(settings.certFile(), settings.keyFile())
                        : existing(mobile.loader().home());
                out.println("certificate: " + (identity == null ? "not generated yet (on first start)"
                        : identity.fingerprint() + (settings.certFile() != null ? " (" + settings.certFile() + ")"
                                : " (generated, " + mobile.loader().home().resolve(ServerIdentity.GENERATED_DIR) + ")")));
            } catch (IOException e) {
                out.println("certificate: unusable: " + FrameFields.describe(e));
            }
            OptionalLong pid = mobile.daemon() == null ? OptionalLong.empty() : mobile.daemon().running();
            out.println("daemon:      " + (pid.isPresent() ? "running (PID " + pid.getAsLong() + ")" : "not running"));
            out.println("running:     " + answers(settings, identity));
            if (pid.isPresent()) {
                try {
                    for (String line : mobile.daemon().execute("openpista:mobile").split("\n")) {
                        if (!line.isBlank()) {
                            out.println("             " + line);
                        }
                    }
                } catch (IOException e) {
                    out.println("             " + FrameFields.oneLine(e.getMessage()));
                }
            }
            return OK;
        }

        private static ServerIdentity existing(java.nio.file.Path home) throws IOException {
            java.nio.file.Path dir = home.resolve(ServerIdentity.GENERATED_DIR);
            java.nio.file.Path cert = dir.resolve(ServerIdentity.GENERATED_CERT);
            java.nio.file.Path key = dir.resolve(ServerIdentity.GENERATED_KEY);
            return java.nio.file.Files.isRegularFile(cert) && java.nio.file.Files.isRegularFile(key)
                    ? ServerIdentity.fromPem(cert, key) : null;
        }

        /** @return whether the server answers a QUIC handshake with the certificate pinned */
        private static String answers(MobileSettings settings, ServerIdentity identity) {
            if (identity == null) {
                return "no (no certificate yet)";
            }
            String host = settings.host(null).replace("[", "").replace("]", "");
            ConnectUri uri = new ConnectUri(host, settings.port(), "-", identity.fingerprint());
            try {
                QuicClientConnection quic = MobileClient.handshake(uri, Duration.ofSeconds(5));
                quic.close();
                return "yes, answers on udp://" + settings.host(null) + ":" + settings.port() + " with this certificate";
            } catch (IOException | RuntimeException e) {
                return "no (no QUIC answer with this certificate on udp://" + settings.host(null) + ":" + settings.port()
                        + ": " + FrameFields.describe(e) + ")";
            }
        }
    }
}
