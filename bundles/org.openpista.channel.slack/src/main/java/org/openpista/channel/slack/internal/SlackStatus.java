package org.openpista.channel.slack.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import org.openpista.api.admin.DaemonClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code slack status}: the configuration and the running app. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the Slack configuration and the running app's state.",
            "--check also asks Slack (auth.test) whether the bot token is valid."})
final class SlackStatus implements Callable<Integer> {

    @ParentCommand
    SlackCommand slack;

    @Option(names = "--check", description = "Ask Slack (auth.test) whether the bot token works.")
    boolean check;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        SlackSettings settings = slack.settings();
        out.println("config:   " + slack.loader.configFile());
        out.println("enabled:  " + settings.enabled());
        out.println("mode:     " + (settings.httpMode() ? "http (Events API at " + SlackWebhook.PATH
                + " of the web chat's server)" : "socket (Socket Mode)"));
        out.println("bot:      " + secret(settings.botToken(), "bot_token", "--bot-token xoxb-…"));
        out.println("app:      " + secret(settings.appToken(), "app_token", "--app-token xapp-…"));
        out.println("signing:  " + (settings.signingSecret().isEmpty() ? "not set"
                : "set (" + slack.source("signing_secret") + ")"));
        out.println("api:      " + settings.apiUrl());
        out.println("allowed:  " + (settings.allowedUsers().isEmpty() ? "nobody yet (setup --allow U…)"
                : String.join(", ", settings.allowedUsers())));
        out.println("channels: " + (settings.allowedChannels().isEmpty() ? "every channel the app is in"
                : String.join(", ", settings.allowedChannels())));
        if (check && !settings.botToken().isEmpty()) {
            try (SlackApi client = new SlackApi(settings.apiUrl(), settings.botToken(), Duration.ofMillis(500))) {
                SlackApi.Identity identity = client.authTest();
                out.println("check:    bot token valid, @" + identity.botName() + " in " + identity.team());
            } catch (SlackException e) {
                out.println("check:    " + (e.refused() ? "Slack refused the bot token: " + e.error() : e.getMessage()));
            }
        }
        out.println("running:  " + running(slack.daemon));
        return SlackCommand.OK;
    }

    private String secret(String value, String key, String hint) {
        return value.isEmpty() ? "not set (openpista slack setup " + hint + ")"
                : "set (" + slack.source(key) + ", " + SlackSettings.masked(value) + ")";
    }

    /** @return the app's state in the running daemon, from its channel list */
    static String running(DaemonClient daemon) {
        OptionalLong pid = daemon == null ? OptionalLong.empty() : daemon.running();
        if (pid.isEmpty()) {
            return "no daemon (openpista slack start, or openpista start)";
        }
        try {
            for (String line : daemon.execute("openpista:channels").split("\n")) {
                String trimmed = line.strip();
                if (trimmed.startsWith(MessageHandler.CHANNEL + " ")) {
                    String state = trimmed.substring(MessageHandler.CHANNEL.length()).strip();
                    int bundle = state.lastIndexOf("org.openpista.channel.slack");
                    return (bundle > 0 ? state.substring(0, bundle).strip() : state) + " (daemon PID " + pid.getAsLong() + ")";
                }
            }
            return "daemon PID " + pid.getAsLong() + " runs without the Slack channel";
        } catch (IOException e) {
            return "daemon PID " + pid.getAsLong() + ", status unavailable: " + e.getMessage();
        }
    }
}
