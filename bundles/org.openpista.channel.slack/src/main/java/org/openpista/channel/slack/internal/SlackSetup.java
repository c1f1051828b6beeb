package org.openpista.channel.slack.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code slack setup}: checks the tokens with Slack, then writes {@code [channels.slack]}. */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Checks the app's tokens with Slack (auth.test for the bot token, apps.connections.open for the "
                + "app-level token) and saves them, enabled, in the [channels.slack] section of config.toml. Nothing is "
                + "saved when Slack refuses a token.",
            "",
            "Exit status: 0 saved, 1 Slack refused a token or cannot be reached (nothing saved), 2 wrong options."})
final class SlackSetup implements Callable<Integer> {

    /** What a bot token looks like. */
    static final Pattern BOT_TOKEN = Pattern.compile("xoxb-[A-Za-z0-9-]{8,250}");
    /** What an app-level token looks like. */
    static final Pattern APP_TOKEN = Pattern.compile("xapp-[A-Za-z0-9-]{8,250}");

    @ParentCommand
    SlackCommand slack;

    @Option(names = "--bot-token", required = true, paramLabel = "xoxb-…", description = "The bot user OAuth token.")
    String botToken;

    @Option(names = "--app-token", paramLabel = "xapp-…", description = "The app-level token (Socket Mode).")
    String appToken;

    @Option(names = "--signing-secret", paramLabel = "S", description = "The app's signing secret (Events API, mode http).")
    String signingSecret;

    @Option(names = "--mode", paramLabel = "socket|http", description = "How Slack delivers events (default: socket).")
    String mode;

    @Option(names = "--api-url", paramLabel = "URL",
            description = "The Web API root to use and save (default: api_url from config.toml, else Slack's own).")
    String apiUrl;

    @Option(names = "--allow", paramLabel = "USER_ID", split = ",", description = "Slack user ids that may talk to the "
            + "app (replaces allowed_users).")
    List<String> allow;

    @Option(names = "--channels", paramLabel = "CHANNEL_ID", split = ",", description = "Channel ids where mentions are "
            + "answered (replaces allowed_channels).")
    List<String> channels;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String bot = botToken.strip();
        String app = appToken == null ? "" : appToken.strip();
        String chosenMode = mode == null ? slack.settings().mode() : mode.strip();
        if (!BOT_TOKEN.matcher(bot).matches()) {
            err.println("openpista: --bot-token: that is not a bot token (it starts with xoxb-)");
            return SlackCommand.USAGE;
        }
        if (!app.isEmpty() && !APP_TOKEN.matcher(app).matches()) {
            err.println("openpista: --app-token: that is not an app-level token (it starts with xapp-)");
            return SlackCommand.USAGE;
        }
        if (!chosenMode.equals(SlackSettings.SOCKET) && !chosenMode.equals(SlackSettings.HTTP)) {
            err.println("openpista: --mode is socket or http");
            return SlackCommand.USAGE;
        }
        if (chosenMode.equals(SlackSettings.SOCKET) && app.isEmpty() && slack.settings().appToken().isEmpty()) {
            err.println("openpista: Socket Mode needs --app-token xapp-… (or --mode http with --signing-secret)");
            return SlackCommand.USAGE;
        }
        if (chosenMode.equals(SlackSettings.HTTP) && (signingSecret == null || signingSecret.isBlank())
                && slack.settings().signingSecret().isEmpty()) {
            err.println("openpista: the Events API (--mode http) needs --signing-secret");
            return SlackCommand.USAGE;
        }
        String api = slack.settings().apiUrl();
        if (apiUrl != null && !apiUrl.isBlank()) {
            try {
                api = SlackSettings.apiRoot(apiUrl);
            } catch (IllegalArgumentException e) {
                err.println("openpista: --api-url: " + e.getMessage());
                return SlackCommand.USAGE;
            }
        }
        SlackApi.Identity identity;
        try (SlackApi client = new SlackApi(api, bot, Duration.ofMillis(500))) {
            try {
                identity = client.authTest();
            } catch (SlackException e) {
                err.println("openpista: " + (e.refused() ? "Slack refused the bot token: " + e.error()
                        : "cannot check the bot token: " + e.getMessage()) + "; nothing was saved");
                return SlackCommand.FAILED;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                err.println("openpista: interrupted; nothing was saved");
                return SlackCommand.FAILED;
            }
            if (!app.isEmpty()) {
                try {
                    // apps.connections.open is the call such a token exists for
                    client.openSocketUrl(app);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    err.println("openpista: interrupted; nothing was saved");
                    return SlackCommand.FAILED;
                } catch (SlackException e) {
                    err.println("openpista: " + (e.refused() ? "Slack refused the app-level token: " + e.error()
                            : "cannot check the app-level token: " + e.getMessage()) + "; nothing was saved");
                    return SlackCommand.FAILED;
                }
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("enabled", true);
        values.put("mode", chosenMode);
        values.put("bot_token", bot);
        if (!app.isEmpty()) {
            values.put("app_token", app);
        }
        if (signingSecret != null && !signingSecret.isBlank()) {
            values.put("signing_secret", signingSecret.strip());
        }
        if (apiUrl != null) {
            values.put("api_url", apiUrl.strip());
        }
        if (allow != null) {
            values.put("allowed_users", allow.stream().map(String::strip).toList());
        }
        if (channels != null) {
            values.put("allowed_channels", channels.stream().map(String::strip).toList());
        }
        Path file = slack.save(values, "the tokens are", err);
        if (file == null) {
            return SlackCommand.FAILED;
        }
        out.println("Slack app @" + identity.botName() + " in " + identity.team() + " verified; saved [channels.slack] in "
                + file);
        out.println("Start it with: openpista slack start (or openpista start with every channel)");
        List<String> allowed = allow != null ? allow : slack.settings().allowedUsers();
        out.println(allowed.isEmpty() ? "No allowed_users yet: nobody may talk to the app. Add your Slack user id with "
                + "--allow U… (a stranger who writes is told their id)." : "Allowed users: " + String.join(", ", allowed));
        return SlackCommand.OK;
    }
}
