package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;

/**
 * Plugins written the way a third party would: sources compiled with {@code javac} against the
 * distribution's API jar (and picocli for a command) only, a hand-written manifest, DS component
 * and metatype XML, packed with {@code jar}; nothing of the reactor. Dropped into {@code plugins/},
 * a provider plugin is selected by its name and a channel plugin brings its own table and verb,
 * without a line about them in the configuration bundle or the launcher.
 */
class ThirdPartyPluginIT {

    static final ObjectMapper JSON = new ObjectMapper();

    // in the system's temporary folder: a Unix socket path must stay under 108 bytes
    @TempDir
    Path home;

    @TempDir
    Path work;

    FakeOpenAiServer fake;

    @BeforeEach
    void setUp() throws IOException {
        fake = new FakeOpenAiServer();
        fake.echoFallback();
        Files.createDirectories(home.resolve("plugins"));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            DistributionProcess.stopDaemon(home);
        } finally {
            fake.close();
        }
    }

    @Test
    void aProviderPluginIsSelectedByItsNameInRunAndInARunningDaemon() throws Exception {
        Path plugin = echoProvider();

        // one-shot: the plugin in plugins/, selected by the file
        Files.copy(plugin, home.resolve("plugins/echo-provider.jar"));
        config("provider = \"echo\"", "");
        Result run = openpista("run", "-e", "hello plugin");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.stdout().strip()).isEqualTo("echo: hello plugin");
        Files.delete(home.resolve("plugins/echo-provider.jar"));

        // a daemon on another provider: install, select in the file, reload, the next turn goes to the plugin
        int port = WebDaemon.freePort();
        config("provider = \"openai\"\nbase_url = \"" + fake.baseUrl() + "\"\napi_key = \"sk-test\"", webTable(port));
        try (WebDaemon daemon = WebDaemon.start(home, port, Map.of(), "start", "--foreground")) {
            Result before = shell("openpista:send plugin-session \"first\"");
            assertThat(before.exitCode()).as(before.toString()).isZero();
            int toOpenAi = fake.requests().size();
            assertThat(toOpenAi).as("the first turn went to the OpenAI fake").isPositive();

            Result installed = openpista("plugins", "install", plugin.toString());
            assertThat(installed.exitCode()).as(installed.toString()).isZero();
            config("provider = \"echo\"", webTable(port));
            Result reloaded = shell("openpista:reload");
            assertThat(reloaded.exitCode()).as(reloaded.toString()).isZero();
            assertThat(reloaded.stdout()).doesNotContain("unknown provider");

            Result after = shell("openpista:send plugin-session \"second\"");
            assertThat(after.stdout()).as(after.toString()).contains("echo: second");
            assertThat(fake.requests()).as("the plugin answered, not OpenAI").hasSize(toOpenAi);

            // the web chat's model_change selects it too (back on openai by the file first)
            config("provider = \"openai\"\nbase_url = \"" + fake.baseUrl() + "\"\napi_key = \"sk-test\"", webTable(port));
            assertThat(shell("openpista:reload").exitCode()).isZero();
            try (WebChatIT.Client client = WebChatIT.Client.connect(URI.create("ws://127.0.0.1:" + daemon.port
                    + "/ws?token=" + TOKEN))) {
                client.next("session_history");
                ObjectNode change = JSON.createObjectNode().put("type", "model_change").put("provider", "echo")
                        .put("model", "echo-1");
                client.send(change);
                assertThat(client.next("model_changed").path("provider").asText()).isEqualTo("echo");
                client.send(JSON.createObjectNode().put("type", "message").put("content", "over the web"));
                assertThat(client.next("response").path("content").asText()).isEqualTo("echo: over the web");
            }
        }
    }

    @Test
    void aChannelPluginBringsItsTableItsCheckedKeysAndItsSetupVerb() throws Exception {
        Files.copy(echoChannel(), home.resolve("plugins/echo-channel.jar"));
        config("provider = \"openai\"\nbase_url = \"" + fake.baseUrl() + "\"\napi_key = \"sk-test\"", "");

        Result help = openpista("echo", "--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.stdout()).contains("setup").contains("The echo channel");
        Result completion = openpista("completion", "bash");
        assertThat(completion.exitCode()).as(completion.toString()).isZero();
        assertThat(completion.stdout()).contains("echo").contains("--greeting");

        Result setup = openpista("echo", "setup", "--greeting", "hello there", "--enable");
        assertThat(setup.exitCode()).as(setup.toString()).isZero();
        String file = Files.readString(home.resolve("config.toml"));
        assertThat(file).contains("[channels.echo]").contains("greeting = \"hello there\"").contains("enabled = true");

        Result check = openpista("config", "check");
        assertThat(check.exitCode()).as(check.toString()).isZero();
        assertThat(check.stdout()).doesNotContain("warning").contains("[com.example.echochannel]")
                .contains("greeting = \"hello there\"");
        Result example = openpista("config", "example");
        assertThat(example.stdout()).contains("[channels.echo]").contains("What the echo channel says first");

        // its keys are checked like any built-in table's
        Files.writeString(home.resolve("config.toml"), file + "colour = \"blue\"\n");
        Result unknown = openpista("config", "check");
        assertThat(unknown.exitCode()).isZero();
        assertThat(unknown.stdout()).contains("channels.echo.colour: unknown key, ignored (known: enabled, greeting, port, "
                + "token");
        Files.writeString(home.resolve("config.toml"), file.replace("[channels.echo]", "[channels.echo]\nport = 0"));
        Result bad = openpista("config", "check");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.stderr()).contains("channels.echo.port: expected an integer 1..65535, got 0");
        Files.writeString(home.resolve("config.toml"), file);

        // the daemon runs it
        Result started = openpista("start");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        Result channels = shell("openpista:channels");
        assertThat(channels.stdout()).as(channels.toString()).contains("echo").contains("says hello there");
    }

    @Test
    void aPluginRankedAboveTheTerminalUiIsWhatOpenpistaAloneRuns() throws Exception {
        config("provider = \"openai\"\nbase_url = \"" + fake.baseUrl() + "\"\napi_key = \"sk-test\"", "");
        Result overview = openpista();
        assertThat(overview.exitCode()).as(overview.toString()).isZero();
        assertThat(overview.stdout()).contains("Usage: openpista").contains("config");
        // the built-in terminal UI, without a terminal, says how to go on
        Result session = openpista("-s", "abc");
        assertThat(session.exitCode()).as(session.toString()).isEqualTo(2);
        assertThat(session.stderr()).contains("needs a terminal").contains("openpista run -s abc");

        Files.copy(bareCommand(), home.resolve("plugins/face.jar"));

        Result resumed = openpista("-s", "abc");
        assertThat(resumed.exitCode()).as(resumed.toString()).isEqualTo(3);
        assertThat(resumed.stdout()).isEqualTo("face: session abc\n");
        // without a terminal, 'openpista' alone is the usage; on one it is the command
        Result piped = openpista();
        assertThat(piped.stdout()).as(piped.toString()).contains("Usage: openpista").contains("face");
        ProcessBuilder onTerminal = new ProcessBuilder("script", "-qec", DistributionProcess.dist().resolve("bin/openpista")
                + " --home " + home, "/dev/null").redirectErrorStream(true);
        DistributionProcess.clean(onTerminal.environment());
        Process terminal = onTerminal.start();
        String screen = new String(terminal.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(terminal.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(terminal.exitValue()).as(screen).isEqualTo(3);
        assertThat(screen).contains("face: session none");
        Result help = openpista("--help");
        assertThat(help.exitCode()).as(help.toString()).isZero();
        assertThat(help.stdout()).contains("Usage: openpista").contains("face");
    }

    // ----------------------------------------------------------------------------------------------

    static final String TOKEN = "plugin-test-token-0123456789";

    String webTable(int port) {
        return "[channels.web]\nenabled = true\nport = " + port + "\ntoken = \"" + TOKEN + "\"\n";
    }

    void config(String agent, String rest) throws IOException {
        Files.writeString(home.resolve("config.toml"), "[agent]\n" + agent + "\napproval = \"auto\"\n\n" + rest);
    }

    Result openpista(String... args) throws Exception {
        return DistributionProcess.run(home, Map.of(), args);
    }

    Result shell(String command) throws Exception {
        return openpista("shell", "-c", command);
    }

    /** A provider answering "echo: " and the last user message. */
    Path echoProvider() throws Exception {
        return new ProviderPlugin("com.example.echo", "echo", "com.example.echo.EchoProvider", "repeats the prompt")
                .pack(work.resolve("echo-provider"), Map.of("com/example/echo/EchoProvider.java", """
                package com.example.echo;

                import java.util.List;
                import org.openpista.api.chat.ChatMessage;
                import org.openpista.api.chat.Role;
                import org.openpista.api.llm.ChatRequest;
                import org.openpista.api.llm.ChatResponse;
                import org.openpista.api.llm.LlmProvider;
                import org.openpista.api.llm.StreamListener;

                public class EchoProvider implements LlmProvider {
                    public String name() {
                        return "echo";
                    }

                    public String defaultModel() {
                        return "echo-1";
                    }

                    public ChatResponse chat(ChatRequest request, StreamListener listener) {
                        String last = "";
                        for (ChatMessage message : request.messages()) {
                            if (message.role() == Role.USER) {
                                last = message.content();
                            }
                        }
                        return new ChatResponse("echo: " + last, List.of(), null, "stop", "echo-1", null);
                    }
                }
                """));
    }

    /** A channel with its own [channels.echo] table, a metatype of its keys and an 'echo setup' verb. */
    Path echoChannel() throws Exception {
        Path src = work.resolve("echo-channel");
        write(src.resolve("src/com/example/echochannel/EchoChannel.java"), """
                package com.example.echochannel;

                import java.util.Map;
                import org.openpista.api.admin.DaemonControl;
                import org.openpista.api.channel.ChannelAdapter;

                public class EchoChannel implements ChannelAdapter {
                    private DaemonControl daemon;
                    private String greeting = "";
                    private boolean runs;

                    public void setDaemon(DaemonControl daemon) {
                        this.daemon = daemon;
                    }

                    public void activate(Map<String, Object> properties) {
                        Object text = properties.get("greeting");
                        greeting = text == null ? "" : text.toString();
                        runs = daemon.runsChannel("echo", Boolean.TRUE.equals(properties.get("enabled")));
                    }

                    public String id() {
                        return "echo";
                    }

                    public String status() {
                        return runs ? "says " + greeting : "off (enabled = false)";
                    }

                    public void deliver(String target, String text) {
                    }
                }
                """);
        write(src.resolve("src/com/example/echochannel/EchoCommand.java"), """
                package com.example.echochannel;

                import java.util.LinkedHashMap;
                import java.util.Map;
                import java.util.concurrent.Callable;
                import org.openpista.api.command.CliCommand;
                import org.openpista.api.config.ConfigFileEditor;
                import picocli.CommandLine.Command;
                import picocli.CommandLine.Option;
                import picocli.CommandLine.ParentCommand;

                @Command(name = "echo", mixinStandardHelpOptions = true, description = "The echo channel.",
                        subcommands = EchoCommand.Setup.class)
                public class EchoCommand implements CliCommand, Runnable {
                    ConfigFileEditor editor;

                    public void setEditor(ConfigFileEditor editor) {
                        this.editor = editor;
                    }

                    public void run() {
                        System.out.println("openpista echo setup --greeting TEXT");
                    }

                    @Command(name = "setup", mixinStandardHelpOptions = true, description = "Saves [channels.echo].")
                    static class Setup implements Callable<Integer> {
                        @ParentCommand
                        EchoCommand echo;

                        @Option(names = "--greeting", required = true, description = "What it says first.")
                        String greeting;

                        @Option(names = "--enable", description = "Set enabled = true.")
                        boolean enable;

                        public Integer call() throws Exception {
                            Map<String, Object> values = new LinkedHashMap<>();
                            values.put("greeting", greeting);
                            if (enable) {
                                values.put("enabled", true);
                            }
                            System.out.println("Saved [channels.echo] in " + echo.editor.set("channels.echo", values));
                            return 0;
                        }
                    }
                }
                """);
        write(src.resolve("classes/OSGI-INF/channel.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="com.example.echochannel"
                    immediate="true" configuration-pid="com.example.echochannel" configuration-policy="optional"
                    activate="activate">
                  <implementation class="com.example.echochannel.EchoChannel"/>
                  <service><provide interface="org.openpista.api.channel.ChannelAdapter"/></service>
                  <property name="channel.id" value="echo"/>
                  <reference name="daemon" interface="org.openpista.api.admin.DaemonControl" cardinality="1..1"
                      policy="static" bind="setDaemon"/>
                </scr:component>
                """);
        write(src.resolve("classes/OSGI-INF/command.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="com.example.echochannel.command">
                  <implementation class="com.example.echochannel.EchoCommand"/>
                  <service scope="prototype"><provide interface="org.openpista.api.command.CliCommand"/></service>
                  <property name="openpista.command.name" value="echo"/>
                  <reference name="editor" interface="org.openpista.api.config.ConfigFileEditor" cardinality="1..1"
                      policy="static" bind="setEditor"/>
                </scr:component>
                """);
        write(src.resolve("classes/OSGI-INF/metatype/echo.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.4.0">
                  <OCD id="com.example.echochannel" name="Echo channel" description="Repeats what it hears.">
                    <AD id="enabled" type="Boolean" name="Enabled" description="Run it in the daemon." default="false"/>
                    <AD id="greeting" type="String" name="Greeting" description="What the echo channel says first." default=""/>
                    <AD id="port" type="Integer" name="Port" description="Where it would listen." min="1" max="65535" default="7000"/>
                    <AD id=".token" type="Password" name="Token" description="What clients must send." default=""/>
                  </OCD>
                  <Designate pid="com.example.echochannel">
                    <Object ocdref="com.example.echochannel"/>
                  </Designate>
                </metatype:MetaData>
                """);
        String manifest = """
                Manifest-Version: 1.0
                Bundle-ManifestVersion: 2
                Bundle-SymbolicName: com.example.echochannel
                Bundle-Version: 1.0.0
                Import-Package: org.openpista.api.admin;version="[1.1,2)",org.openpista.api.channel;version="[1.1,2)",org.openpista.api.command;version="[1.0,2)",org.openpista.api.config;version="[1.2,2)",picocli;version="[4.7,5)"
                Provide-Capability: org.openpista.settings;section="channels.echo";pid="com.example.echochannel"
                Require-Capability: osgi.extender;filter:="(&(osgi.extender=osgi.component)(version>=1.3.0)(!(version>=2.0.0)))"
                Service-Component: OSGI-INF/channel.xml,OSGI-INF/command.xml
                """;
        return pack(src, manifest, List.of(apiJar(), DistributionProcess.dist().resolve("lib/picocli.jar")));
    }

    /**
     * A command registered as the one bare 'openpista' runs, as the terminal UI's bundle does; ranked
     * above it, so it replaces the built-in terminal UI.
     */
    Path bareCommand() throws Exception {
        Path src = work.resolve("face");
        write(src.resolve("src/com/example/face/Face.java"), """
                package com.example.face;

                import java.util.concurrent.Callable;
                import org.openpista.api.command.CliCommand;
                import picocli.CommandLine.Command;
                import picocli.CommandLine.Option;

                @Command(name = "face", mixinStandardHelpOptions = true, description = "A face of openpista.")
                public class Face implements CliCommand, Callable<Integer> {
                    @Option(names = {"-s", "--session"})
                    String session;

                    public Integer call() {
                        System.out.println("face: session " + (session == null ? "none" : session));
                        return 3;
                    }
                }
                """);
        write(src.resolve("classes/OSGI-INF/face.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="com.example.face">
                  <implementation class="com.example.face.Face"/>
                  <service scope="prototype"><provide interface="org.openpista.api.command.CliCommand"/></service>
                  <property name="openpista.command.name" value="face"/>
                  <property name="openpista.command.bare" type="Boolean" value="true"/>
                  <property name="service.ranking" type="Integer" value="10"/>
                </scr:component>
                """);
        String manifest = """
                Manifest-Version: 1.0
                Bundle-ManifestVersion: 2
                Bundle-SymbolicName: com.example.face
                Bundle-Version: 1.0.0
                Import-Package: org.openpista.api.command;version="[1.0,2)",picocli;version="[4.7,5)"
                Require-Capability: osgi.extender;filter:="(&(osgi.extender=osgi.component)(version>=1.3.0)(!(version>=2.0.0)))"
                Service-Component: OSGI-INF/face.xml
                """;
        return pack(src, manifest, List.of(apiJar(), DistributionProcess.dist().resolve("lib/picocli.jar")));
    }

    static Path apiJar() {
        return DistributionProcess.dist().resolve("lib/org.openpista.api.jar");
    }

    /** javac against the given jars only, then jar with the hand-written manifest. */
    static Path pack(Path project, String manifest, List<Path> classpath) throws IOException {
        Path classes = Files.createDirectories(project.resolve("classes"));
        List<String> sources;
        try (Stream<Path> files = Files.walk(project.resolve("src"))) {
            sources = files.filter(path -> path.toString().endsWith(".java")).map(Path::toString).toList();
        }
        JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "-d", classes.toString(), "-cp",
                String.join(java.io.File.pathSeparator, classpath.stream().map(Path::toString).toList())));
        arguments.addAll(sources);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int compiled = javac.run(null, null, errors, arguments.toArray(new String[0]));
        assertThat(compiled).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        Path manifestFile = project.resolve("MANIFEST.MF");
        Files.writeString(manifestFile, manifest, StandardCharsets.UTF_8);
        Path jar = project.resolve(project.getFileName() + ".jar");
        ToolProvider jarTool = ToolProvider.findFirst("jar").orElseThrow();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int packed = jarTool.run(new PrintStream(out), new PrintStream(out), "--create", "--file", jar.toString(), "--manifest",
                manifestFile.toString(), "-C", classes.toString(), ".");
        assertThat(packed).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return jar;
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
