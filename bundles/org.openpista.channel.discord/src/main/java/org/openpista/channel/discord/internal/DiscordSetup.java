package org.openpista.channel.discord.internal;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code discord setup --token T}: checks the token with Discord, then writes {@code [channels.discord]}. */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = {"Checks a bot token with Discord (GET /users/@me) and saves it, enabled, in the [channels.discord] "
                + "section of config.toml. Nothing is saved when Discord refuses the token.",
            "",
            "Exit status: 0 saved, 1 Discord refused the token or cannot be reached (nothing saved), 2 that is no token."})
final class DiscordSetup implements Callable<Integer> {

    @ParentCommand
    DiscordCommand discord;

    @Option(names = "--token", required = true, paramLabel = "T", description = "The bot token (Developer Portal, Bot).")
    String token;

    @Option(names = "--api-url", paramLabel = "URL",
            description = "The REST root to use and save (default: api_url from config.toml, else Discord's own).")
    String apiUrl;

    @Option(names = "--gateway-url", paramLabel = "URL", description = "The gateway URL to save (default: Discord's own).")
    String gatewayUrl;

    @Option(names = "--allow", paramLabel = "USER_ID", split = ",",
            description = "Discord user ids that may talk to the bot (replaces allowed_users).")
    List<String> allow;

    @Option(names = "--guilds", paramLabel = "GUILD_ID", split = ",",
            description = "Server ids where the bot answers (replaces allowed_guilds).")
    List<String> guilds;

    @Override
    public Integer call() throws InterruptedException {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String value = token.strip();
        if (!TokenCheck.TOKEN.matcher(value).matches()) {
            err.println("openpista: that is not a Discord bot token (three dot-separated parts, as the Developer Portal "
                    + "shows it)");
            return DiscordCommand.USAGE;
        }
        String api = discord.settings().apiUrl();
        try {
            if (apiUrl != null && !apiUrl.isBlank()) {
                api = DiscordSettings.root(apiUrl, "--api-url", "http", "https");
            }
            if (gatewayUrl != null && !gatewayUrl.isBlank()) {
                DiscordSettings.root(gatewayUrl, "--gateway-url", "ws", "wss");
            }
        } catch (IllegalArgumentException e) {
            err.println("openpista: " + e.getMessage());
            return DiscordCommand.USAGE;
        }
        TokenCheck check = TokenCheck.usersMe(api, value);
        if (!check.ok()) {
            err.println("openpista: " + check.problem() + "; nothing was saved");
            return DiscordCommand.FAILED;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("enabled", true);
        values.put("token", value);
        if (apiUrl != null) {
            values.put("api_url", apiUrl.strip());
        }
        if (gatewayUrl != null) {
            values.put("gateway_url", gatewayUrl.strip());
        }
        if (allow != null) {
            values.put("allowed_users", allow.stream().map(String::strip).toList());
        }
        if (guilds != null) {
            values.put("allowed_guilds", guilds.stream().map(String::strip).toList());
        }
        Path file = discord.save(values, "the bot @" + check.username() + " is", err);
        if (file == null) {
            return DiscordCommand.FAILED;
        }
        out.println("Discord bot @" + check.username() + " (id " + check.id() + ") verified; saved [channels.discord] in " + file);
        out.println("Start it with: openpista discord start (or openpista start with every channel)");
        List<String> allowed = allow != null ? allow : discord.settings().allowedUsers();
        out.println(allowed.isEmpty() ? "No allowed_users yet: nobody may talk to the bot. Add your Discord user id with "
                + "--allow ID (a stranger who writes is told their id)." : "Allowed users: " + String.join(", ", allowed));
        return DiscordCommand.OK;
    }
}
