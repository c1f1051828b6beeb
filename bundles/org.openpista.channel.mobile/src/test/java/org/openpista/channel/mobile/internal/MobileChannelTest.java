package org.openpista.channel.mobile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.PairingState.Phase;
import org.openpista.channel.support.MemoryGateway;
import org.openpista.channel.support.MemoryStore;
import org.openpista.channel.support.SavedSettings;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** The channel component as the daemon activates it: what it decides, generates, saves and says. */
class MobileChannelTest {

    @TempDir
    Path home;

    final MemoryStore store = new MemoryStore();
    final MemoryGateway gateway = new MemoryGateway(store);
    /** What the channel asked to save in config.toml: "section key" → value. */
    MobileChannel channel;
    /** The pairing services the channel registered and has not unregistered, with their properties. */
    final Map<ChannelPairing, Dictionary<?, ?>> pairings = new ConcurrentHashMap<>();

    /** Only what the channel uses of the framework: registering its pairing service and unregistering it. */
    final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if (!method.getName().equals("registerService") || args[0] != ChannelPairing.class) {
                    throw new UnsupportedOperationException(method.toString());
                }
                ChannelPairing service = (ChannelPairing) args[1];
                pairings.put(service, (Dictionary<?, ?>) args[2]);
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ServiceRegistration.class},
                        (registration, call, none) -> {
                            if (!call.getName().equals("unregister")) {
                                throw new UnsupportedOperationException(call.toString());
                            }
                            pairings.remove(service);
                            return null;
                        });
            });

    final SavedSettings editor = new SavedSettings(() -> home.resolve("config.toml"));
    final Map<String, String> saved = editor.saved;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.deactivate();
        }
        gateway.close();
    }

    DaemonControl daemon(boolean runs) {
        return new DaemonControl() {
            @Override
            public long pid() {
                return ProcessHandle.current().pid();
            }

            @Override
            public Instant startedAt() {
                return Instant.now();
            }

            @Override
            public Path home() {
                return home;
            }

            @Override
            public List<String> features() {
                return List.of("core", "mobile");
            }

            @Override
            public boolean foreground() {
                return false;
            }

            @Override
            public void requestStop(String reason) {
                throw new UnsupportedOperationException("not in a test");
            }

            @Override
            public boolean runsChannel(String id, boolean enabled) {
                return runs;
            }
        };
    }

    static MobileChannel.Config config(String bind, int port, String token) {
        return new MobileChannel.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return MobileChannel.Config.class;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String bind() {
                return bind;
            }

            @Override
            public int port() {
                return port;
            }

            @Override
            public String _api_token() {
                return token;
            }

            @Override
            public String cert_file() {
                return "";
            }

            @Override
            public String key_file() {
                return "";
            }

            @Override
            public int idle_timeout_secs() {
                return 30;
            }

            @Override
            public int turn_timeout_secs() {
                return 120;
            }

            @Override
            public int approval_timeout_secs() {
                return 600;
            }
        };
    }

    MobileChannel start(MobileChannel.Config config, boolean runs) {
        channel = new MobileChannel(daemon(runs), editor, gateway, store, context, config);
        return channel;
    }

    @Test
    void aFreshHomeGetsATokenAndACertificateAndTheLinkIsPrintedWithBoth() throws Exception {
        MobileChannel started = start(config("127.0.0.1", 0, ""), true);
        String token = saved.get("channels.mobile api_token");
        assertThat(token).matches("[0-9a-f]{48}");
        assertThat(started.status()).startsWith("listening on udp://127.0.0.1:").endsWith("(0 devices)");
        assertThat(Files.getPosixFilePermissions(home.resolve("mobile/key.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(home.resolve("mobile"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        String fingerprint = ServerIdentity.fromPem(home.resolve("mobile/cert.pem"), home.resolve("mobile/key.pem")).fingerprint();
        List<String> lines = started.readyLines();
        assertThat(lines.get(0)).startsWith("Mobile: openpista+quic://127.0.0.1:").contains("?token=" + token + "&fp=" + fingerprint);
        assertThat(lines.get(1)).contains("Generated a token").contains("[channels.mobile] api_token");

        // a phone with that link gets in, and the next start keeps the certificate
        ConnectUri link = ConnectUri.parse(lines.get(0).substring("Mobile: ".length()).split(" ")[0]);
        try (MobileClient phone = MobileClient.connect(link, "phone-1", Duration.ofSeconds(30))) {
            assertThat(phone.authOk().path("session_id").asText()).isEqualTo("mobile:phone-1");
            // the server counts the device right after it wrote auth_ok, so the client may read it first
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!started.status().endsWith("(1 device)") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(started.status()).endsWith("(1 device)");
        }
        started.deactivate();
        channel = start(config("127.0.0.1", 0, token), true);
        assertThat(channel.link(null).fingerprint()).isEqualTo(fingerprint);
        assertThat(channel.readyLines()).hasSize(1);
    }

    @Test
    void whileItListensTheChannelOffersTheSetupLinkAsAPairingCode() throws Exception {
        String token = "a-token-of-enough-length";
        MobileChannel started = start(config("0.0.0.0", 0, token), true);
        assertThat(pairings).hasSize(1);
        var registered = pairings.entrySet().iterator().next();
        assertThat(registered.getValue().get(ChannelPairing.CHANNEL)).isEqualTo("mobile");
        var state = registered.getKey().state();
        // the link mobile setup prints: the LAN address it picks for a wildcard bind, the port listened on
        ConnectUri link = new ConnectUri(MobileSetup.defaultHost(MobileSettings.from(config("0.0.0.0", 0, token))),
                started.link(null).port(), token, started.link(null).fingerprint());
        assertThat(started.setupLink()).isEqualTo(link);
        assertThat(state.channel()).isEqualTo("mobile");
        assertThat(state.phase()).isEqualTo(Phase.WAITING_FOR_SCAN);
        assertThat(state.detail()).isEqualTo(link.toString());
        assertThat(state.qr().data()).isEqualTo(link.toString());
        assertThat(state.qr().rows()).isEqualTo(QrEncoder.encode(link.toString()).rows());
        assertThat(registered.getKey().state()).as("a cheap, unchanging state").isSameAs(state);

        started.deactivate();
        channel = null;
        assertThat(pairings).as("gone with the channel").isEmpty();
        // not listening (refused, or not run by this daemon): nothing to pair with
        start(config("0.0.0.0", 0, "short"), true);
        assertThat(pairings).isEmpty();
        channel.deactivate();
        start(config("127.0.0.1", 0, token), false);
        assertThat(pairings).isEmpty();
    }

    @Test
    void beyondLoopbackAShortTokenIsRefusedAndSaid() {
        MobileChannel refused = start(config("0.0.0.0", 0, "short"), true);
        assertThat(refused.status()).startsWith("not listening: refusing to listen on 0.0.0.0 with a token of fewer than 16");
        assertThat(refused.readyLines()).singleElement().asString().startsWith("Mobile: not listening: refusing");
        assertThat(saved).isEmpty();
        assertThat(home.resolve("mobile")).doesNotExist();
    }

    @Test
    void aTakenPortIsReportedAndADaemonThatDoesNotRunTheChannelSaysNothing() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            MobileChannel busy = start(config("127.0.0.1", taken.getLocalPort(), "a-token-of-enough-length"), true);
            assertThat(busy.status()).startsWith("not listening: cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(busy.readyLines()).singleElement().asString().contains("another program uses the port?");
        }
        channel.deactivate();
        channel = start(config("127.0.0.1", 0, ""), false);
        assertThat(channel.status()).isEqualTo("not run by this daemon");
        assertThat(channel.readyLines()).isEmpty();
        assertThat(saved).isEmpty();
    }
}
