package org.openpista.channel.telegram.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code telegram setup --token T}: checks the token with Telegram, then writes {@code [channels.telegram]}. */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Checks a bot token with Telegram (getMe) and saves it, enabled, in the [channels.telegram] "
                + "section of config.toml. Nothing is saved when Telegram refuses the token.",
            "",
            "Exit status: 0 saved, 1 Telegram refused the token or cannot be reached (nothing saved), 2 that is no token."})
final class TelegramSetup implements Callable<Integer> {

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
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String value = token.strip();
        if (!BotCheck.TOKEN.matcher(value).matches()) {
            err.println("openpista: that is not a bot token (expected digits, a colon and letters, as @BotFather gives it)");
            return TelegramCommand.USAGE;
        }
        TelegramSettings settings = telegram.settings();
        String api = settings.api();
        if (apiUrl != null && !apiUrl.isBlank()) {
            try {
                TelegramSettings.telegramUrl(apiUrl);
            } catch (IllegalArgumentException e) {
                err.println("openpista: --api-url: " + e.getMessage());
                return TelegramCommand.USAGE;
            }
            api = apiUrl.strip();
        }
        BotCheck check = BotCheck.getMe(api, value);
        if (!check.ok()) {
            err.println("openpista: " + check.problem() + "; nothing was saved");
            return TelegramCommand.FAILED;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("enabled", true);
        values.put("token", value);
        if (apiUrl != null) {
            values.put("api_url", apiUrl.strip());
        }
        if (allow != null) {
            values.put("allowed_users", List.copyOf(allow));
        }
        Path file = telegram.save(values, "the bot @" + check.username() + " is", err);
        if (file == null) {
            return TelegramCommand.FAILED;
        }
        out.println("Bot @" + check.username() + " verified; saved [channels.telegram] in " + file);
        out.println("Start it with: openpista telegram start (or openpista start with every channel)");
        List<Long> allowed = allow != null ? allow : settings.allowedUsers();
        if (allowed.isEmpty()) {
            out.println("No allowed_users yet: whoever writes to the bot gets a pairing code; approve yours with");
            out.println("  openpista shell -c \"openpista:pair approve CODE\"");
        } else {
            out.println("Allowed users: " + allowed.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        return TelegramCommand.OK;
    }
}
