package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * {@code openpista run -e} with a daemon running for the home: the daemon runs the turn (its own
 * turn count and the session show it), approval questions reach the command's terminal, and without
 * a daemon, with {@code --local} or another configuration file the command runs the turn itself.
 * {@code openpista stop} and {@code shell -c} are served by the daemon the same way, with what the
 * commands print when they run themselves.
 */
class DaemonRunIT {

    // in the system's temporary folder: a Unix socket path must stay under 108 bytes
    @TempDir
    Path home;

    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws IOException {
        fake = new FakeOpenAiServer();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-test-secret-123"
                approval = "ask"

                [channels.web]
                enabled = false
                """.formatted(fake.baseUrl()));
        Files.setPosixFilePermissions(home.resolve("config.toml"), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            Path pidFile = home.resolve("openpista.pid");
            if (Files.exists(pidFile)) {
                var daemon = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()));
                if (daemon.isPresent() && daemon.get().isAlive()) {
                    openpista("stop");
                    daemon.get().destroyForcibly();
                }
            }
        } finally {
            fake.close();
        }
    }

    /**
     * The run after a build that records the class-data archive always starts the framework; without
     * the archive every run here is as it is once that run was.
     */
    static final Map<String, String> NO_RECORDING = Map.of("OPENPISTA_CDS", "off");

    Result openpista(String... args) throws Exception {
        return DistributionProcess.run(home, NO_RECORDING, args);
    }

    void startDaemon() throws Exception {
        Result started = openpista("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
    }

    /** @return how many turns the daemon finished, from {@code openpista:status} */
    int daemonTurns() throws Exception {
        Result status = openpista("shell", "-c", "openpista:status");
        Matcher turns = Pattern.compile("turns\\s+(\\d+) finished").matcher(status.stdout());
        assertThat(turns.find()).as(status.toString()).isTrue();
        return Integer.parseInt(turns.group(1));
    }

    @Test
    void theRunningDaemonRunsTheTurnInTheSessionAskedFor() throws Exception {
        startDaemon();
        fake.enqueue(FakeReply.text("first \u001b[2Janswer"), FakeReply.text("second answer"));

        Result first = openpista("--debug", "run", "-s", "work", "-e", "hello");
        Result second = openpista("run", "-e", "and more", "--session", "work");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        // made safe for the terminal as in process
        assertThat(first.stdout()).isEqualTo("first ^[[2Janswer\n");
        assertThat(first.stderr()).contains("the daemon on " + home.resolve("admin.sock") + " runs this turn");
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.stdout()).isEqualTo("second answer\n");
        assertThat(second.stderr()).as("no hint without --debug").isEmpty();
        assertThat(daemonTurns()).isEqualTo(2);
        Result history = openpista("shell", "-c", "openpista:history work");
        assertThat(history.stdout()).contains("hello").contains("first").contains("and more").contains("second answer");
        assertThat(fake.lastRequest().body()).contains("hello").contains("and more");

        // an error: the same message and status as when the command runs the turn itself
        fake.enqueue(FakeReply.error(400, "bad things"), FakeReply.error(400, "bad things"));
        Result served = openpista("run", "-e", "fail");
        Result local = openpista("run", "--local", "-e", "fail");
        assertThat(served.exitCode()).as(served.toString()).isEqualTo(1);
        assertThat(local.exitCode()).as(local.toString()).isEqualTo(1);
        assertThat(served.stderr()).isEqualTo("openpista: OpenAI refused the request (400): bad things\n");
        // in process it warns about [channels.web] too: a one-shot run has no web chat bundle
        assertThat(local.stderr()).endsWith(served.stderr());
        assertThat(daemonTurns()).as("--local ran in the command").isEqualTo(3);

        // another configuration file than the daemon's: the command runs the turn itself
        Path other = home.resolve("other.toml");
        Files.copy(home.resolve("config.toml"), other);
        fake.enqueue(FakeReply.text("from the command"));
        Result elsewhere = openpista("--config", other.toString(), "--debug", "run", "-e", "hi");
        assertThat(elsewhere.exitCode()).as(elsewhere.toString()).isZero();
        assertThat(elsewhere.stdout()).isEqualTo("from the command\n");
        assertThat(elsewhere.stderr()).contains("running the turn in this process: the daemon declined: the daemon reads");
        assertThat(daemonTurns()).isEqualTo(3);
    }

    @Test
    void approvalQuestionsOfTheDaemonsTurnAreAnsweredAtTheCommandsTerminal() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")) || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                "util-linux script is needed to give openpista a terminal");
        startDaemon();
        Path marker = home.resolve("ran.txt");
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo ran > " + marker + " && echo tool-output\"}"),
                FakeReply.text("finished"));

        String command = DistributionProcess.dist().resolve("bin/openpista") + " run -e 'do it'";
        ProcessBuilder builder = new ProcessBuilder(List.of("script", "-qec", command, "/dev/null"));
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        builder.environment().putAll(NO_RECORDING);
        Process process = builder.start();
        process.getOutputStream().write("y\n".getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("openpista finished").isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("The agent wants to run system.run").contains("echo ran").contains("Allow?")
                .contains("» system.run").contains("finished");
        assertThat(marker).exists();
        assertThat(fake.lastRequest().body()).contains("tool-output");
        assertThat(daemonTurns()).as("the daemon ran the turn").isEqualTo(1);

        // without a terminal nobody can answer: refused with the reason, as in process
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo again > " + marker + "\"}"), FakeReply.text("ok"));
        Result piped = openpista("run", "-e", "again");
        assertThat(piped.exitCode()).as(piped.toString()).isZero();
        assertThat(piped.stdout()).isEqualTo("ok\n");
        assertThat(Files.readString(marker)).isEqualTo("ran\n");
        assertThat(fake.lastRequest().body()).contains("standard input is not a terminal");
        assertThat(daemonTurns()).isEqualTo(2);
    }

    @Test
    void ctrlCInTheCommandCancelsTheDaemonsTurnAndExitsWith130() throws Exception {
        startDaemon();
        fake.enqueue(FakeReply.text("too late").delayed(Duration.ofSeconds(60)));
        // a process started in the background by a shell without job control (CI) ignores SIGINT, and so would the
        // command: perl puts the default action back and execs it (the launcher script execs Java: one PID throughout)
        ProcessBuilder builder = new ProcessBuilder("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec {$ARGV[0]} @ARGV or die $!",
                DistributionProcess.dist().resolve("bin/openpista").toString(), "run", "-e", "take your time");
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        builder.environment().putAll(NO_RECORDING);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (fake.requests().isEmpty()) {
            assertThat(System.nanoTime()).as("the model was asked").isLessThan(deadline);
            Thread.sleep(50);
        }

        new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the command ended").isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isEqualTo(130);
        assertThat(output).doesNotContain("too late");
        // the daemon's turn ended (cancelled, counted as failed) long before the model's answer
        Result status = openpista("shell", "-c", "openpista:status");
        assertThat(status.stdout()).as(status.toString()).containsPattern("turns\\s+1 finished, 1 failed");
    }

    @Test
    void withoutADaemonOrWithAStaleSocketTheCommandRunsTheTurnItself() throws Exception {
        fake.enqueue(FakeReply.text("no daemon"), FakeReply.text("stale socket"));

        Result none = openpista("--debug", "run", "-e", "hi");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(home.resolve("admin.sock")));
        }
        Result stale = openpista("--debug", "run", "-e", "hi");

        assertThat(none.exitCode()).as(none.toString()).isZero();
        assertThat(none.stdout()).isEqualTo("no daemon\n");
        assertThat(none.stderr()).doesNotContain("runs this turn");
        assertThat(stale.exitCode()).as(stale.toString()).isZero();
        assertThat(stale.stdout()).isEqualTo("stale socket\n");
        assertThat(stale.stderr()).contains("running the turn in this process: nothing answers on");
        assertThat(fake.requests()).hasSize(2);
    }
    @Test
    void stopAndShellCommandsAreServedByTheDaemonWithWhatTheyPrintThemselves() throws Exception {
        startDaemon();
        // the same file by another name: the daemon declines, and the command starts its own framework
        Path sameConfig = Files.createSymbolicLink(home.resolve("same.toml"), home.resolve("config.toml"));
        for (String command : List.of("openpista:channels", "no-such-command")) {
            Result served = openpista("shell", "-c", command);
            Result itself = openpista("--config", sameConfig.toString(), "shell", "-c", command);
            assertThat(served).as(command).isEqualTo(itself);
        }
        Result debug = openpista("--debug", "shell", "-c", "openpista:status");
        assertThat(debug.stderr()).isEqualTo("openpista: the daemon on " + home.resolve("admin.sock") + " runs this command\n");
        assertThat(debug.stdout()).contains("turns");

        long pid = Long.parseLong(Files.readString(home.resolve("openpista.pid")).strip());
        Result itself = openpista("--config", sameConfig.toString(), "stop");
        startDaemon();
        long next = Long.parseLong(Files.readString(home.resolve("openpista.pid")).strip());
        Result served = openpista("--debug", "stop");

        assertThat(itself.exitCode()).as(itself.toString()).isZero();
        assertThat(itself.stdout()).isEqualTo("openpista stopped (PID " + pid + ")\n");
        assertThat(itself.stderr()).isEqualTo("openpista: stopping the daemon (PID " + pid + ")...\n");
        assertThat(served.exitCode()).as(served.toString()).isZero();
        assertThat(served.stdout()).isEqualTo("openpista stopped (PID " + next + ")\n");
        assertThat(served.stderr()).isEqualTo("openpista: the daemon on " + home.resolve("admin.sock") + " runs this command\n"
                + "openpista: stopping the daemon (PID " + next + ")...\n");
        assertThat(ProcessHandle.of(next).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(home.resolve("openpista.pid")).doesNotExist();
        assertThat(home.resolve("admin.sock")).doesNotExist();

        // no daemon, then a socket a crashed daemon left: the commands say so themselves
        Result noDaemon = openpista("stop");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(home.resolve("admin.sock")));
        }
        Result stale = openpista("shell", "-c", "lb");
        assertThat(noDaemon.exitCode()).isEqualTo(1);
        assertThat(noDaemon.stderr()).isEqualTo("openpista: no daemon is running for " + home + "\n");
        assertThat(stale.exitCode()).isEqualTo(1);
        assertThat(stale.stderr()).startsWith("openpista: no daemon is running for " + home);
    }
}
