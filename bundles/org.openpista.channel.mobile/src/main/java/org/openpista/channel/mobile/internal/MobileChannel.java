package org.openpista.channel.mobile.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.ChannelAdapter;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.settings.SettingsSection;
import org.openpista.channel.support.FrameFields;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mobile channel, in the daemon only (it needs {@link DaemonControl}): the original openpista's
 * QUIC protocol on UDP {@code bind:port} (127.0.0.1:4434 by default). A missing token is generated
 * on first start and saved to config.toml; a missing certificate is generated once under the home.
 * Anywhere but loopback it refuses to listen without a token of at least 16 characters. When it does
 * not listen it stays registered and says why in its status and ready line. While it listens it also
 * registers a {@link ChannelPairing} for {@code mobile} carrying the link {@code openpista mobile setup}
 * prints, which the web chat's Connections dialog draws as a QR code.
 */
@SettingsSection(value = MobileChannel.SECTION, pid = MobileChannel.PID,
        formats = {"cert_file=" + SettingsSection.PATH, "key_file=" + SettingsSection.PATH},
        env = {"api_token=OPENPISTA_MOBILE_TOKEN", "port=OPENPISTA_MOBILE_PORT"})
@Component(
        service = {ChannelAdapter.class, MobileChannel.class},
        configurationPid = MobileChannel.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        property = ChannelAdapter.CHANNEL + "=" + MobileHub.CHANNEL)
@Designate(ocd = MobileChannel.Config.class)
public class MobileChannel implements ChannelAdapter {

    static final String PID = "org.openpista.channel.mobile";
    /** The table of config.toml. */
    static final String SECTION = "channels.mobile";
    /** What {@code openpista start} prints for the channel starts with this. */
    static final String READY = "Mobile: ";

    /** The {@code [channels.mobile]} table of config.toml ({@code approval} is the agent's, for every channel). */
    @ObjectClassDefinition(name = "Mobile channel", description = "The original openpista's mobile protocol over QUIC: "
            + "phones (and openpista mobile connect) talk to the agent with a token, pinning the server's certificate.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled", description = "Run the mobile channel in the daemon (openpista start); "
                + "openpista mobile start runs it either way.")
        boolean enabled() default false;

        @AttributeDefinition(name = "Bind", description = "The address to listen on: 127.0.0.1 for this machine only, "
                + "0.0.0.0 for every network (then the token must have at least 16 characters).")
        String bind() default MobileSettings.DEFAULT_BIND;

        @AttributeDefinition(name = "Port", description = "The UDP port to listen on; 0 for any free one.", min = "0",
                max = "65535")
        int port() default MobileSettings.DEFAULT_PORT;

        @AttributeDefinition(name = "API token", description = "The token every device must present; empty: generated "
                + "on first start and saved here.", type = AttributeType.PASSWORD)
        String _api_token() default "";

        @AttributeDefinition(name = "Certificate file", description = "A PEM certificate (chain) to serve; empty: a "
                + "self-signed one generated once under the openpista home (mobile/cert.pem).")
        String cert_file() default "";

        @AttributeDefinition(name = "Key file", description = "The certificate's private key, PEM in PKCS#8 "
                + "(-----BEGIN PRIVATE KEY-----); set together with cert_file.")
        String key_file() default "";

        @AttributeDefinition(name = "Idle timeout", description = "Seconds a connection without any packet stays open "
                + "(clients keep it alive with pings).", min = "5")
        int idle_timeout_secs() default 60;

        @AttributeDefinition(name = "Turn limit", description = "Seconds a turn from a device may run (time waiting for "
                + "approval not counted); then the device gets the original's error.", min = "1")
        int turn_timeout_secs() default 120;

        @AttributeDefinition(name = "Approval wait", description = "Seconds an approval question waits for an answer "
                + "before it counts as refused.", min = "1")
        int approval_timeout_secs() default 600;
    }

    private static final Logger LOG = LoggerFactory.getLogger(MobileChannel.class);

    private final boolean runs;
    private final MobileSettings settings;
    private final String problem;
    private final String tokenNote;
    private final ServerIdentity identity;
    private final MobileHub hub;
    private final QuicServer server;
    private final ServiceRegistration<ChannelPairing> pairing;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile SessionRouter sessionRouter;

    @Activate
    public MobileChannel(
            @Reference DaemonControl daemon,
            @Reference ConfigFileEditor configEditor,
            @Reference AgentGateway gateway,
            @Reference ConversationStore store,
            BundleContext context,
            Config config) {
        MobileSettings configured = MobileSettings.from(config);
        this.runs = daemon.runsChannel(MobileHub.CHANNEL, configured.enabled());
        String why = !runs ? (configured.enabled() ? "not run by this daemon" : "disabled ([channels.mobile] enabled = false)")
                : configured.refusal();
        String note = "";
        MobileSettings serving = configured;
        if (why == null && !configured.tokenRequired()) {
            String token = newToken();
            note = saveToken(configEditor, token);
            serving = configured.withToken(token);
        }
        ServerIdentity loaded = null;
        if (why == null) {
            try {
                loaded = ServerIdentity.load(serving, daemon.home());
            } catch (IOException e) {
                why = "no certificate: " + FrameFields.describe(e);
            }
        }
        MobileHub started = null;
        QuicServer listening = null;
        if (why == null) {
            started = new MobileHub(serving, gateway, store, () -> sessionRouter, Clock.systemUTC());
            try {
                listening = QuicServer.start(serving, loaded, started);
                serving = serving.withPort(listening.port());
            } catch (IOException e) {
                started.close();
                started = null;
                why = FrameFields.describe(e) + " (another program uses the port? set [channels.mobile] port or "
                        + "OPENPISTA_MOBILE_PORT)";
            }
        }
        this.settings = serving;
        this.problem = why;
        this.tokenNote = note;
        this.identity = loaded;
        this.hub = started;
        this.server = listening;
        this.pairing = listening == null ? null : context.registerService(ChannelPairing.class,
                new MobilePairing(setupLink(), Instant.now()),
                new Hashtable<>(Map.of(ChannelPairing.CHANNEL, MobileHub.CHANNEL)));
        if (runs && why != null) {
            LOG.error("The mobile channel does not start: {}", why);
        } else if (listening != null) {
            LOG.info("Mobile channel on udp://{}:{} (certificate {})", serving.bind(), listening.port(), loaded.fingerprint());
        }
    }

    /** @return a new random token: 48 hex digits */
    static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Saves a generated token to config.toml; @return what to tell the owner about it */
    private static String saveToken(ConfigFileEditor configEditor, String token) {
        try {
            Path file = configEditor.setSecret(SECTION, "api_token", token);
            LOG.info("Generated a mobile token and saved it to {} ([channels.mobile] api_token)", file);
            return "Generated a token and saved it in " + file + " ([channels.mobile] api_token).";
        } catch (IOException | RuntimeException e) {
            LOG.warn("Generated a mobile token but cannot save it to config.toml: {}; it is valid until openpista stops",
                    FrameFields.describe(e));
            return "The generated token could not be saved to config.toml (" + FrameFields.describe(e)
                    + "): it holds until openpista stops; set one with: openpista mobile setup";
        }
    }

    @Override
    public String id() {
        return MobileHub.CHANNEL;
    }

    @Override
    public String status() {
        if (server == null) {
            return runs ? "not listening: " + problem : problem;
        }
        long devices = server.devices();
        return "listening on udp://" + settings.host(null) + ":" + server.port() + " (" + devices
                + (devices == 1 ? " device)" : " devices)");
    }

    /** @return true: the link with its token and fingerprint, or why it does not listen */
    @Override
    public boolean hasReadyLines() {
        return true;
    }

    /** The link with the token and fingerprint, for the owner's terminal (never a log), or why it does not listen. */
    @Override
    public List<String> readyLines() {
        if (!runs) {
            return List.of();
        }
        if (server == null) {
            return List.of(READY + "not listening: " + problem);
        }
        List<String> lines = new ArrayList<>();
        lines.add(READY + link(null) + " (QR code: openpista mobile setup)");
        if (!tokenNote.isEmpty()) {
            lines.add(tokenNote);
        }
        return lines;
    }

    /** @return the link a phone connects with, or {@code null} when the channel does not listen */
    ConnectUri link(String host) {
        return server == null ? null
                : new ConnectUri(settings.host(host).replace("[", "").replace("]", ""), server.port(), settings.token(),
                        identity.fingerprint());
    }

    /**
     * @return the link {@code openpista mobile setup} prints for these settings (a wildcard bind gives
     *     this machine's LAN address), on the port the channel listens on; {@code null} when it does not
     */
    ConnectUri setupLink() {
        return server == null ? null
                : new ConnectUri(MobileSetup.defaultHost(settings), server.port(), settings.token(), identity.fingerprint());
    }

    /** @return the hub while it serves, else {@code null} (for {@code openpista:mobile}) */
    MobileHub hub() {
        return hub;
    }

    @Override
    public void deliver(String target, String text) {
        if (hub == null || hub.deliver(target, text) == 0) {
            throw new IllegalStateException("no mobile device \"" + target + "\" is subscribed");
        }
    }

    @Deactivate
    void deactivate() {
        if (pairing != null) {
            try {
                pairing.unregister();
            } catch (IllegalStateException e) {
                // the framework already unregistered it with the stopping bundle
            }
        }
        if (server != null) {
            server.close();
        }
        if (hub != null) {
            hub.close();
        }
    }
}
