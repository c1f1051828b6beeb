package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.RecordedRequest;

/**
 * The terminal UI on a real terminal (tmux): {@code openpista} alone opens it, a message is
 * answered on screen with the markdown rendered, an approval question is answered with {@code y},
 * slash commands never reach the model, {@code /quit} and Ctrl-C twice leave with status 0 and the
 * terminal as it was. The provider is the testkit's fake OpenAI server.
 */
class TuiIT {

    @TempDir
    Path home;

    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() {
        TmuxPane.assumeTmux();
        fake = new FakeOpenAiServer();
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    void config(String approval) throws Exception {
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-test"
                approval = "%s"
                """.formatted(fake.baseUrl(), approval));
    }

    /** {@code openpista ARGS} in a shell that first prints a line, then after the UI the terminal's mode. */
    TmuxPane openpista(int columns, int rows, Map<String, String> env, String args) throws Exception {
        String command = "echo BEFORE-THE-UI; " + DistributionProcess.dist().resolve("bin/openpista") + " " + args
                + "; status=$?; stty -a | tr ' ;' '\\n\\n' | grep -x -e -icanon -e icanon -e -echo -e echo | tr '\\n' ' '; "
                + "(exit $status)";
        return TmuxPane.start(home, columns, rows, env, command);
    }

    @Test
    void aMessageIsAnsweredOnScreenWithItsMarkdownRendered() throws Exception {
        config("auto");
        fake.enqueue(FakeReply.text("## Greetings\n\nHello **there**, from the `fake` model.\n\n- one\n- two"));
        try (TmuxPane tui = openpista(80, 24, Map.of(), "")) {
            String home = tui.await("· in-process");
            assertThat(home).contains("┌─┐┌─┐┌─┐┌┐┌").contains("openai · test-model · in-process").contains("Ctrl-C twice quit");
            tui.type("hello from tmux");
            tui.keys("Enter");
            String chat = tui.await("from the fake model");
            assertThat(chat).contains("› hello from tmux").contains("Greetings").contains("Hello there, from the fake model.")
                    .contains("• one").contains("• two").doesNotContain("**").doesNotContain("##");
            assertThat(fake.lastRequest().body()).contains("hello from tmux");
            tui.type("/quit");
            tui.keys("Enter");
            String after = tui.await("EXIT 0");
            assertThat(after).contains("BEFORE-THE-UI").contains("icanon").contains("echo").doesNotContain("-icanon")
                    .doesNotContain("Ask anything");
        }
    }

    @Test
    void anApprovalIsAnsweredWithYAndTheToolLineShowsItsResult() throws Exception {
        config("ask");
        Path marker = home.resolve("ran.txt");
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo ran > " + marker + " && echo tool-output\"}"),
                FakeReply.text("finished the job"));
        try (TmuxPane tui = openpista(100, 30, Map.of(), "")) {
            tui.await("Ask anything");
            tui.type("do it");
            tui.keys("Enter");
            String question = tui.await("Allow this tool call?");
            assertThat(question).contains("system.run").contains("echo ran >").contains("y allow").contains("n/Esc reject")
                    .contains("a allow for this session");
            assertThat(marker).doesNotExist();
            tui.type("y");
            String done = tui.await("finished the job");
            assertThat(done).contains("✓ system.run").contains("tool-output").contains("allowed: system.run");
            assertThat(marker).exists();
            tui.keys("C-c");
            tui.await("Press Ctrl-C again to quit");
            tui.keys("C-c");
            assertThat(tui.await("EXIT 0")).contains("BEFORE-THE-UI").doesNotContain("-icanon");
        }
    }

    @Test
    void slashCommandsAreCommandsWithCompletionNeverMessages() throws Exception {
        config("auto");
        fake.models("gpt-4o", "model-from-the-fake");
        // tall enough for the whole of /help
        try (TmuxPane tui = openpista(100, 50, Map.of(), "")) {
            tui.await("Ask anything");
            tui.type("/mo");
            tui.keys("Tab");
            String palette = tui.await("/model list");
            assertThat(palette).contains("choose the model");
            tui.keys("Tab", "Enter");
            String models = tui.await("model-from-the-fake");
            assertThat(models).contains("Models");
            tui.keys("Escape");
            tui.await(screen -> !screen.contains("model-from-the-fake"), "the models box closed");
            tui.type("/help");
            tui.keys("Enter");
            assertThat(tui.await("/session load <id>")).contains("/whatsapp status").contains("y / n / a");
            tui.keys("Escape");
            tui.await(screen -> !screen.contains("/session load <id>"), "the help box closed");
            tui.type("/quit");
            tui.keys("Enter");
            tui.await("EXIT 0");
        }
        for (RecordedRequest request : fake.requests()) {
            assertThat(request.body()).doesNotContain("/model").doesNotContain("/help");
        }
    }

    @Test
    void aSessionGivenWithDashSIsShownAndContinued() throws Exception {
        config("auto");
        fake.enqueue(FakeReply.text("first answer"), FakeReply.text("second answer"));
        assertThat(DistributionProcess.run(home, Map.of(), "run", "-s", "kept", "-e", "first question").exitCode()).isZero();
        try (TmuxPane tui = openpista(80, 24, Map.of(), "-s kept")) {
            String chat = tui.await("first answer");
            assertThat(chat).contains("› first question").contains("kept");
            tui.type("second question");
            tui.keys("Enter");
            tui.await("second answer");
            tui.type("/exit");
            tui.keys("Enter");
            tui.await("EXIT 0");
        }
        assertThat(fake.lastRequest().body()).contains("first question").contains("first answer").contains("second question");
    }

    @Test
    void withoutATerminalItSaysHowToContinue() throws Exception {
        config("auto");
        DistributionProcess.Result piped = DistributionProcess.run(home, Map.of(), "tui", "-s", "abc");
        assertThat(piped.exitCode()).as(piped.toString()).isEqualTo(2);
        assertThat(piped.stderr()).contains("needs a terminal").contains("openpista run -s abc");
    }
}
