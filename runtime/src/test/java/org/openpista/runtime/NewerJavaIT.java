package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;

/**
 * The launcher on a Java newer than the one the build runs on, when the machine has one (24 or newer
 * under {@code /usr/lib/jvm}), chosen through {@code JAVA_HOME}: a turn answers and the JVM prints
 * nothing of its own on standard error.
 */
class NewerJavaIT {

    @TempDir
    Path home;

    @Test
    void aTurnOnJava24OrNewerAnswersWithoutJvmWarnings() throws Exception {
        Optional<Path> java = newerJava();
        assumeTrue(java.isPresent(), "no Java 24 or newer under /usr/lib/jvm");
        try (FakeOpenAiServer fake = new FakeOpenAiServer()) {
            ShellTurn.writeConfig(home, fake);
            ShellTurn.script(fake);

            Result result = DistributionProcess.run(home, Map.of("JAVA_HOME", java.get().toString()), "run", "-e", ShellTurn.PROMPT);

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo(ShellTurn.ANSWER);
            assertThat(result.stderr()).as(result.toString()).doesNotContain("WARNING");
        }
    }

    /** A JDK or JRE of release 24 or newer under /usr/lib/jvm, by its {@code release} file. */
    private static Optional<Path> newerJava() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(dir -> Files.isExecutable(dir.resolve("bin/java")) && release(dir) >= 24).sorted().findFirst();
        }
    }

    private static int release(Path javaHome) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(javaHome.resolve("release"))) {
            properties.load(in);
            String version = properties.getProperty("JAVA_VERSION", "\"0\"").replace("\"", "");
            return Integer.parseInt(version.split("[.+-]")[0]);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }
}
