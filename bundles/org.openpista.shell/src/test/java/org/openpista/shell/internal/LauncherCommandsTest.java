package org.openpista.shell.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.admin.wire.Frames;
import org.openpista.api.config.ConfigReport;
import org.openpista.api.config.ConfigurationLoader;

/**
 * The launcher's {@code stop} and {@code shell -c} served over the admin socket: what is served, the
 * frames that come back, and everything that is left to the command itself.
 */
class LauncherCommandsTest {

    @TempDir
    Path home;

    AdminSocketServer server;
    final List<String> stopRequests = new ArrayList<>();
    final long pid = ProcessHandle.current().pid();

    @AfterEach
    void stop() {
        if (server != null) {
            server.deactivate();
        }
    }

    DaemonControl daemon() {
        return (DaemonControl) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DaemonControl.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "pid" -> pid;
                    case "home" -> home;
                    case "requestStop" -> stopRequests.add(args[0].toString()) ? null : null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
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

    SocketChannel start(DaemonControl control) throws IOException {
        server = new AdminSocketServer(new AdminSocketServerTest().processor(), home.resolve("admin.sock"), 4);
        server.runs = new DaemonRuns(null, loader());
        server.daemon = control;
        Files.writeString(home.resolve("openpista.pid"), pid + "\n");
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
        try (SocketChannel client = start(daemon())) {
            assertThat(send(client, config, "shell", "-c", "print hello")).containsExactly(
                    "Eopenpista: warning: config.toml:3: agent.colour: unknown key, ignored\n", "Ohello\n", "S0");
            assertThat(send(client, config, "shell", "--command=fail")).last().isEqualTo("S1");
            assertThat(send(client, config, "shell", "--command", "hello")).endsWith("Ohi\n", "S0");
        }
        assertThat(stopRequests).isEmpty();
    }

    @Test
    void stopSaysSoAndHasTheLauncherWaitForTheProcess() throws Exception {
        try (SocketChannel client = start(daemon())) {
            assertThat(send(client, home.resolve("config.toml").toString(), "stop", "--timeout", "7")).containsExactly(
                    "Eopenpista: warning: config.toml:3: agent.colour: unknown key, ignored\n",
                    "Eopenpista: stopping the daemon (PID " + pid + ")...\n",
                    "W" + pid + "|7|openpista stopped (PID " + pid + ")\n|openpista: the daemon (PID " + pid
                            + ") did not stop within 7 s; it may still be finishing turns ('kill -9 " + pid + "' ends it at once)\n");
        }
        assertThat(stopRequests).containsExactly("openpista stop");
        assertThat(LauncherCommands.parse(List.of("stop"), daemon())).isInstanceOf(LauncherCommands.Stop.class)
                .extracting("seconds").isEqualTo(60);
        assertThat(LauncherCommands.parse(List.of("stop", "--timeout=030"), daemon())).extracting("seconds").isEqualTo(30);
    }

    @Test
    void anythingElseIsLeftToTheCommand() throws Exception {
        String config = home.resolve("config.toml").toString();
        try (SocketChannel client = start(daemon())) {
            assertThat(send(client, "/elsewhere/config.toml", "shell", "-c", "hello")).singleElement()
                    .satisfies(frame -> assertThat(frame).startsWith("Nthe daemon reads "));
            for (List<String> args : List.of(List.of("shell"), List.of("shell", "-c", "--help"), List.of("shell", "-c", "x", "y"),
                    List.of("stop", "--help"), List.of("stop", "--timeout", "-1"), List.of("stop", "-t", "5"), List.of("start"),
                    List.of("plugins", "list"), List.<String>of())) {
                List<String> fields = new ArrayList<>(List.of(config));
                fields.addAll(args);
                assertThat(send(client, fields.toArray(new String[0]))).as(args.toString()).singleElement()
                        .satisfies(frame -> assertThat(frame).startsWith("N"));
            }
            // the PID file names another process: the stop command says what it says about that
            Files.writeString(home.resolve("openpista.pid"), "1\n");
            assertThat(send(client, config, "stop")).containsExactly("Nthe PID file names another process");
        }
        server.deactivate();
        try (SocketChannel client = start(null)) {
            assertThat(send(client, config, "stop")).containsExactly("Nnot a daemon");
        }
        assertThat(stopRequests).isEmpty();
    }
}
