package org.openpista.channel.slack.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.openpista.channel.support.ChannelStatus;
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
        out.println("config:   " + slack.loader().configFile());
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                out.println("check:    interrupted");
            }
        }
        out.println("running:  " + ChannelStatus.inDaemon(slack.daemon(), MessageHandler.CHANNEL, "Slack"));
        return SlackCommand.OK;
    }

    private String secret(String value, String key, String hint) {
        return value.isEmpty() ? "not set (openpista slack setup " + hint + ")"
                : "set (" + slack.source(key) + ", " + SlackSettings.masked(value) + ")";
    }
}
