package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * A daemon left running while its installation is replaced ({@code install.sh}: the installation
 * moves aside, a new one takes its path, the old one is deleted) goes on with the jars it started
 * with, although Felix keeps only a few of them open ({@code felix.cache.filelimit}) and opens the
 * others again by path when it reads a class it has not loaded yet: the system tool's (a delayed
 * component, made at its first call), after the replacement.
 */
class ReplacedDistributionIT {

    // in the system's temporary folder: hard links need the user's cache on the same file system
    @TempDir
    Path dir;

    Path home;
    Path installation;
    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createDirectories(dir.resolve("home"));
        installation = dir.resolve("openpista");
        copy(DistributionProcess.dist(), installation);
        fake = new FakeOpenAiServer();
        fake.echoFallback();
        ShellTurn.writeConfig(home, fake, """
                [channels.web]
                enabled = false
                """);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            DistributionProcess.stopDaemon(home);
        } finally {
            fake.close();
        }
    }

    @Test
    void aDaemonKeepsItsJarsWhenItsInstallationIsReplaced() throws Exception {
        Result started = DistributionProcess.run(installation, home, Map.of(), null, Duration.ofSeconds(90), "start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        Matcher pid = Pattern.compile("PID (\\d+)").matcher(started.stdout());
        assertThat(pid.find()).as(started.toString()).isTrue();
        Path fds = Path.of("/proc", pid.group(1), "fd");
        assertThat(openJars(fds)).as("Felix closes all but a few of the 80 bundle jars").isLessThan(10);

        // install.sh: the old installation moves aside, the new one (another build) takes its path
        Files.move(installation, dir.resolve("openpista.previous"));
        copy(DistributionProcess.dist(), installation);
        try (Stream<Path> jars = Files.list(installation.resolve("bundles/core"))) {
            for (Path jar : jars.filter(jar -> jar.getFileName().toString().startsWith("org.openpista.tool.system")).toList()) {
                Files.writeString(jar, "not the jar the daemon started with");
            }
        }
        InstalledBundles.delete(dir.resolve("openpista.previous"));

        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo still-$((6*7))\"}"),
                FakeReply.text("The shell said 42."));
        Result turn = DistributionProcess.run(home, Map.of(), "shell", "-c", "openpista:send replaced \"six times seven?\"");

        assertThat(turn.exitCode()).as(turn.toString()).isZero();
        assertThat(turn.stdout()).isEqualTo("The shell said 42.\n");
        JsonNode messages = fake.lastRequest().json().path("messages");
        assertThat(messages.get(messages.size() - 1).path("content").asText()).contains("still-42");
    }

    /** @return how many of a process's open files are jars outside the launcher's class path ({@code lib}) */
    private static long openJars(Path fds) throws Exception {
        long count = 0;
        try (Stream<Path> links = Files.list(fds)) {
            for (Path link : links.toList()) {
                try {
                    String file = Files.readSymbolicLink(link).toString();
                    if (file.endsWith(".jar") && !file.contains("/lib/")) {
                        count++;
                    }
                } catch (java.io.IOException closed) {
                    // closed meanwhile
                }
            }
        }
        return count;
    }

    private static void copy(Path from, Path to) throws Exception {
        Process cp = new ProcessBuilder(List.of("cp", "-a", from.toString(), to.toString())).inheritIO().start();
        assertThat(cp.waitFor()).isZero();
    }
}
