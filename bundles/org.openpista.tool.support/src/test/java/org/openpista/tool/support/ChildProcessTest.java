package org.openpista.tool.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openpista.api.chat.Cancellation;

/** Helper programs: input, output, the environment they get, and how they are stopped. */
class ChildProcessTest {

    static final Map<String, String> ENVIRONMENT = Map.of("PATH", "/usr/bin:/bin", "HOME", "/tmp");

    @Test
    void helpersGetAnAllowListOfTheDaemonsEnvironment() {
        Map<String, String> daemon = Map.of("PATH", "/usr/bin", "DISPLAY", ":0", "LC_ALL", "C.UTF-8",
                "TESSDATA_PREFIX", "/opt/tessdata", "OPENAI_API_KEY", "sk-secret", "TELEGRAM_BOT_TOKEN", "123:abc");

        assertThat(ChildProcess.environment(daemon, "TESSDATA_PREFIX")).containsOnlyKeys("PATH", "DISPLAY", "LC_ALL",
                "TESSDATA_PREFIX");
        assertThat(ChildProcess.environment(daemon)).as("only what the tool names").containsOnlyKeys("PATH", "DISPLAY",
                "LC_ALL");
    }

    @Test
    void stdinReachesTheProgramAndItsStdoutComesBack() throws Exception {
        byte[] input = "line one\nline two\n".getBytes(StandardCharsets.UTF_8);

        ChildProcess.Outcome outcome = ChildProcess.run(List.of("cat"), ENVIRONMENT, input, Duration.ofSeconds(30),
                Cancellation.none(), 1024);

        assertThat(outcome.exitCode()).isZero();
        assertThat(outcome.stdout()).isEqualTo(input);
        assertThat(outcome.stopped()).isNull();
    }

    @Test
    void aFailureIsTheFirstLineOfStderr() throws Exception {
        ChildProcess.Outcome outcome = ChildProcess.run(List.of("sh", "-c", "echo; echo 'no such language' >&2; exit 3"),
                ENVIRONMENT, null, Duration.ofSeconds(30), Cancellation.none(), 1024);

        assertThat(outcome.exitCode()).isEqualTo(3);
        assertThat(outcome.problem()).isEqualTo("no such language");
    }

    @Test
    void aProgramThatRunsTooLongIsKilledWithWhatItStarted() throws Exception {
        ChildProcess.Outcome outcome = ChildProcess.run(List.of("sh", "-c", "sleep 300 & sleep 300"), ENVIRONMENT, null,
                Duration.ofSeconds(1), Cancellation.none(), 1024);

        assertThat(outcome.stopped()).isEqualTo("timed out after 1 s");
        assertThat(outcome.exitCode()).isNotZero();
    }

    @Test
    void aCancelledTurnStopsTheProgram() throws Exception {
        Cancellation cancellation = new Cancellation();
        Thread canceller = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cancellation.cancel();
        });
        canceller.start();

        ChildProcess.Outcome outcome = ChildProcess.run(List.of("sleep", "300"), ENVIRONMENT, null,
                Duration.ofSeconds(300), cancellation, 1024);

        canceller.join();
        assertThat(outcome.stopped()).isEqualTo("the turn was cancelled");
    }

    @Test
    void endlessOutputIsCutAndTheProgramStopped() throws Exception {
        ChildProcess.Outcome outcome = ChildProcess.run(List.of("yes"), ENVIRONMENT, null, Duration.ofSeconds(60),
                Cancellation.none(), 4096);

        assertThat(outcome.stdout()).hasSize(4096);
        assertThat(outcome.stopped()).isEqualTo("its output was longer than 4096 bytes");
    }

    @Test
    void programsAreFoundOnPath() {
        assertThat(ChildProcess.find("sh", ENVIRONMENT)).isNotNull();
        assertThat(ChildProcess.find("no-such-program-here", ENVIRONMENT)).isNull();
    }
}
