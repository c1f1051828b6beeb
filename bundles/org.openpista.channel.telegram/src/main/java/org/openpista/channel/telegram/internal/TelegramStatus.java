package org.openpista.channel.telegram.internal;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.openpista.channel.support.ChannelStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code telegram status}: the configuration, the users paired with the bot, and the running bot. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Shows the Telegram configuration, the users paired with the bot, and the running bot's state.",
            "--check also asks Telegram whether the token is valid."})
final class TelegramStatus implements Callable<Integer> {

    @ParentCommand
    TelegramCommand telegram;

    @Option(names = "--check", description = "Ask Telegram (getMe) whether the token works.")
    boolean check;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        TelegramSettings settings = telegram.settings();
        out.println("config:  " + telegram.loader().configFile());
        out.println("enabled: " + settings.enabled());
        out.println("token:   " + (settings.token().isEmpty() ? "not set (openpista telegram setup --token TOKEN)"
                : "set (" + telegram.source("token") + ", " + BotCheck.masked(settings.token()) + ")"));
        out.println("api:     " + settings.api());
        out.println("updates: " + (settings.webhookMode() ? "webhook " + settings.webhookUrl()
                + " (served at " + TelegramWebhook.PATH + " of the web chat's server)" : "long polling"));
        out.println("allowed: " + (settings.allowedUsers().isEmpty() ? "nobody yet (pairing only)"
                : settings.allowedUsers().stream().map(String::valueOf).collect(Collectors.joining(", "))));
        out.println("paired:  " + paired(TelegramChannel.stateDir(telegram.context()).resolve("pairing.json")));
        if (check && !settings.token().isEmpty()) {
            BotCheck bot = BotCheck.getMe(settings.api(), settings.token());
            out.println("check:   " + (bot.ok() ? "token valid, bot @" + bot.username() : bot.problem()));
        }
        out.println("running: " + ChannelStatus.inDaemon(telegram.daemon(), UpdateHandler.CHANNEL, "Telegram"));
        return TelegramCommand.OK;
    }

    /** @return who is paired and how many codes wait, as the pairing file says (read only: the daemon owns it) */
    static String paired(Path file) {
        if (!Files.exists(file)) {
            return "nobody";
        }
        try {
            Pairings pairings = new Pairings(file, Clock.systemUTC());
            return pairings.approved().size() + " user(s), " + pairings.waiting()
                    + " code(s) waiting (openpista shell -c \"openpista:pair\")";
        } catch (IllegalStateException e) {
            return e.getMessage();
        }
    }
}
