package org.openpista.channel.discord.internal;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.openpista.channel.support.ChannelStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code discord status}: the configuration and the running bot. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the Discord configuration and the running bot's state.",
            "--check also asks Discord (GET /users/@me) whether the token is valid."})
final class DiscordStatus implements Callable<Integer> {

    @ParentCommand
    DiscordCommand discord;

    @Option(names = "--check", description = "Ask Discord (GET /users/@me) whether the token works.")
    boolean check;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        DiscordSettings settings = discord.settings();
        out.println("config:  " + discord.loader().configFile());
        out.println("enabled: " + settings.enabled());
        out.println("token:   " + (settings.token().isEmpty() ? "not set (openpista discord setup --token T)"
                : "set (" + discord.source("token") + ", " + DiscordSettings.masked(settings.token()) + ")"));
        out.println("api:     " + settings.apiUrl());
        out.println("gateway: " + settings.gatewayUrl());
        out.println("allowed: " + (settings.allowedUsers().isEmpty() ? "nobody yet (setup --allow USER_ID)"
                : String.join(", ", settings.allowedUsers())));
        out.println("servers: " + (settings.allowedGuilds().isEmpty() ? "every server the bot is in"
                : String.join(", ", settings.allowedGuilds())));
        if (check && !settings.token().isEmpty()) {
            TokenCheck bot = TokenCheck.usersMe(settings.apiUrl(), settings.token());
            out.println("check:   " + (bot.ok() ? "token valid, bot @" + bot.username() : bot.problem()));
        }
        out.println("running: " + ChannelStatus.inDaemon(discord.daemon(), MessageHandler.CHANNEL, "Discord"));
        return DiscordCommand.OK;
    }
}
