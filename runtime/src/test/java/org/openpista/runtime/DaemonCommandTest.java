package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.admin.wire.Frames;

/** The launcher's side of a command the daemon serves, against a socket that plays the daemon frame by frame. */
@Timeout(60)
class DaemonCommandTest {

    @TempDir
    Path home;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final List<String> received = new ArrayList<>();

    int serve(ScriptedDaemon.Script script, String... args) throws Exception {
        return ScriptedDaemon.serve(home.resolve("admin.sock"), Frames.MAX_COMMAND, received, script,
                () -> DaemonCommand.serve(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)));
    }

    String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theCommandsOutputAndExitStatusComeFromTheDaemon() throws Exception {
        int status = serve(client -> {
            Frames.write(client, Frames.ERR, "openpista: warning: x\n");
            Frames.write(client, Frames.OUT, "one\n");
            Frames.write(client, Frames.OUT, "two\n");
            Frames.write(client, Frames.STATUS, "1");
        }, "--home", home.toString(), "--config=/etc/openpista.toml", "shell", "-c", "openpista:status");

        assertThat(status).isEqualTo(1);
        assertThat(out()).isEqualTo("one\ntwo\n");
        assertThat(serve(client -> Frames.write(client, Frames.STATUS, "0"), "--home", home.toString(), "--debug", "stop")).isZero();
        assertThat(err()).startsWith("openpista: warning: x\n").endsWith("openpista: the daemon on " + home.resolve("admin.sock") + " runs this command\n");
        // the arguments after the global options, with the configuration file the command would read
        assertThat(received).containsExactly("L/etc/openpista.toml|shell|-c|openpista:status", "L" + home.resolve("config.toml") + "|stop");
    }

    @Test
    void aDeclineOrAnOlderDaemonLeavesTheCommandToTheLauncher() throws Exception {
        assertThat(serve(client -> Frames.write(client, Frames.DECLINE, "not a command the daemon serves"),
                "--home=" + home, "plugins", "list")).isEqualTo(DaemonCommand.NOT_SERVED);
        assertThat(received).containsExactly("L" + home.resolve("config.toml") + "|plugins|list");
        assertThat(out() + err()).isEmpty();
        assertThat(serve(client -> Frames.write(client, Frames.DECLINE, "not a command the daemon serves"),
                "--debug", "--home=" + home, "plugins", "list")).isEqualTo(DaemonCommand.NOT_SERVED);
        assertThat(err()).isEqualTo("openpista: running the command in this process: not a command the daemon serves\n");
        err.reset();
        // an older daemon closes the connection on a frame it does not know
        assertThat(serve(client -> {}, "--home", home.toString(), "stop")).isEqualTo(DaemonCommand.NOT_SERVED);
        assertThat(out() + err()).isEmpty();
    }

    @Test
    void noDaemonAStaleSocketOrOptionsForPicocliAreNotServed() throws Exception {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertThat(DaemonCommand.serve(new String[] {"--home", home.toString(), "stop"}, quiet, quiet)).isEqualTo(DaemonCommand.NOT_SERVED);
        Path socket = home.resolve("admin.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists(); // left behind: nothing answers
        assertThat(DaemonCommand.serve(new String[] {"--home", home.toString(), "stop"}, quiet, quiet)).isEqualTo(DaemonCommand.NOT_SERVED);
        Files.delete(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            server.configureBlocking(false);
            for (String[] args : List.of(new String[] {"--home", home.toString()},
                    new String[] {"--home", home.toString(), "run", "-e", "hi"}, new String[] {"--home", home.toString(), "--home", "x", "stop"},
                    new String[] {"--home", home.toString(), "--log-level", "debug", "stop"}, new String[] {"--home", home.toString(), "--help"})) {
                assertThat(DaemonCommand.serve(args, quiet, quiet)).isEqualTo(DaemonCommand.NOT_SERVED);
                assertThat(server.accept()).as("a connection for %s", List.of(args)).isNull();
            }
        }
    }

    @Test
    void awaitingAnExitSaysWhetherTheProcessWentAwayInTime() throws Exception {
        Process quick = new ProcessBuilder("true").start();
        quick.waitFor();
        assertThat(serve(client -> Frames.write(client, Frames.AWAIT_EXIT, Frames.fields(Long.toString(quick.pid()), "5",
                "stopped\n", "late\n")), "--home", home.toString(), "stop")).isEqualTo(0);
        assertThat(out()).isEqualTo("stopped\n");

        Process slow = new ProcessBuilder("sleep", "30").start();
        try {
            assertThat(serve(client -> Frames.write(client, Frames.AWAIT_EXIT, Frames.fields(Long.toString(slow.pid()), "0",
                    "stopped\n", "late\n")), "--home", home.toString(), "stop")).isEqualTo(1);
            assertThat(err()).isEqualTo("late\n");
        } finally {
            slow.destroy();
        }
    }

    @Test
    void theDaemonGoingAwayMidCommandIsSaid() throws Exception {
        assertThat(serve(client -> Frames.write(client, Frames.OUT, "partial"), "--home", home.toString(), "shell", "-c", "x"))
                .isEqualTo(DaemonCommand.CONNECTION_LOST);
        assertThat(err()).contains("the daemon closed the connection before the command finished");
    }
}
