package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * Issue #13 items 3 and 6, the launcher's part: secrets of the user's environment never sit in the
 * JVM's own environment (which every process of the user can read through /proc for the JVM's whole
 * life), yet the configuration still sees them; and what openpista writes is its owner's alone.
 */
class SecretsAtRestIT {

    @TempDir
    Path tmp;

    FakeOpenAiServer fake;

    @AfterEach
    void tearDown() {
        if (fake != null) {
            fake.close();
        }
    }

    @Test
    void aCommandReadingTheDaemonsEnvironmentFindsNoSecretButTheProviderGetsItsKey() throws Exception {
        Path home = tmp.resolve("home");
        fake = new FakeOpenAiServer();
        Files.createDirectories(home);
        // no key in the file: the provider's key comes from the environment only
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                approval = "auto"
                """.formatted(fake.baseUrl()));
        Map<String, String> planted = Map.of(
                "OPENAI_API_KEY", "sk-planted-openai-0001",
                "DATABASE_URL", "postgres://app:planted-db-password@db/app",
                "SLACK_WEBHOOK", "https://hooks.example/planted-webhook",
                "AWS_ACCESS_KEY_ID", "AKIAPLANTED000000001",
                "MY_OWN_SECRET", "planted-own-secret");
        Path tmpdir = Files.createDirectories(tmp.resolve("tmpdir"));
        Map<String, String> env = new java.util.HashMap<>(planted);
        env.put("TMPDIR", tmpdir.toString());
        fake.enqueue(FakeReply.toolCall("system.run",
                "{\"command\":\"tr '\\\\0' '\\\\n' </proc/$PPID/environ; echo ===; env\"}"), FakeReply.text("done"));

        Result result = DistributionProcess.run(home, env, "run", "-e", "show me the environment");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(fake.requests().get(0).header("authorization")).isEqualTo("Bearer sk-planted-openai-0001");
        String seen = fake.requests().get(1).json().path("messages").toString();
        assertThat(seen).contains("PATH=").contains("===");
        for (String secret : planted.values()) {
            assertThat(seen).as("the JVM's environment and the command's must not hold " + secret).doesNotContain(secret);
        }
        // the hand-over file is gone once read
        try (Stream<Path> left = Files.list(tmpdir)) {
            assertThat(left.map(Path::getFileName).map(Path::toString)).noneMatch(name -> name.startsWith("openpista-env."));
        }
    }

    @Test
    void theHomeIsPrivateAndEverythingWrittenInItIsTheOwnersAlone() throws Exception {
        Path home = tmp.resolve("shared-home");
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
        fake = new FakeOpenAiServer();
        fake.echoFallback();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                base_url = "%s"
                api_key = "sk-in-a-file-others-can-read"
                """.formatted(fake.baseUrl()));
        Files.setPosixFilePermissions(home.resolve("config.toml"), PosixFilePermissions.fromString("rw-r--r--"));

        Result result = DistributionProcess.run(home, Map.of(), "--debug", "run", "-e", "hello");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stderr()).contains("other users can read this file, and it holds secrets (agent.api_key): run chmod "
                + "600 " + home.resolve("config.toml")).doesNotContain("sk-in-a-file-others-can-read");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home))).isEqualTo("rwx------");
        for (Path written : new Path[] {home.resolve("memory.db"), home.resolve("logs/openpista.0.log"),
            home.resolve("debug.log")}) {
            assertThat(written).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written))).as(written.toString())
                    .isEqualTo("rw-------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("logs")))).isEqualTo("rwx------");
    }
}
