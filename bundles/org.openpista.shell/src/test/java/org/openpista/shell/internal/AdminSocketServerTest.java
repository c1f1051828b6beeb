package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.admin.wire.Frames;

/** The admin socket with a stand-in Gogo: file mode, stale and live sockets, framing, exit status, disconnects. */
class AdminSocketServerTest {

    @TempDir
    Path home;

    AdminSocketServer server;
    final CountDownLatch sleeping = new CountDownLatch(1);
    final CountDownLatch interrupted = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    /** A command processor whose sessions know five commands: hello, print TEXT, fail, sleep, wait (for the test). */
    CommandProcessor processor() {
        return (CommandProcessor) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CommandProcessor.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("createSession") || args.length != 3) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    PrintStream out = new PrintStream((OutputStream) args[1], true, StandardCharsets.UTF_8);
                    return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {CommandSession.class},
                            (session, call, callArgs) -> switch (call.getName()) {
                                case "execute" -> execute(callArgs[0].toString(), out);
                                case "format" -> callArgs[0].toString();
                                case "put", "get", "close" -> null;
                                default -> throw new UnsupportedOperationException(call.getName());
                            });
                });
    }

    Object execute(String command, PrintStream out) throws Exception {
        if (command.equals("hello")) {
            return "hi";
        }
        if (command.startsWith("print ")) {
            out.println(command.substring(6));
            return null;
        }
        if (command.equals("wait")) {
            sleeping.countDown();
            release.await();
            out.println("done");
            return null;
        }
        if (command.equals("sleep")) {
            sleeping.countDown();
            try {
                Thread.sleep(20_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return null;
        }
        throw new IllegalArgumentException("it failed: " + command);
    }

    AdminSocketServer start() throws IOException {
        server = new AdminSocketServer(processor(), home.resolve("admin.sock"), 4);
        return server;
    }

    SocketChannel connect() throws IOException {
        return SocketChannel.open(UnixDomainSocketAddress.of(home.resolve("admin.sock")));
    }

    /** Sends one command; returns "status|stdout|stderr". */
    static String run(SocketChannel client, String command) throws IOException {
        Frames.write(client, Frames.COMMAND, command);
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        while (true) {
            Frames.Frame frame = Frames.read(client, 1 << 20);
            assertThat(frame).as("a frame").isNotNull();
            switch (frame.type()) {
                case Frames.OUT -> out.append(frame.text());
                case Frames.ERR -> err.append(frame.text());
                case Frames.STATUS -> {
                    return frame.text() + "|" + out + "|" + err;
                }
                default -> throw new AssertionError("frame type " + (char) frame.type());
            }
        }
    }

    @Test
    void theSocketIsOnlyForItsOwnerAndGoesAwayWithTheServer() throws Exception {
        start();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("admin.sock")))).isEqualTo("rw-------");
        try (var files = Files.list(home)) {
            // the private folder the socket was made in is gone again
            assertThat(files.map(path -> path.getFileName().toString())).containsExactly("admin.sock");
        }
        server.deactivate();
        server = null;
        assertThat(home.resolve("admin.sock")).doesNotExist();
    }

    @Test
    void commandsAnswerWithTheirOutputAndExitStatusInOneSession() throws Exception {
        start();
        try (SocketChannel client = connect()) {
            assertThat(run(client, "hello")).isEqualTo("0|hi\n|");
            assertThat(run(client, "print some text")).isEqualTo("0|some text\n|");
            assertThat(run(client, "nonsense")).isEqualTo("1||it failed: nonsense\n");
            assertThat(run(client, "   ")).isEqualTo("0||");
        }
    }

    @Test
    void aClientThatGoesAwayInterruptsItsCommand() throws Exception {
        start();
        SocketChannel client = connect();
        Frames.write(client, Frames.COMMAND, "sleep");
        assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();

        client.close();

        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the command was interrupted").isTrue();
    }

    @Test
    void whenTheServerStopsARunningCommandFinishesAndIdleClientsAreLetGo() throws Exception {
        server = new AdminSocketServer(processor(), home.resolve("admin.sock"), 4, () -> Duration.ofMinutes(5));
        SocketChannel idle = connect();
        assertThat(run(idle, "hello")).startsWith("0|hi");
        try (SocketChannel busy = connect()) {
            Frames.write(busy, Frames.COMMAND, "wait");
            assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::deactivate);
            server = null;
            assertThat(idle.read(java.nio.ByteBuffer.allocate(1))).as("the idle client is let go").isEqualTo(-1);
            assertThat(stopping).isNotDone();
            release.countDown();

            StringBuilder answer = new StringBuilder();
            for (Frames.Frame frame = Frames.read(busy, 1 << 20); frame != null; frame = Frames.read(busy, 1 << 20)) {
                answer.append((char) frame.type()).append(frame.text());
            }
            assertThat(answer.toString()).isEqualTo("Odone\nS0");
            stopping.get(30, TimeUnit.SECONDS);
        }
        idle.close();
        assertThat(home.resolve("admin.sock")).doesNotExist();
    }

    @Test
    void aCommandStillRunningAfterTheGracePeriodIsInterrupted() throws Exception {
        server = new AdminSocketServer(processor(), home.resolve("admin.sock"), 4, () -> Duration.ofMillis(100));
        try (SocketChannel client = connect()) {
            Frames.write(client, Frames.COMMAND, "sleep");
            assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();

            server.deactivate();
            server = null;

            assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the command was interrupted").isTrue();
        }
    }

    @Test
    void aSocketFileLeftByACrashIsReplacedButALiveOneIsRefused() throws Exception {
        Path socket = home.resolve("admin.sock");
        try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            crashed.bind(UnixDomainSocketAddress.of(socket));
            assertThatThrownBy(this::start).isInstanceOf(IOException.class).hasMessageContaining("already serves");
        }
        // closed without deleting its file, as a killed process leaves it
        assertThat(socket).exists();

        start();

        try (SocketChannel client = connect()) {
            assertThat(run(client, "hello")).startsWith("0|hi");
        }
    }

    @Test
    void anOversizedFrameClosesTheConnection() throws Exception {
        start();
        try (SocketChannel client = connect()) {
            java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(5).put(Frames.COMMAND).putInt(Integer.MAX_VALUE).flip();
            client.write(head);
            java.nio.ByteBuffer any = java.nio.ByteBuffer.allocate(1);
            assertThat(client.read(any)).isEqualTo(-1);
        }
        try (SocketChannel client = connect()) {
            assertThat(run(client, "hello")).startsWith("0|hi");
        }
    }
}
