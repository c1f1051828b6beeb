package org.openpista.channel.mobile.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.net.DatagramSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.config.ConfigFileEditor;

/** The channel component as the daemon activates it: what it decides, generates, saves and says. */
class MobileChannelTest {

    @TempDir
    Path home;

    final MemoryStore store = new MemoryStore();
    final ScriptedGateway gateway = new ScriptedGateway(store);
    /** What the channel asked to save in config.toml: "section key" → value. */
    final Map<String, String> saved = new ConcurrentHashMap<>();
    MobileChannel channel;

    final ConfigFileEditor editor = new ConfigFileEditor() {
        @Override
        public Path setSecret(String section, String key, String value) {
            saved.put(section + " " + key, value);
            return home.resolve("config.toml");
        }

        @Override
        public Path set(String section, Map<String, ?> values) {
            values.forEach((key, value) -> saved.put(section + " " + key, String.valueOf(value)));
            return home.resolve("config.toml");
        }
    };

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
        channel = new MobileChannel(daemon(runs), editor, gateway, store, config);
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
            assertThat(started.status()).endsWith("(1 device)");
        }
        started.deactivate();
        channel = start(config("127.0.0.1", 0, token), true);
        assertThat(channel.link(null).fingerprint()).isEqualTo(fingerprint);
        assertThat(channel.readyLines()).hasSize(1);
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
