package org.openpista.channel.mobile.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.concurrent.Callable;
import org.openpista.channel.support.FrameFields;
import org.openpista.channel.support.ServerSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code mobile setup}: writes {@code [channels.mobile]} of config.toml through the configuration
 * bundle's editor (in place, atomically, owner-only), makes sure a token and a certificate exist, and
 * prints the link a phone connects with, as text and as a QR code:
 * {@code openpista+quic://HOST:PORT?token=…&fp=sha256:…}.
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Writes the [channels.mobile] section of config.toml and prints the link (and its QR code) a "
                + "phone connects with. A token and a certificate are generated when there are none."})
final class MobileSetup implements Callable<Integer> {

    @ParentCommand
    MobileCommand mobile;

    @Option(names = "--enable", description = "Set enabled = true, so openpista start runs the channel.")
    boolean enable;

    @Option(names = "--port", paramLabel = "N", description = "The UDP port (default 4434).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "The address to listen on (default 127.0.0.1; "
            + "0.0.0.0 for every network).")
    String bind;

    @Option(names = "--host", paramLabel = "HOST", description = "The host name or address phones reach this machine at, "
            + "for the link (default: the bind address, or this machine's LAN address when it listens everywhere).")
    String host;

    @Option(names = "--token", paramLabel = "T", description = "The API token to require, at least 16 characters.")
    String token;

    @Option(names = "--regenerate-token", description = "Replace the token with a new random one.")
    boolean regenerate;

    @Option(names = "--yes", description = "Do not ask before replacing an existing token.")
    boolean yes;

    @Option(names = "--no-qr", description = "Print the link only, without the QR code.")
    boolean noQr;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        MobileSettings current = mobile.settings();
        ServerSetup.Outcome written = ServerSetup.save(new ServerSetup.Options(enable, bind, port, token, regenerate, yes),
                new ServerSetup.Table(MobileChannel.SECTION, "api_token", MobileSettings.MIN_REMOTE_TOKEN,
                        "Replace the existing mobile token? Devices using it must be set up again."),
                current.tokenRequired(), MobileChannel::newToken, mobile.editor(), mobile.loader().configFile(), System.in, out, err);
        if (written.status() != MobileCommand.OK) {
            return written.status();
        }
        String newToken = written.newToken();
        MobileSettings saved = new MobileSettings(enable || current.enabled(), bind != null ? bind : current.bind(),
                port != null ? port : current.port(), newToken != null ? newToken : current.token(), current.certFile(),
                current.keyFile(), current.idleTimeout(), current.turnTimeout(), current.approvalTimeout());
        ServerIdentity identity;
        try {
            identity = ServerIdentity.load(saved, mobile.loader().home());
        } catch (IOException e) {
            err.println("openpista: no certificate: " + FrameFields.describe(e));
            return MobileCommand.FAILED;
        }
        String reachable = host != null ? host.strip() : defaultHost(saved);
        ConnectUri link = new ConnectUri(reachable, saved.port(), saved.token(), identity.fingerprint());
        if (!noQr) {
            out.print(QrEncoder.encode(link.toString()).toTerminal());
        }
        out.println("Link:        " + link);
        out.println("Fingerprint: " + identity.fingerprint());
        out.println("Scan the code with the phone app, or connect from a terminal: openpista mobile connect '" + link + "'");
        if (newToken != null) {
            mobile.loader().environmentOf(MobileChannel.SECTION, "api_token").ifPresent(variable -> out.println(
                    "Note: " + variable + " is set and wins over the file while it is."));
        }
        String refusal = saved.refusal();
        if (refusal != null) {
            out.println("Note: the channel will not start like this: " + refusal);
        }
        if (MobileSettings.isLoopback(saved.bind()) && !MobileSettings.isLoopback(reachable)) {
            out.println("Note: the channel listens on " + saved.bind() + " only; for phones on the network: "
                    + "openpista mobile setup --bind 0.0.0.0");
        }
        if (!saved.enabled()) {
            out.println("Note: [channels.mobile] enabled = false; openpista start leaves it off (pass --enable to turn it "
                    + "on; openpista mobile start runs it anyway).");
        }
        return MobileCommand.OK;
    }

    /** @return the bind address, or for a wildcard bind this machine's first LAN (IPv4) address */
    static String defaultHost(MobileSettings settings) {
        String bind = settings.bind();
        if (!bind.equals("0.0.0.0") && !bind.equals("::") && !bind.equals("[::]")) {
            return bind.replace("[", "").replace("]", "");
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall back to loopback
        }
        return "127.0.0.1";
    }
}
