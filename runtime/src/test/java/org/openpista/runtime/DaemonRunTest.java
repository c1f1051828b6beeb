package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.admin.wire.Frames;

/** The launcher's side of a run the daemon serves, against a socket that plays the daemon frame by frame. */
@Timeout(60)
class DaemonRunTest {

    @TempDir
    Path home;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final List<String> received = new ArrayList<>();

    int run(boolean terminal, String stdin, ScriptedDaemon.Script script) throws Exception {
        Path socket = home.resolve("admin.sock");
        return ScriptedDaemon.serve(socket, Frames.MAX_ANSWER, received, script, () -> {
            PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
            TerminalSink sink = new TerminalSink(errStream, new BufferedReader(new StringReader(stdin)), () -> terminal, true);
            return new DaemonRun(socket, sink, new AnswerStream(new PrintStream(out, true, StandardCharsets.UTF_8), terminal),
                    errStream, false).run(home.resolve("config.toml"), "cli-1", "hi");
        });
    }

    static void send(SocketChannel client, char type, String... fields) throws IOException {
        Frames.write(client, (byte) type, Frames.fields(fields));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theAnswerIsShownAsTheCommandShowsItAndTheStatusIsItsOwn() throws Exception {
        int status = run(false, "", client -> {
            Frames.write(client, (byte) 'E', "openpista: warning: config.toml:3: x: unknown key\n".getBytes(StandardCharsets.UTF_8));
            send(client, 'P', "THINKING", "", "");
            send(client, 'D', "Hel");
            send(client, 'P', "TOOL_STARTED", "system.run", "echo \u001b]52;c;x\u0007");
            send(client, 'P', "TOOL_FAILED", "system.run", "exit 1");
            send(client, 'F', "0", "Hello\u001b[2J\r\n");
        });

        assertThat(status).isZero();
        assertThat(received).containsExactly("R" + home.resolve("config.toml") + "|cli-1|hi");
        // not a terminal: only the final answer, made safe, as TerminalSink and RunCommand print them in process
        assertThat(out()).isEqualTo("Hello^[[2J\n\n");
        assertThat(err()).isEqualTo("openpista: warning: config.toml:3: x: unknown key\n» system.run echo ^[]52;c;x^G\n  ✗ exit 1\n");
    }

    @Test
    void aFailedTurnIsAnErrorOnStandardErrorWithStatusOne() throws Exception {
        assertThat(run(false, "", client -> send(client, 'F', "1", "the provider said \u001b[31mno"))).isEqualTo(Main.FAILED);
        assertThat(out()).isEmpty();
        assertThat(err()).isEqualTo("openpista: the provider said ^[[31mno\n");
    }

    @Test
    void approvalQuestionsAreAskedAtTheTerminalAndAnswered() throws Exception {
        List<String> answers = new ArrayList<>();
        int status = run(true, "maybe\na\n", client -> {
            send(client, 'A', "system.run with {\"command\":\"rm\u001b[8m\"}");
            Frames.Frame answer = Frames.read(client, Frames.MAX_ANSWER);
            answers.add((char) answer.type() + new String(answer.payload(), StandardCharsets.UTF_8));
            send(client, 'F', "0", "done");
        });

        assertThat(status).isZero();
        assertThat(answers).containsExactly("Ya");
        assertThat(err()).contains("The agent wants to run system.run with {\"command\":\"rm^[[8m\"}")
                .contains("Please answer y, n or a.");
    }

    @Test
    void withoutATerminalTheQuestionIsRefusedWithTheReason() throws Exception {
        List<String> answers = new ArrayList<>();
        run(false, "y\n", client -> {
            send(client, 'A', "system.run with {}");
            answers.add(new String(Frames.read(client, Frames.MAX_ANSWER).payload(), StandardCharsets.UTF_8));
            send(client, 'F', "0", "done");
        });

        assertThat(answers).singleElement().satisfies(answer -> assertThat(answer).startsWith("!standard input is not a terminal"));
    }

    @Test
    void onATerminalTheAnswerIsStreamedAndNotPrintedTwice() throws Exception {
        int status = run(true, "", client -> {
            send(client, 'P', "THINKING", "", "");
            send(client, 'D', "Let me look.");
            send(client, 'P', "TOOL_STARTED", "system.run", "ls");
            send(client, 'P', "THINKING", "", "");
            send(client, 'D', "Two files\r");
            send(client, 'D', "\n\u001b[2J");
            send(client, 'F', "0", "Two files\r\n\u001b[2J");
        });

        assertThat(status).isZero();
        assertThat(out()).isEqualTo("Let me look.\nTwo files\n^[[2J\n");
    }

    @Test
    void aDeclineOrAnOldDaemonOrNoDaemonLeavesTheTurnToTheCommand() throws Exception {
        assertThat(run(false, "", client -> send(client, 'N', "the daemon reads /other/config.toml"))).isEqualTo(DaemonRun.NOT_SERVED);
        // a daemon that predates runs closes the connection on the unknown frame
        assertThat(run(false, "", client -> {})).isEqualTo(DaemonRun.NOT_SERVED);
        // a socket file nobody serves (a crashed daemon)
        Path stale = home.resolve("admin.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(stale));
        }
        TerminalSink sink = new TerminalSink(System.err, new BufferedReader(new StringReader("")), () -> false, false);
        assertThat(new DaemonRun(stale, sink, new AnswerStream(System.out, false), System.err, false)
                .run(home.resolve("config.toml"), "s", "hi")).isEqualTo(DaemonRun.NOT_SERVED);
        assertThat(new DaemonRun(home.resolve("none.sock"), sink, new AnswerStream(System.out, false), System.err, false)
                .run(home.resolve("config.toml"), "s", "hi")).isEqualTo(DaemonRun.NOT_SERVED);
        assertThat(out()).isEmpty();
        assertThat(err()).isEmpty();
    }

    @Test
    void aDaemonThatGoesAwayMidTurnFailsTheCommand() throws Exception {
        assertThat(run(false, "", client -> send(client, 'D', "Hel"))).isEqualTo(Main.FAILED);
        assertThat(err()).contains("the daemon closed the connection before the turn finished");
    }
}
