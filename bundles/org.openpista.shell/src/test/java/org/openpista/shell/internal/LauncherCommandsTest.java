package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.admin.ServedCommand;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;

/**
 * The launcher's commands served over the admin socket: {@code shell -c} here, any other command by
 * the {@link ServedCommand} registered for its name, the frames that come back, and everything that
 * is left to the command itself.
 */
class LauncherCommandsTest {

    @TempDir
    Path home;

    AdminSocketServer server;
    /** What the services did; written by the admin connection's thread. */
    final List<String> happened = new CopyOnWriteArrayList<>();
    final long pid = ProcessHandle.current().pid();

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    ConfigurationLoader loader() {
        return (ConfigurationLoader) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ConfigurationLoader.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "configFile" -> home.resolve("config.toml");
                    case "report" -> new ConfigReport(home.resolve("config.toml"), true, "openai", "", "",
                            List.of("config.toml:3: agent.colour: unknown key, ignored"));
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static Map.Entry<Map<String, Object>, ServedCommand> service(String name, ServedCommand command) {
        return Map.entry(Map.of(ServedCommand.NAME, name), command);
    }

    SocketChannel start(List<Map.Entry<Map<String, Object>, ServedCommand>> served) throws IOException {
        server = new AdminSocketServer(new AdminSocketServerTest().processor(), home.resolve("admin.sock"), 4);
        server.runs = new DaemonRuns(null, loader());
        server.served = served;
        return SocketChannel.open(UnixDomainSocketAddress.of(home.resolve("admin.sock")));
    }

    /** @return the frames up to the last one of the command, one line each: type, then the text or the fields joined by | */
    static List<String> send(SocketChannel client, String... fields) throws IOException {
        Frames.write(client, Frames.CLI, Frames.fields(fields));
        List<String> frames = new ArrayList<>();
        while (true) {
            Frames.Frame frame = Frames.read(client, 1 << 20);
            assertThat(frame).as("a frame after " + frames).isNotNull();
            frames.add((char) frame.type() + (frame.type() == Frames.AWAIT_EXIT ? String.join("|", frame.fields()) : frame.text()));
            if (frame.type() == Frames.STATUS || frame.type() == Frames.DECLINE || frame.type() == Frames.AWAIT_EXIT) {
                return frames;
            }
        }
    }

    @Test
    void shellDashCRunsTheGogoCommandAfterTheConfigurationsWarnings() throws Exception {
        String config = home.resolve("config.toml").toString();
        try (SocketChannel client = start(List.of())) {
            assertThat(send(client, config, "shell", "-c", "print hello")).containsExactly(
                    "Eopenpista: warning: config.toml:3: agent.colour: unknown key, ignored\n", "Ohello\n", "S0");
            assertThat(send(client, config, "shell", "--command=fail")).last().isEqualTo("S1");
            assertThat(send(client, config, "shell", "--command", "hello")).endsWith("Ohi\n", "S0");
        }
    }

    @Test
    void anotherCommandGoesToTheServiceOfItsNameWithTheArgumentsAfterIt() throws Exception {
        String config = home.resolve("config.toml").toString();
        List<Map.Entry<Map<String, Object>, ServedCommand>> served = List.of(
                service("greet", args -> new ServedCommand.Done("lower\n", "", 0)),
                service("greet", args -> new ServedCommand.Done("hello " + args + "\n", "careful\n", 3)),
                service("wait", args -> new ServedCommand.AwaitExit("going\n", pid, 7, "gone\n", "late\n",
                        () -> happened.add("then " + args))));
        try (SocketChannel client = start(served)) {
            // the last service of a name ranks highest
            assertThat(send(client, config, "greet", "a", "--b")).containsExactly(
                    "Eopenpista: warning: config.toml:3: agent.colour: unknown key, ignored\n", "Ohello [a, --b]\n",
                    "Ecareful\n", "S3");
            assertThat(happened).isEmpty();
            assertThat(send(client, config, "wait")).containsExactly(
                    "Eopenpista: warning: config.toml:3: agent.colour: unknown key, ignored\n", "Egoing\n",
                    "W" + pid + "|7|gone\n|late\n");
        }
        // the connection's thread runs it just after sending the frame the client has read
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (happened.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(happened).containsExactly("then []");
    }

    @Test
    void whatMakesTheProcessExitRunsThoughTheClientHangsUpAtOnceAfterTheFrame() throws Exception {
        String config = home.resolve("config.toml").toString();
        List<Map.Entry<Map<String, Object>, ServedCommand>> served = List.of(service("wait",
                args -> new ServedCommand.AwaitExit("", pid, 7, "gone\n", "late\n", () -> happened.add("then"))));
        int clients = 30;
        start(served).close();
        for (int i = 0; i < clients; i++) {
            // the launcher reads the frame, then closes: its going interrupts the connection's worker, which
            // could fail the frame's write as it ended and skip the follow-up (the daemon's own stop)
            try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(home.resolve("admin.sock")))) {
                assertThat(send(client, config, "wait")).last().asString().startsWith("W" + pid);
            }
        }
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (happened.size() < clients && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(happened).hasSize(clients);
    }

    @Test
    void anythingElseIsLeftToTheCommand() throws Exception {
        String config = home.resolve("config.toml").toString();
        List<Map.Entry<Map<String, Object>, ServedCommand>> served = List.of(
                service("greet", args -> {
                    happened.add("greet " + args);
                    return new ServedCommand.Declined("not with " + args);
                }),
                service("broken", args -> {
                    throw new IllegalStateException("oops");
                }),
                service("silent", args -> null));
        try (SocketChannel client = start(served)) {
            assertThat(send(client, "/elsewhere/config.toml", "shell", "-c", "hello")).singleElement()
                    .satisfies(frame -> assertThat(frame).startsWith("Nthe daemon reads "));
            assertThat(send(client, "/elsewhere/config.toml", "greet")).singleElement()
                    .satisfies(frame -> assertThat(frame).startsWith("Nthe daemon reads "));
            assertThat(send(client, config, "greet", "--help")).containsExactly("Nnot with [--help]");
            assertThat(send(client, config, "stop")).containsExactly("Nno bundle serves 'stop' in the daemon");
            assertThat(send(client, config, "broken")).singleElement()
                    .satisfies(frame -> assertThat(frame).startsWith("N'broken' failed in the daemon: ").contains("oops"));
            assertThat(send(client, config, "silent")).containsExactly("N'silent' answered nothing");
            for (List<String> args : List.of(List.of("shell"), List.of("shell", "-c", "--help"), List.of("shell", "-c", "x", "y"),
                    List.of("start"), List.of("plugins", "list"), List.<String>of())) {
                List<String> fields = new ArrayList<>(List.of(config));
                fields.addAll(args);
                assertThat(send(client, fields.toArray(new String[0]))).as(args.toString()).singleElement()
                        .satisfies(frame -> assertThat(frame).startsWith("N"));
            }
        }
        assertThat(happened).containsExactly("greet [--help]");
    }
}
