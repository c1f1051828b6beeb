package org.openpista.runtime;

import static org.openpista.runtime.CommandRuntime.START_TIMEOUT;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openpista.api.channel.ChannelAdapter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code openpista web setup|start|status}: the browser chat. */
@Command(
        name = "web",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"The web chat: a browser UI over WebSocket, on http://127.0.0.1:3210/ by default."},
        subcommands = {WebCommand.Setup.class, WebCommand.Start.class, WebCommand.Status.class})
final class WebCommand implements Runnable {

    static final String SECTION = "channels.web";
    static final int DEFAULT_PORT = 3210;

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What config.toml and the environment say about the web chat. */
    record WebConfig(boolean enabled, String bind, int port, String token, String tokenSource) {

        static WebConfig read(Home home, Map<String, String> env) throws IOException {
            String content = Files.exists(home.configFile()) ? Files.readString(home.configFile(), StandardCharsets.UTF_8) : "";
            ConfigSection section = new ConfigSection(SECTION);
            String enabled = section.get(content, "enabled");
            String bind = section.get(content, "bind");
            String port = section.get(content, "port");
            String token = section.get(content, "token");
            String source = token == null || token.isEmpty() ? "" : "config.toml";
            String envPort = firstNonBlank(env.get("OPENPISTA_WEB_PORT"), env.get("openpista_WEB_PORT"));
            String envToken = firstNonBlank(env.get("OPENPISTA_WEB_TOKEN"), env.get("openpista_WEB_TOKEN"));
            if (envPort != null) {
                port = envPort;
            }
            if (envToken != null) {
                token = envToken;
                source = env.containsKey("OPENPISTA_WEB_TOKEN") ? "OPENPISTA_WEB_TOKEN" : "openpista_WEB_TOKEN";
            }
            int portNumber = DEFAULT_PORT;
            if (port != null && !port.isBlank()) {
                try {
                    portNumber = Integer.parseInt(port.strip());
                } catch (NumberFormatException e) {
                    portNumber = DEFAULT_PORT;
                }
            }
            return new WebConfig(enabled == null || !enabled.strip().equals("false"),
                    bind == null || bind.isBlank() ? "127.0.0.1" : bind.strip(), portNumber,
                    token == null ? "" : token, source);
        }

        String url() {
            String host = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1"
                    : bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
            return "http://" + host + ":" + port + "/";
        }
    }

    static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** {@code web setup}: writes {@code [channels.web]}. */
    @Command(name = "setup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Writes the [channels.web] section of config.toml and prints the URL of the chat.",
                "A token is generated when none is set (or with --regenerate-token)."})
    static final class Setup implements Callable<Integer> {

        @ParentCommand
        WebCommand web;

        @Option(names = "--enable", description = "Set enabled = true.")
        boolean enable;

        @Option(names = "--port", paramLabel = "N", description = "The port (default 3210).")
        Integer port;

        @Option(names = "--bind", paramLabel = "ADDRESS", description = "The address to listen on (default 127.0.0.1).")
        String bind;

        @Option(names = "--token", paramLabel = "T", description = "The access token to require.")
        String token;

        @Option(names = "--regenerate-token", description = "Replace the token with a new random one.")
        boolean regenerate;

        @Option(names = "--yes", description = "Do not ask before replacing an existing token.")
        boolean yes;

        @Override
        public Integer call() throws IOException {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Home home = web.main.resolveHome();
            if (port != null && (port < 0 || port > 65535)) {
                err.println("openpista: --port must be between 0 and 65535");
                return Main.USAGE;
            }
            if (token != null && (token.isBlank() || token.strip().length() < 16)) {
                err.println("openpista: --token must have at least 16 characters");
                return Main.USAGE;
            }
            if (token != null && regenerate) {
                err.println("openpista: use either --token or --regenerate-token");
                return Main.USAGE;
            }
            Path file = home.configFile();
            String content = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            ConfigSection section = new ConfigSection(SECTION);
            String existing = section.get(content, "token");
            boolean hasToken = existing != null && !existing.isBlank();
            String newToken = token != null ? token.strip() : regenerate || !hasToken ? newToken() : null;
            if (newToken != null && hasToken && !yes) {
                if (!Terminals.stdinIsTerminal()) {
                    err.println("openpista: a token is already set; pass --yes to replace it");
                    return Main.USAGE;
                }
                err.print("Replace the existing web token? Clients using it must log in again. [y/N] ");
                err.flush();
                String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (answer == null || !answer.strip().toLowerCase(Locale.ROOT).startsWith("y")) {
                    err.println("Left the token as it was.");
                    newToken = null;
                }
            }
            Map<String, String> values = new LinkedHashMap<>();
            if (enable) {
                values.put("enabled", "true");
            }
            if (bind != null) {
                values.put("bind", ConfigSection.quote(bind.strip()));
            }
            if (port != null) {
                values.put("port", Integer.toString(port));
            }
            if (newToken != null) {
                values.put("token", ConfigSection.quote(newToken));
            }
            if (!values.isEmpty() || section.get(content, "enabled") == null && content.isEmpty()) {
                ConfigSection.write(file, section.set(content, values.isEmpty() ? Map.of("enabled", "true") : values));
                out.println("Saved [channels.web] in " + file);
            } else {
                out.println("Nothing to change in " + file);
            }
            WebConfig config = WebConfig.read(home, Map.of());
            out.println("Web chat: " + config.url() + " (start it with: openpista web start)");
            if (newToken != null) {
                out.println("Token: " + newToken);
                out.println("Open:  " + config.url() + "#token=" + newToken);
            }
            if (!config.enabled()) {
                out.println("Note: [channels.web] enabled = false; pass --enable to turn it on.");
            }
            return 0;
        }
    }

    /** {@code web start}: the daemon with only the web channel, in the foreground. */
    @Command(name = "start", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Runs the openpista daemon with only the web chat, in the foreground, until Ctrl-C, "
                    + "SIGTERM or 'openpista stop'."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        WebCommand web;

        @Override
        public Integer call() throws Exception {
            Home home = web.main.resolveHome();
            WebConfig before = WebConfig.read(home, System.getenv());
            if (!before.enabled()) {
                System.err.println("openpista: the web chat is disabled ([channels.web] enabled = false); "
                        + "turn it on with: openpista web setup --enable");
                return Main.USAGE;
            }
            Daemon.ReadyHook ready = (runtime, out, err) -> {
                ChannelAdapter channel = runtime.awaitService(ChannelAdapter.class,
                        "(" + ChannelAdapter.CHANNEL + "=web)", START_TIMEOUT);
                String status = ChannelStatus.awaitSettled(channel, "starting");
                if (!status.startsWith("listening on ")) {
                    err.println("openpista: web chat: " + status);
                    return Main.FAILED;
                }
                String url = status.substring("listening on ".length()).split(" ")[0];
                out.println("Web chat: " + url);
                WebConfig after = WebConfig.read(home, System.getenv());
                if (before.token().isEmpty() && !after.token().isEmpty()) {
                    out.println("Generated a token and saved it in " + home.configFile() + ": " + after.token());
                    out.println("Open:  " + url + "#token=" + after.token());
                }
                out.flush();
                return 0;
            };
            return new Daemon(web.main, new Daemon.Options(List.of("core", "daemon", "web"), Set.of("web"), true, false,
                    ready)).run();
        }
    }

    /** {@code web status}: the configuration and whether a server answers. */
    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Shows the web chat's configuration and whether it is running."})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        WebCommand web;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintStream out = System.out;
            Home home = web.main.resolveHome();
            WebConfig config = WebConfig.read(home, System.getenv());
            out.println("config:  " + home.configFile());
            out.println("enabled: " + config.enabled());
            out.println("address: " + config.bind() + ":" + config.port());
            out.println("token:   " + (config.token().isEmpty() ? "not set (generated on first start)"
                    : "set (" + config.tokenSource() + ")"));
            out.println("url:     " + config.url());
            PidFile.Status daemon = PidFile.inspect(PidFile.of(home));
            out.println("daemon:  " + switch (daemon.state()) {
                case RUNNING -> "running (PID " + daemon.pid() + ")";
                case STALE -> "not running (stale PID file of PID " + daemon.pid() + ")";
                case ABSENT -> "not running";
            });
            String health = health(config);
            out.println("running: " + health);
            return 0;
        }

        private static String health(WebConfig config) throws InterruptedException {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(config.url() + "health"))
                    .timeout(Duration.ofSeconds(3)).GET().build();
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return "something else answers on " + config.url() + " (HTTP " + response.statusCode() + ")";
                }
                String body = response.body();
                String clients = body.replaceAll("(?s).*\"clients\"\\s*:\\s*(\\d+).*", "$1");
                return "yes, " + clients + (clients.equals("1") ? " client" : " clients") + " connected";
            } catch (IOException e) {
                return "no (nothing answers on " + config.url() + ")";
            }
        }
    }
}
