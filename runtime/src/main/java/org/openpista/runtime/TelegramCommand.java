package org.openpista.runtime;

import static org.openpista.runtime.CommandRuntime.START_TIMEOUT;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.openpista.api.channel.ChannelAdapter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code openpista telegram setup|start|status}: the Telegram bot. */
@Command(
        name = "telegram",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = {"The Telegram channel: a bot you talk to from the Telegram app, one conversation per chat.",
            "Create the bot with @BotFather, then: openpista telegram setup --token TOKEN"},
        subcommands = {TelegramCommand.Setup.class, TelegramCommand.Start.class, TelegramCommand.Status.class})
final class TelegramCommand implements Runnable {

    static final String SECTION = "channels.telegram";
    /** Telegram's own Bot API server. */
    static final String DEFAULT_API = "https://api.telegram.org";
    /** The system property through which {@code telegram start --token} hands the token to the channel. */
    static final String TOKEN_PROPERTY = "openpista.telegram.token";
    private static final Pattern TOKEN = Pattern.compile("[0-9]{1,20}:[A-Za-z0-9_-]{1,100}");

    @ParentCommand
    Main main;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What config.toml and the environment say about the bot. */
    record TelegramConfig(boolean enabled, String token, String tokenSource, String apiUrl, List<String> allowedUsers,
            String webhookUrl) {

        static TelegramConfig read(Home home, Map<String, String> env) throws IOException {
            String content = Files.exists(home.configFile()) ? Files.readString(home.configFile(), StandardCharsets.UTF_8) : "";
            ConfigSection section = new ConfigSection(SECTION);
            String enabled = section.get(content, "enabled");
            String token = section.get(content, "token");
            String source = token == null || token.isBlank() ? "" : "config.toml";
            String envToken = env.get("TELEGRAM_BOT_TOKEN");
            if (envToken != null && !envToken.isBlank()) {
                token = envToken.strip();
                source = "TELEGRAM_BOT_TOKEN";
            }
            String api = section.get(content, "api_url");
            String users = section.get(content, "allowed_users");
            String webhook = section.get(content, "webhook_url");
            return new TelegramConfig(enabled != null && enabled.strip().equals("true"), token == null ? "" : token.strip(),
                    source, api == null || api.isBlank() ? "" : api.strip(), ids(users),
                    webhook == null ? "" : webhook.strip());
        }

        /** @return whether Telegram posts updates to a webhook (served by the web chat's server) instead of being polled */
        boolean webhookMode() {
            return !webhookUrl.isEmpty();
        }

        String api() {
            return apiUrl.isEmpty() ? DEFAULT_API : apiUrl;
        }

        private static List<String> ids(String list) {
            if (list == null) {
                return List.of();
            }
            Matcher matcher = Pattern.compile("-?[0-9]+").matcher(list);
            List<String> ids = new java.util.ArrayList<>();
            while (matcher.find()) {
                ids.add(matcher.group());
            }
            return ids;
        }
    }

    /**
     * The answer of {@code getMe}.
     *
     * @param ok whether the token was accepted
     * @param username the bot's username when accepted
     * @param problem one line saying what went wrong otherwise
     */
    record BotCheck(boolean ok, String username, String problem) {}

    /** Asks the Bot API who the token belongs to; the token never appears in the answer. */
    static BotCheck getMe(String api, String token) throws InterruptedException {
        String root = api.endsWith("/") ? api.substring(0, api.length() - 1) : api;
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response;
        try {
            response = client.send(HttpRequest.newBuilder(URI.create(root + "/bot" + token + "/getMe"))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new BotCheck(false, "", "cannot reach " + root + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (IllegalArgumentException e) {
            return new BotCheck(false, "", "api_url is not a URL: " + root);
        }
        String body = response.body();
        if (response.statusCode() == 200 && body.matches("(?s).*\"ok\"\\s*:\\s*true.*")) {
            return new BotCheck(true, field(body, "username"), "");
        }
        String description = field(body, "description");
        return new BotCheck(false, "", "Telegram refused the token: HTTP " + response.statusCode()
                + (description.isEmpty() ? "" : " " + description));
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return matcher.find() ? matcher.group(1) : "";
    }

    /** {@code telegram setup --token T}: checks the token, then writes {@code [channels.telegram]}. */
    @Command(name = "setup", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Checks a bot token with Telegram (getMe) and saves it, enabled, in the [channels.telegram] "
                    + "section of config.toml. Nothing is saved when Telegram refuses the token."})
    static final class Setup implements Callable<Integer> {

        @ParentCommand
        TelegramCommand telegram;

        @Option(names = "--token", required = true, paramLabel = "T", description = "The bot token from @BotFather.")
        String token;

        @Option(names = "--api-url", paramLabel = "URL",
                description = "The Bot API root to use and save (default: api_url from config.toml, else Telegram's own).")
        String apiUrl;

        @Option(names = "--allow", paramLabel = "USER_ID", split = ",",
                description = "Numeric Telegram user ids that may talk to the bot (replaces allowed_users).")
        List<Long> allow;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintStream out = System.out;
            PrintStream err = System.err;
            Home home = telegram.main.resolveHome();
            String value = token.strip();
            if (!TOKEN.matcher(value).matches()) {
                err.println("openpista: that is not a bot token (expected digits, a colon and letters, as @BotFather gives it)");
                return Main.USAGE;
            }
            TelegramConfig config = TelegramConfig.read(home, Map.of());
            String api = apiUrl != null && !apiUrl.isBlank() ? apiUrl.strip() : config.api();
            BotCheck check = getMe(api, value);
            if (!check.ok()) {
                err.println("openpista: " + check.problem() + "; nothing was saved");
                return Main.FAILED;
            }
            Map<String, String> values = new LinkedHashMap<>();
            values.put("enabled", "true");
            values.put("token", ConfigSection.quote(value));
            if (apiUrl != null) {
                values.put("api_url", ConfigSection.quote(apiUrl.strip()));
            }
            if (allow != null) {
                values.put("allowed_users", "[" + allow.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "]");
            }
            Path file = home.configFile();
            String content = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
            ConfigSection.write(file, new ConfigSection(SECTION).set(content, values));
            TelegramConfig saved = TelegramConfig.read(home, Map.of());
            out.println("Bot @" + check.username() + " verified; saved [channels.telegram] in " + file);
            out.println("Start it with: openpista telegram start (or openpista start with every channel)");
            if (saved.allowedUsers().isEmpty()) {
                out.println("No allowed_users yet: whoever writes to the bot gets a pairing code; approve yours with");
                out.println("  openpista shell -c \"openpista:pair approve CODE\"");
            } else {
                out.println("Allowed users: " + String.join(", ", saved.allowedUsers()));
            }
            return 0;
        }
    }

    /** {@code telegram start}: the daemon with only the Telegram channel, in the foreground. */
    @Command(name = "start", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Runs the openpista daemon with only the Telegram bot, in the foreground, until Ctrl-C, "
                    + "SIGTERM or 'openpista stop'. The bot runs even when [channels.telegram] enabled = false."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        TelegramCommand telegram;

        @Option(names = "--token", paramLabel = "T", description = "Use this bot token (not saved; default: TELEGRAM_BOT_TOKEN, "
                + "else the token in config.toml).")
        String token;

        @Override
        public Integer call() throws Exception {
            Home home = telegram.main.resolveHome();
            TelegramConfig config = TelegramConfig.read(home, System.getenv());
            if (token != null) {
                if (!TOKEN.matcher(token.strip()).matches()) {
                    System.err.println("openpista: that is not a bot token (expected digits, a colon and letters)");
                    return Main.USAGE;
                }
                // the channel reads it through the framework, which falls back to system properties
                System.setProperty(TOKEN_PROPERTY, token.strip());
            } else if (config.token().isEmpty()) {
                System.err.println("openpista: no bot token: run 'openpista telegram setup --token TOKEN', set "
                        + "TELEGRAM_BOT_TOKEN, or pass --token");
                return Main.USAGE;
            }
            Daemon.ReadyHook ready = (runtime, out, err) -> {
                ChannelAdapter channel = runtime.awaitService(ChannelAdapter.class,
                        "(" + ChannelAdapter.CHANNEL + "=telegram)", START_TIMEOUT);
                String status = ChannelStatus.awaitSettled(channel, "starting", "connecting");
                if (status.startsWith("off")) {
                    err.println("openpista: telegram: " + status);
                    return Main.FAILED;
                }
                if (status.startsWith("polling") || status.startsWith("webhook")) {
                    String bot = status.substring(status.indexOf(" as ") + " as ".length()).split(" ")[0];
                    out.println("Telegram bot " + bot + " is listening" + (status.startsWith("webhook")
                            ? " through its webhook " + config.webhookUrl() : "") + "; write to it in Telegram.");
                } else {
                    err.println("openpista: warning: telegram: " + status + "; it keeps trying");
                }
                out.flush();
                return 0;
            };
            // webhook mode: the web chat's HTTP server serves the webhook
            List<String> features = config.webhookMode() ? List.of("core", "daemon", "web", "telegram")
                    : List.of("core", "daemon", "telegram");
            Set<String> channels = config.webhookMode() ? Set.of("telegram", "web") : Set.of("telegram");
            return new Daemon(telegram.main, new Daemon.Options(features, channels, true, false, ready)).run();
        }
    }

    /** {@code telegram status}: configuration, pairings and the running bot. */
    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
            description = {"Shows the Telegram configuration, the users paired with the bot, and the running bot's state.",
                "--check also asks Telegram whether the token is valid."})
    static final class Status implements Callable<Integer> {

        @ParentCommand
        TelegramCommand telegram;

        @Option(names = "--check", description = "Ask Telegram (getMe) whether the token works.")
        boolean check;

        @Override
        public Integer call() throws IOException, InterruptedException {
            PrintStream out = System.out;
            Home home = telegram.main.resolveHome();
            TelegramConfig config = TelegramConfig.read(home, System.getenv());
            out.println("config:  " + home.configFile());
            out.println("enabled: " + config.enabled());
            out.println("token:   " + (config.token().isEmpty() ? "not set (openpista telegram setup --token TOKEN)"
                    : "set (" + config.tokenSource() + ", " + masked(config.token()) + ")"));
            out.println("api:     " + config.api());
            out.println("updates: " + (config.webhookMode() ? "webhook " + config.webhookUrl()
                    + " (served at /webhooks/telegram of the web chat's server)" : "long polling"));
            out.println("allowed: " + (config.allowedUsers().isEmpty() ? "nobody yet (pairing only)"
                    : String.join(", ", config.allowedUsers())));
            Path pairing = home.dir().resolve("telegram/pairing.json");
            if (Files.exists(pairing)) {
                String json = Files.readString(pairing, StandardCharsets.UTF_8);
                out.println("paired:  " + count(json, "approved_at") + " user(s), " + count(json, "issued_at")
                        + " code(s) waiting (openpista shell -c \"openpista:pair\")");
            } else {
                out.println("paired:  nobody");
            }
            if (check && !config.token().isEmpty()) {
                BotCheck bot = getMe(config.api(), config.token());
                out.println("check:   " + (bot.ok() ? "token valid, bot @" + bot.username() : bot.problem()));
            }
            out.println("running: " + running(home));
            return 0;
        }

        private static String running(Home home) {
            PidFile.Status daemon = PidFile.inspect(PidFile.of(home));
            if (daemon.state() != PidFile.State.RUNNING) {
                return "no daemon (openpista telegram start, or openpista start)";
            }
            try (AdminClient client = AdminClient.connect(AdminClient.socket(home))) {
                if (client == null) {
                    return "daemon PID " + daemon.pid() + ", admin socket not answering";
                }
                for (String line : client.query("openpista:channels").split("\n")) {
                    String trimmed = line.strip();
                    if (trimmed.startsWith("telegram ")) {
                        String state = trimmed.substring("telegram".length()).strip();
                        int bundle = state.lastIndexOf("org.openpista.channel.telegram");
                        return (bundle > 0 ? state.substring(0, bundle).strip() : state) + " (daemon PID " + daemon.pid() + ")";
                    }
                }
                return "daemon PID " + daemon.pid() + " runs without the Telegram channel";
            } catch (IOException e) {
                return "daemon PID " + daemon.pid() + ", status unavailable: " + e.getMessage();
            }
        }

        private static int count(String json, String key) {
            Matcher matcher = Pattern.compile("\"" + key + "\"").matcher(json);
            int count = 0;
            while (matcher.find()) {
                count++;
            }
            return count;
        }

        static String masked(String token) {
            int colon = token.indexOf(':');
            String id = colon > 0 ? token.substring(0, colon) : "";
            return (id.isEmpty() ? "" : "bot id " + id + ", ") + "secret part hidden";
        }
    }
}
