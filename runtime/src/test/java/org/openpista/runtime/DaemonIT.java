package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.RecordedRequest;

/**
 * {@code openpista start|stop|shell|plugins} end to end: the real daemon as a separate process, a
 * fake OpenAI server, the hello-tool plugin built by the reactor.
 */
class DaemonIT {

    // in the system's temporary folder: a Unix socket path must stay under 108 bytes
    @TempDir
    Path home;

    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws IOException {
        fake = new FakeOpenAiServer();
        fake.echoFallback();
        writeConfig("");
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            DistributionProcess.stopDaemon(home);
        } finally {
            fake.close();
        }
    }

    void writeConfig(String extra) throws IOException {
        ShellTurn.writeConfig(home, fake, """
                [channels.web]
                enabled = false
                """ + extra);
    }

    Result openpista(String... args) throws Exception {
        return DistributionProcess.run(home, Map.of(), args);
    }

    Result shell(String command) throws Exception {
        return openpista("shell", "-c", command);
    }

    long start() throws Exception {
        Result started = openpista("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        assertThat(started.stdout()).as("the web chat is disabled here: no address to print").doesNotContain("Web chat");
        Matcher pid = Pattern.compile("PID (\\d+)").matcher(started.stdout());
        assertThat(pid.find()).as(started.toString()).isTrue();
        return Long.parseLong(pid.group(1));
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(100);
        }
    }

    boolean toolsList(String tool) {
        try {
            return shell("openpista:tools").stdout().contains(tool);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** role: content of a session's stored messages, oldest first. */
    List<String> stored(String session) throws Exception {
        return DistributionProcess.stored(home, session);
    }

    static Path helloPlugin() {
        Path jar = Path.of(System.getProperty("openpista.hello.plugin", "../plugins/hello-tool/target/hello-tool.jar"));
        assertThat(jar).as("the hello-tool plugin built by the reactor").isRegularFile();
        return jar;
    }

    static String lastUserText(RecordedRequest request) {
        JsonNode messages = request.json().path("messages");
        return messages.get(messages.size() - 1).path("content").asText();
    }

    /** A bundle jar with only a manifest. */
    static Path bundleJar(Path file, String symbolicName, String extraHeader, String extraValue) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue(extraHeader, extraValue);
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(file), manifest)) {
            jar.flush();
        }
        return file;
    }

    @Test
    void startWritesThePidFileRefusesASecondDaemonAndStopRemovesEverything() throws Exception {
        long pid = start();

        assertThat(Files.readString(home.resolve("openpista.pid")).strip()).isEqualTo(Long.toString(pid));
        assertThat(ProcessHandle.of(pid)).isPresent();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("admin.sock"))))
                .isEqualTo("rw-------");
        Result second = openpista("start");
        assertThat(second.exitCode()).as(second.toString()).isEqualTo(1);
        assertThat(second.stderr()).contains("already running").contains("PID " + pid).contains("openpista stop");
        Result secondForeground = openpista("start", "--foreground");
        assertThat(secondForeground.exitCode()).as(secondForeground.toString()).isEqualTo(1);
        assertThat(secondForeground.stderr()).contains("already running");
        assertThat(Files.readString(home.resolve("logs/openpista.0.log"))).contains("ready in");

        Result stop = openpista("stop");

        assertThat(stop.exitCode()).as(stop.toString()).isZero();
        assertThat(stop.stdout()).contains("stopped (PID " + pid + ")");
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
        assertThat(home.resolve("openpista.pid")).doesNotExist();
        assertThat(home.resolve("admin.sock")).doesNotExist();
        Result again = openpista("stop");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.stderr()).contains("no daemon is running");
    }

    @Test
    void aStalePidFileIsRecognisedAndReplaced() throws Exception {
        Files.writeString(home.resolve("openpista.pid"), "999999\n");
        Result stop = openpista("stop");
        assertThat(stop.exitCode()).isEqualTo(1);
        assertThat(stop.stderr()).contains("stale PID file");
        assertThat(home.resolve("openpista.pid")).doesNotExist();

        Files.writeString(home.resolve("openpista.pid"), "999999\n");
        writeConfig("""

                [channels.cli]
                colour = "blue"
                """);
        Result started = openpista("start");

        assertThat(started.exitCode()).as(started.toString()).isZero();
        assertThat(started.stderr()).contains("warning").contains("colour");
        Matcher pid = Pattern.compile("PID (\\d+)").matcher(started.stdout());
        assertThat(pid.find()).isTrue();
        assertThat(Files.readString(home.resolve("openpista.pid")).strip()).isEqualTo(pid.group(1));
    }

    @Test
    void withoutADaemonTheShellSaysSoAndExitsWithOne() throws Exception {
        Result result = shell("openpista:tools");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.stderr()).contains("no daemon is running for " + home).contains("openpista start");
        assertThat(result.stderr()).doesNotContain("Exception");
        Result plugins = openpista("plugins", "list");
        assertThat(plugins.exitCode()).isEqualTo(1);
        assertThat(plugins.stderr()).contains("no daemon is running");
    }

    @Test
    void theShellRunsOpenpistaAndFelixCommandsWithTheirExitStatus() throws Exception {
        start();

        Result tools = shell("openpista:tools");
        assertThat(tools.exitCode()).as(tools.toString()).isZero();
        assertThat(tools.stdout()).contains("system.run").contains("org.openpista.tool.system");

        Result bundles = shell("lb");
        assertThat(bundles.exitCode()).isZero();
        assertThat(bundles.stdout()).contains("Apache Felix Gogo Runtime").contains("openpista :: Core");
        Matcher toolBundle = Pattern.compile("(?m)^\\s*(\\d+)\\|Active.*Tool system.run").matcher(bundles.stdout());
        assertThat(toolBundle.find()).as(bundles.stdout()).isTrue();
        String id = toolBundle.group(1);

        assertThat(shell("inspect cap service " + id).stdout()).contains("tool.name").contains("system.run");
        assertThat(shell("stop " + id).exitCode()).isZero();
        assertThat(toolsList("system.run")).isFalse();
        assertThat(shell("start " + id).exitCode()).isZero();
        await("system.run back", Duration.ofSeconds(10), () -> toolsList("system.run"));

        Result status = shell("openpista:status");
        assertThat(status.stdout()).contains("provider").contains("openai").contains("bundles");
        Result unknown = shell("frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.stderr()).contains("frobnicate");
        Result failing = shell("openpista:history no-such-session");
        assertThat(failing.exitCode()).isEqualTo(1);
        assertThat(failing.stderr()).contains("no session \"no-such-session\"");
        Result wrongArguments = shell("openpista:whatsapp");
        assertThat(wrongArguments.exitCode()).isEqualTo(1);
        assertThat(wrongArguments.stderr()).contains("wrong arguments for openpista:whatsapp; usage:")
                .contains("openpista:whatsapp TEXT TEXT TEXT").doesNotContain("Cannot coerce");
        assertThat(shell("openpista:history").stderr()).contains("openpista:history [-n|--limit <how many of the last "
                + "messages to show>] <the session id>");

        Result switched = shell("openpista:model other-model");
        assertThat(switched.exitCode()).as(switched.toString()).isZero();
        assertThat(shell("openpista:model").stdout()).contains("other-model");
        assertThat(shell("openpista:send admin-session \"which model?\"").stdout()).isEqualTo("echo: which model?\n");
        assertThat(fake.lastRequest().json().path("model").asText()).isEqualTo("other-model");
        assertThat(shell("openpista:sessions").stdout()).contains("admin-session").contains("shell");
        assertThat(shell("openpista:history admin-session").stdout()).contains("user").contains("which model?")
                .contains("echo: which model?");
        Result reload = shell("openpista:reload");
        assertThat(reload.exitCode()).as(reload.toString()).isZero();
        assertThat(reload.stdout()).contains("reloaded " + home.resolve("config.toml"));
        await("the model of config.toml again", Duration.ofSeconds(10), () -> {
            try {
                return shell("openpista:model").stdout().contains("test-model");
            } catch (Exception e) {
                return false;
            }
        });

        Result interactive = DistributionProcess.run(home, Map.of(), "openpista:channels\nopenpista:providers\n",
                Duration.ofSeconds(60), "shell");
        assertThat(interactive.exitCode()).as(interactive.toString()).isZero();
        assertThat(interactive.stdout()).contains("CHANNEL").contains("PROVIDER").contains("test-model");
    }

    @Test
    void theAdminShellOffersNoTelnetServerButKeepsFelixsCommands() throws Exception {
        start();
        int port = WebDaemon.freePort();

        Result telnet = shell("gogo:telnetd -p " + port + " start");
        Result unscoped = shell("telnetd -p " + port + " start");

        assertThat(telnet.exitCode()).as(telnet.toString()).isEqualTo(1);
        assertThat(telnet.stderr()).contains("telnetd");
        assertThat(unscoped.exitCode()).isEqualTo(1);
        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).as("nothing listens on TCP")
                .isInstanceOf(ConnectException.class);
        Result help = shell("help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("felix:lb").contains("openpista:status");
        assertThat(shell("lb").stdout()).contains("Apache Felix Gogo Shell");
        assertThat(shell("echo still here").stdout()).isEqualTo("still here\n");
    }

    @Test
    void aPluginDroppedIntoPluginsIsOfferedAndRunsAndLeavesWhenDeleted() throws Exception {
        start();
        assertThat(toolsList("hello.greet")).isFalse();

        Path dropped = home.resolve("plugins/hello-tool.jar");
        Files.copy(helloPlugin(), dropped);
        await("hello.greet listed", Duration.ofSeconds(15), () -> toolsList("hello.greet"));
        fake.enqueue(FakeReply.toolCall("hello.greet", "{\"name\":\"Ada\"}"), FakeReply.text("I greeted Ada."));

        Result turn = shell("openpista:send plugin-test \"please greet Ada\"");

        assertThat(turn.exitCode()).as(turn.toString()).isZero();
        assertThat(turn.stdout()).isEqualTo("I greeted Ada.\n");
        List<RecordedRequest> requests = fake.requests();
        assertThat(requests.get(requests.size() - 2).json().path("tools").toString()).contains("hello_greet");
        assertThat(requests.get(requests.size() - 1).body()).contains("Hello, Ada! Greetings from the hello-tool plugin.");
        assertThat(stored("plugin-test")).anySatisfy(row -> assertThat(row).startsWith("tool: Hello, Ada!"));

        Files.delete(dropped);
        await("hello.greet gone", Duration.ofSeconds(15), () -> !toolsList("hello.greet"));
        Result after = shell("openpista:send plugin-test \"still there?\"");

        assertThat(after.exitCode()).as(after.toString()).isZero();
        assertThat(after.stdout()).isEqualTo("echo: still there?\n");
        assertThat(fake.lastRequest().json().path("tools").toString()).doesNotContain("hello_greet").contains("system_run");
    }

    @Test
    void pluginsInstallWaitsUntilActiveRefusesWhatCannotResolveAndRemoves() throws Exception {
        start();

        Result install = openpista("plugins", "install", helloPlugin().toString());
        assertThat(install.exitCode()).as(install.toString()).isZero();
        assertThat(install.stdout()).contains("hello-tool").contains("active");
        assertThat(toolsList("hello.greet")).isTrue();
        assertThat(openpista("plugins", "list").stdout()).contains(helloPlugin().getFileName().toString()).contains("active");

        Path broken = bundleJar(home.resolve("broken.jar"), "broken.plugin", "Import-Package", "com.example.missing");
        Result refused = openpista("plugins", "install", broken.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.stderr()).contains("com.example.missing").contains("nothing was installed");
        assertThat(home.resolve("plugins/broken.jar")).doesNotExist();
        assertThat(shell("lb").stdout()).doesNotContain("broken.plugin");

        Path modern = bundleJar(home.resolve("modern.jar"), "modern.plugin", "Require-Capability",
                "osgi.ee;filter:=\"(&(osgi.ee=JavaSE)(version=99))\"");
        Result tooNew = openpista("plugins", "install", modern.toString());
        assertThat(tooNew.exitCode()).isEqualTo(1);
        assertThat(tooNew.stderr()).contains("needs Java 99");

        Result remove = openpista("plugins", "remove", "hello-tool");
        assertThat(remove.exitCode()).as(remove.toString()).isZero();
        assertThat(toolsList("hello.greet")).isFalse();
        assertThat(openpista("plugins", "remove", "hello-tool").exitCode()).isEqualTo(1);
    }

    @Test
    void replacingTheProviderBundleWhileTurnsRunLosesNoTurn() throws Exception {
        AtomicInteger arrived = new AtomicInteger();
        fake.fallback(request -> {
            arrived.incrementAndGet();
            return FakeReply.text("answer to " + lastUserText(request)).delayed(Duration.ofMillis(800));
        });
        start();
        Path provider;
        try (var jars = Files.list(DistributionProcess.dist().resolve("bundles/core"))) {
            provider = jars.filter(jar -> jar.getFileName().toString().startsWith("org.openpista.provider.openai-"))
                    .findFirst().orElseThrow();
        }
        int messages = 12; // turns keep coming well after the second update, also on a slow machine
        List<CompletableFuture<Result>> clients = new ArrayList<>();
        for (int client = 1; client <= 3; client++) {
            StringBuilder script = new StringBuilder();
            for (int message = 1; message <= messages; message++) {
                script.append("openpista:send swap").append(client).append(" \"m").append(message).append("\"\n");
            }
            clients.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return DistributionProcess.run(home, Map.of(), script.toString(), Duration.ofSeconds(180), "shell");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        Path log = home.resolve("logs/openpista.0.log");

        // a rebuilt copy of the provider (same name and version, new file): FileInstall updates the bundle in place,
        // twice, each time while requests are at the provider
        // three shell clients each start a JVM: on a loaded machine that alone takes tens of seconds
        await("turns in flight", Duration.ofSeconds(120), () -> arrived.get() >= 3);
        Path copy = home.resolve("plugins/" + provider.getFileName());
        Files.copy(provider, copy);
        await("the first update", Duration.ofSeconds(15), () -> logContains(log, "Updating this bundle instead"));
        int before = arrived.get();
        await("turns after the first update", Duration.ofSeconds(90), () -> arrived.get() >= before + 3);
        Files.setLastModifiedTime(copy, FileTime.fromMillis(System.currentTimeMillis() + 2000));
        await("the second update", Duration.ofSeconds(15),
                () -> logContains(log, "Updating bundle org.openpista.provider.openai"));

        StringBuilder expected = new StringBuilder();
        List<String> rows = new ArrayList<>();
        for (int message = 1; message <= messages; message++) {
            expected.append("answer to m").append(message).append('\n');
            rows.add("user: m" + message);
            rows.add("assistant: answer to m" + message);
        }
        for (int client = 1; client <= 3; client++) {
            Result result = clients.get(client - 1).get(180, TimeUnit.SECONDS);
            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.stdout()).isEqualTo(expected.toString());
            assertThat(stored("swap" + client)).containsExactlyElementsOf(rows);
        }
        assertThat(arrived.get()).as("some turns ran after the second update").isGreaterThan(before + 3);
        // requests at the old revision during an update were abandoned and sent again to the new one
        assertThat(Files.readString(log)).contains("sending it again to its replacement");
        assertThat(shell("openpista:providers").stdout()).contains("openai");
        assertThat(shell("openpista:send after-swap \"ping\"").stdout()).isEqualTo("answer to ping\n");
    }

    static boolean logContains(Path log, String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void sigtermDuringATurnLetsItFinishAndKeepsItsMessages() throws Exception {
        fake.enqueue(FakeReply.text("worth the wait").delayed(Duration.ofSeconds(3)));
        DaemonProcess daemon = DaemonProcess.foreground(home);
        daemon.awaitOutput("ready in", Duration.ofSeconds(60));
        CompletableFuture<Result> client = CompletableFuture.supplyAsync(() -> {
            try {
                return shell("openpista:send slow \"take your time\"");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("the request at the provider", Duration.ofSeconds(30), () -> !fake.requests().isEmpty());

        // SIGTERM, without closing our end of its output as Process.destroy() would
        daemon.process.toHandle().destroy();

        assertThat(daemon.process.waitFor(60, TimeUnit.SECONDS)).as(daemon.output()).isTrue();
        Result answered = client.get(60, TimeUnit.SECONDS);
        assertThat(answered.stdout()).as(answered.toString()).isEqualTo("worth the wait\n");
        assertThat(daemon.output()).contains("stopping");
        assertThat(stored("slow")).containsExactly("user: take your time", "assistant: worth the wait");
        assertThat(home.resolve("openpista.pid")).doesNotExist();
        assertThat(home.resolve("admin.sock")).doesNotExist();
    }

    @Test
    void aCronJobFiresAndItsAnswerLandsInItsSession() throws Exception {
        writeConfig("""

                [[cron]]
                schedule = "*/2 * * * * *"
                message = "cron ping"
                session = "cron-session"
                """);
        start();

        await("the cron answer stored", Duration.ofSeconds(30), () -> {
            try {
                return stored("cron-session").contains("assistant: echo: cron ping");
            } catch (Exception e) {
                return false;
            }
        });
        Result jobs = shell("openpista:cron");
        assertThat(jobs.stdout()).contains("*/2 * * * * *").contains("config").contains("cron ping");
        await("the outcome listed", Duration.ofSeconds(10),
                () -> {
                    try {
                        return shell("openpista:cron").stdout().contains("answered in session cron-session");
                    } catch (Exception e) {
                        return false;
                    }
                });

        Result added = shell("openpista:cron --session added-session add \"*/1 * * * * *\" \"added ping\"");
        assertThat(added.exitCode()).as(added.toString()).isZero();
        String id = added.stdout().replaceAll("(?s).*added cron job (\\S+),.*", "$1");
        await("the added job's answer", Duration.ofSeconds(30), () -> {
            try {
                return stored("added-session").contains("assistant: echo: added ping");
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(shell("openpista:cron remove " + id).exitCode()).isZero();
        assertThat(shell("openpista:cron").stdout()).doesNotContain("added ping");
        Result bad = shell("openpista:cron add \"every day\" \"x\"");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr()).contains("fields");
    }

    @Test
    void inTheForegroundOnATerminalLinesAreMessagesAndQuitStops() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")) || "all".equals(System.getenv("OPENPISTA_IT_REQUIRE")),
                "util-linux script is needed to give openpista a terminal");
        String command = DistributionProcess.dist().resolve("bin/openpista") + " start --foreground";
        ProcessBuilder builder = new ProcessBuilder(List.of("script", "-qefc", command, "/dev/null"));
        DaemonProcess daemon = DaemonProcess.launch(builder, home);
        daemon.awaitOutput("ready in", Duration.ofSeconds(60));

        daemon.type("hello from the terminal\n");
        daemon.awaitOutput("echo: hello from the terminal", Duration.ofSeconds(30));
        daemon.type("/quit\n");

        assertThat(daemon.process.waitFor(60, TimeUnit.SECONDS)).as(daemon.output()).isTrue();
        assertThat(daemon.process.exitValue()).as(daemon.output()).isZero();
        assertThat(stored("cli:local")).containsExactly("user: hello from the terminal",
                "assistant: echo: hello from the terminal");
        assertThat(home.resolve("openpista.pid")).doesNotExist();
    }

    /** A daemon process whose combined output is collected as it comes. */
    static final class DaemonProcess {
        final Process process;
        private final StringBuffer output = new StringBuffer();

        private DaemonProcess(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (InputStream in = process.getInputStream()) {
                    byte[] buffer = new byte[4096];
                    int read;
                    while ((read = in.read(buffer)) >= 0) {
                        output.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                    }
                } catch (IOException e) {
                    output.append("<output unreadable: ").append(e).append('>');
                }
            }, "daemon-output");
            reader.setDaemon(true);
            reader.start();
        }

        static DaemonProcess foreground(Path home) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(
                    List.of(DistributionProcess.dist().resolve("bin/openpista").toString(), "start", "--foreground"));
            builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            return launch(builder, home);
        }

        static DaemonProcess launch(ProcessBuilder builder, Path home) throws IOException {
            DistributionProcess.clean(builder.environment());
            builder.environment().put("OPENPISTA_HOME", home.toString());
            builder.redirectErrorStream(true);
            return new DaemonProcess(builder.start());
        }

        String output() {
            return output.toString();
        }

        void type(String text) throws IOException {
            process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        void awaitOutput(String text, Duration timeout) throws InterruptedException {
            DaemonIT.await("\"" + text + "\" in the output:\n" + output, timeout,
                    () -> output.indexOf(text) >= 0 || !process.isAlive());
            assertThat(output()).contains(text);
        }
    }

}
