package org.openpista.tool.system.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.Cancellation;
import org.openpista.tool.system.internal.CommandRunner.Outcome;
import org.openpista.tool.system.internal.CommandRunner.Stop;

/** The runner without {@code setsid}: only the process-tree walk stops the command. */
class CommandRunnerTest {

    private static final CommandRunner.Graces GRACES =
            new CommandRunner.Graces(Duration.ofMillis(500), Duration.ofMillis(300));

    @TempDir
    Path dir;

    private final Sleeps sleeps = new Sleeps();
    private CommandRunner runner;

    @BeforeEach
    void runnerWithoutSetsid() {
        String path = System.getenv().getOrDefault("PATH", "");
        Path bash = SystemRunTool.findExecutable("bash", path);
        assumeTrue(bash != null, "bash is not on PATH");
        runner = new CommandRunner(bash, null, Map.of("PATH", path), 1_000, GRACES);
    }

    @AfterEach
    void killLeftovers() {
        sleeps.close();
    }

    @Test
    void timeoutKillsDescendantsWithoutAProcessGroup() throws Exception {
        String child = sleeps.marker();
        String waiter = sleeps.marker();
        Outcome outcome = runner.run("echo partial; sleep " + child + " & sleep " + waiter, dir,
                Duration.ofSeconds(1), null, Cancellation.none());
        assertThat(outcome.stop()).isEqualTo(Stop.TIMED_OUT);
        assertThat(outcome.stdout()).isEqualTo("partial\n");
        assertThat(outcome.outputIncomplete()).isFalse();
        Sleeps.awaitGone(child, waiter);
    }

    @Test
    void cancellationKillsDescendantsWithoutAProcessGroup() throws Exception {
        String child = sleeps.marker();
        String waiter = sleeps.marker();
        Cancellation cancellation = new Cancellation();
        CompletableFuture<Outcome> run = CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run("sleep " + child + " & sleep " + waiter, dir, Duration.ofSeconds(60), null,
                        cancellation);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        Sleeps.awaitRunning(child, waiter);
        cancellation.cancel();
        assertThat(run.get(20, TimeUnit.SECONDS).stop()).isEqualTo(Stop.CANCELLED);
        Sleeps.awaitGone(child, waiter);
    }

    @Test
    void interruptedCallerNeverStartsTheCommand() throws Exception {
        Path witness = dir.resolve("ran");
        Thread.currentThread().interrupt();
        Outcome outcome;
        try {
            outcome = runner.run("touch '" + witness + "'", dir, Duration.ofSeconds(10), null, Cancellation.none());
        } finally {
            assertThat(Thread.interrupted()).as("interrupt flag restored").isTrue();
        }
        assertThat(outcome.stop()).isEqualTo(Stop.CANCELLED);
        assertThat(witness).doesNotExist();
    }

    @Test
    void exitCodeAndBothStreams() throws Exception {
        Outcome outcome = runner.run("echo out; echo err >&2; exit 7", dir, Duration.ofSeconds(10), null,
                Cancellation.none());
        assertThat(outcome.stop()).isEqualTo(Stop.EXITED);
        assertThat(outcome.exitCode()).isEqualTo(7);
        assertThat(outcome.stdout()).isEqualTo("out\n");
        assertThat(outcome.stderr()).isEqualTo("err\n");
        assertThat(outcome.stragglersStopped()).isFalse();
        assertThat(outcome.outputIncomplete()).isFalse();
    }
}
