package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/** {@code openpista doctor} of the real distribution against a fake provider. */
class DoctorIT {

    @TempDir
    Path home;

    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenAiServer();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "gpt-4o"
                base_url = "%s"
                api_key = "sk-test-secret-123"

                [channels.web]
                enabled = false
                """.formatted(fake.baseUrl()));
        Files.setPosixFilePermissions(home.resolve("config.toml"), PosixFilePermissions.fromString("rw-------"));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    @Test
    void aHealthyInstallationPassesEveryCheckThatApplies() throws Exception {
        Result doctor = DistributionProcess.run(home, Map.of(), "doctor");

        assertThat(doctor.exitCode()).as(doctor.toString()).isZero();
        assertThat(doctor.stdout())
                .contains("✔ config: ")
                .contains("✔ provider: provider openai answers and accepts the key (3 models listed)")
                .contains("✔ provider: model gpt-4o is offered")
                .containsPattern("✔ clock: this clock and 127.0.0.1's differ by [0-9] s")
                .containsPattern("✔ database: .*memory.db passes SQLite's quick_check")
                .containsPattern("✔ disk: ")
                .contains("no problems")
                .doesNotContain("sk-test-secret-123");
        assertThat(fake.allRequests()).as("the model list was asked for").isNotEmpty();
    }

    @Test
    void aRefusedKeyAndAWorldReadableSecretFailWithTheirFixes() throws Exception {
        fake.requireApiKey("sk-another-key");
        Files.setPosixFilePermissions(home.resolve("config.toml"), PosixFilePermissions.fromString("rw-r--r--"));

        Result doctor = DistributionProcess.run(home, Map.of(), "doctor");

        assertThat(doctor.exitCode()).as(doctor.toString()).isEqualTo(1);
        assertThat(doctor.stdout())
                .containsPattern("✘ provider: provider openai did not answer the model list: .*401")
                .contains("fix: the key was refused")
                .containsPattern("✘ files: .*config.toml")
                .containsPattern("problems? to fix")
                .doesNotContain("sk-test-secret-123")
                .doesNotContain("sk-another-key");
    }

    @Test
    void offlineAsksNobody() throws Exception {
        Result doctor = DistributionProcess.run(home, Map.of(), "doctor", "--offline");

        assertThat(doctor.exitCode()).as(doctor.toString()).isZero();
        assertThat(doctor.stdout()).contains("- provider: provider openai not asked (--offline)")
                .contains("- clock: not compared with the provider's clock (--offline)");
        assertThat(fake.allRequests()).isEmpty();
    }

    @Test
    void aOneShotTurnDoesNotInstallTheDoctor() throws Exception {
        // the doctor's feature is at level 3, above what run -e installs; the per-bundle report names every bundle it started
        fake.enqueue(FakeReply.text("ok"));
        Result run = DistributionProcess.run(home, Map.of("OPENPISTA_JAVA_OPTS", "-Dopenpista.phases=bundles"), "run", "-e",
                "hello");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stderr()).as(run.toString()).contains("org.openpista.usage").doesNotContain("org.openpista.doctor");
    }
}
