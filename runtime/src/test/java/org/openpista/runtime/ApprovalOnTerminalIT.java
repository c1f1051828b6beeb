package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;

/**
 * {@code approval = "ask"} on a real terminal: the question appears on the terminal and the answer
 * typed there decides. The terminal is a pseudo-terminal made by util-linux {@code script}.
 */
class ApprovalOnTerminalIT {

    @TempDir
    Path home;

    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenAiServer();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                base_url = "%s"
                api_key = "sk-test"
                approval = "ask"
                """.formatted(fake.baseUrl()));
        Path marker = home.resolve("ran.txt");
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo ran > " + marker + " && echo tool-output\"}"),
                FakeReply.text("finished"));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    Result onTerminal(String typed) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")) || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                "util-linux script is needed to give openpista a terminal");
        String command = DistributionProcess.dist().resolve("bin/openpista") + " run -e 'do it'";
        ProcessBuilder builder = new ProcessBuilder(List.of("script", "-qec", command, "/dev/null"));
        DistributionProcess.clean(builder.environment());
        builder.environment().put("OPENPISTA_HOME", home.toString());
        Process process = builder.start();
        process.getOutputStream().write(typed.getBytes());
        process.getOutputStream().flush();
        String output = new String(process.getInputStream().readAllBytes());
        boolean done = process.waitFor(Duration.ofSeconds(60).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        assertThat(done).as("openpista finished").isTrue();
        return new Result(process.exitValue(), output, "");
    }

    @Test
    void yesOnTheTerminalRunsTheExactCallShown() throws Exception {
        Result result = onTerminal("y\n");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).contains("wants to run system.run").contains("echo ran").contains("Allow?");
        assertThat(result.stdout()).contains("finished");
        assertThat(home.resolve("ran.txt")).exists();
        assertThat(fake.lastRequest().body()).contains("tool-output");
    }

    @Test
    void noOnTheTerminalRefusesAndTellsTheModel() throws Exception {
        Result result = onTerminal("n\n");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(home.resolve("ran.txt")).doesNotExist();
        assertThat(fake.lastRequest().body()).contains("not run: the owner refused");
    }

    @Test
    void withoutATerminalTheCallIsRefusedWithTheReason() throws Exception {
        Result result = DistributionProcess.run(home, Map.of(), "run", "-e", "do it");

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).isEqualTo("finished\n");
        assertThat(home.resolve("ran.txt")).doesNotExist();
        assertThat(fake.lastRequest().body()).contains("standard input is not a terminal").contains("approval");
    }
}
