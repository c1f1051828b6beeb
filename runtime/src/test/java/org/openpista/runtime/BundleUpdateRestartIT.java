package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.osgi.framework.Version;

/**
 * {@code openpista bundles update} lasts across a restart of the daemon, end to end: the web channel
 * bundle updated in the running daemon is the version that runs after the next start, {@code bundles
 * rollback} still restores the previous version after it, and a distribution that brings a newer
 * version of the bundle (an upgrade of openpista) wins over the kept one, which becomes the previous;
 * rolled back to on that distribution, the older version lasts across a restart again.
 */
class BundleUpdateRestartIT {

    static final String WEB = "org.openpista.channel.web";
    static final String TOKEN = "bundle-restart-token";

    @TempDir
    Path home;

    @TempDir
    Path work;

    FakeOpenAiServer fake;
    int port;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenAiServer();
        port = WebDaemon.freePort();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-restart-it"

                [channels.web]
                enabled = true
                port = %d
                token = "%s"
                """.formatted(fake.baseUrl(), port, TOKEN));
        Files.setPosixFilePermissions(home.resolve("config.toml"), PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    static Path webJar(Path dist) throws Exception {
        try (Stream<Path> jars = Files.walk(dist.resolve("bundles"))) {
            return jars.filter(jar -> jar.getFileName().toString().startsWith(WEB + "-")).findFirst().orElseThrow();
        }
    }

    Result openpista(Path dist, String... args) throws Exception {
        return DistributionProcess.run(dist, home, Map.of(), null, Duration.ofSeconds(90), args);
    }

    /** Starts the daemon, runs the checks, stops it. */
    void withDaemon(Path dist, DaemonCheck check) throws Exception {
        try (WebDaemon daemon = WebDaemon.start(dist, home, port, Map.of(), "start", "--foreground")) {
            check.run(daemon);
            assertThat(daemon.stop()).isIn(0, 143);
        }
    }

    interface DaemonCheck {
        void run(WebDaemon daemon) throws Exception;
    }

    /** @return the row of the web channel in {@code bundles list}: name, version, state, previous */
    String webRow(Path dist) throws Exception {
        Result list = openpista(dist, "bundles", "list");
        assertThat(list.exitCode()).as(list.toString()).isZero();
        return list.stdout().lines().filter(line -> line.startsWith(WEB + " ")).findFirst().orElseThrow().replaceAll("\\s+", " ");
    }

    static void serves(WebDaemon daemon) throws Exception {
        HttpResponse<String> auth = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(daemon.url() + "auth"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + TOKEN + "\",\"client_id\":\"x\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(auth.statusCode()).as("the web channel serves: " + auth.body()).isEqualTo(200);
    }

    /**
     * A copy of the distribution whose web feature brings another version of the web channel bundle:
     * the start script and that feature are copied, the rest is linked.
     */
    Path distributionWithWeb(String version) throws Exception {
        Path dist = DistributionProcess.dist().toAbsolutePath();
        Path copy = Files.createDirectories(work.resolve("openpista-" + version));
        Files.createDirectories(copy.resolve("bin"));
        Files.copy(dist.resolve("bin/openpista"), copy.resolve("bin/openpista"));
        try (Stream<Path> entries = Files.list(dist)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals("bin") && !entry.getFileName().toString().equals("bundles")) {
                    Files.createSymbolicLink(copy.resolve(entry.getFileName()), entry);
                }
            }
        }
        Path web = webJar(dist);
        try (Stream<Path> features = Files.list(dist.resolve("bundles"))) {
            for (Path feature : features.toList()) {
                Path target = copy.resolve("bundles").resolve(feature.getFileName());
                if (!feature.equals(web.getParent())) {
                    Files.createDirectories(target.getParent());
                    Files.createSymbolicLink(target, feature);
                    continue;
                }
                Files.createDirectories(target);
                try (Stream<Path> files = Files.list(feature)) {
                    for (Path file : files.toList()) {
                        if (file.equals(web)) {
                            SwapUnderLoadIT.withVersion(web, target.resolve(WEB + "-" + version + ".jar"), version);
                        } else {
                            Files.copy(file, target.resolve(file.getFileName()));
                        }
                    }
                }
            }
        }
        return copy;
    }

    @Test
    void anUpdatedBuiltInBundleRunsAgainAfterARestartUntilTheDistributionBringsANewerOne() throws Exception {
        Path dist = DistributionProcess.dist();
        Path web = webJar(dist);
        String distributed;
        try (JarFile jar = new JarFile(web.toFile())) {
            distributed = Version.parseVersion(jar.getManifest().getMainAttributes().getValue("Bundle-Version")).toString();
        }
        Path web101 = SwapUnderLoadIT.withVersion(web, work.resolve("channel-web-1.0.1.jar"), "1.0.1");

        withDaemon(dist, daemon -> {
            Result updated = openpista(dist, "bundles", "update", WEB, web101.toString());
            assertThat(updated.exitCode()).as(updated.toString()).isZero();
            assertThat(webRow(dist)).isEqualTo(WEB + " 1.0.1 active " + distributed);
        });
        Path kept = home.resolve("bundles-updated/" + WEB + ".jar");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept.getParent()))).isEqualTo("rwx------");

        withDaemon(dist, daemon -> {
            assertThat(webRow(dist)).as("the update lasts across a restart").isEqualTo(WEB + " 1.0.1 active " + distributed);
            serves(daemon);
            Result back = openpista(dist, "bundles", "rollback", WEB);
            assertThat(back.exitCode()).as(back.toString()).isZero();
            assertThat(webRow(dist)).as("rollback after a restart").isEqualTo(WEB + " " + distributed + " active 1.0.1");
            Result again = openpista(dist, "bundles", "rollback", WEB);
            assertThat(again.exitCode()).as(again.toString()).isZero();
            assertThat(webRow(dist)).isEqualTo(WEB + " 1.0.1 active " + distributed);
        });

        Path upgraded = distributionWithWeb("1.0.2");
        withDaemon(upgraded, daemon -> {
            assertThat(webRow(upgraded)).as("the newer version of the distribution wins").isEqualTo(WEB + " 1.0.2 active 1.0.1");
            serves(daemon);
        });
        assertThat(kept).as("the stale update is dropped").doesNotExist();
        String log = Files.readString(home.resolve("logs/openpista.0.log"));
        assertThat(log).contains("Bundle " + WEB + ": the distribution's version 1.0.2 is newer than 1.0.1");

        withDaemon(upgraded, daemon -> {
            Result back = openpista(upgraded, "bundles", "rollback", WEB);
            assertThat(back.exitCode()).as(back.toString()).isZero();
            assertThat(webRow(upgraded)).as("the version that ran before the upgrade, back").isEqualTo(WEB + " 1.0.1 active 1.0.2");
        });
        withDaemon(upgraded, daemon -> {
            assertThat(webRow(upgraded)).as("a downgrade on purpose lasts while the distribution is the same")
                    .isEqualTo(WEB + " 1.0.1 active 1.0.2");
            serves(daemon);
        });
    }
}
