package org.openpista.onboard.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openpista.api.config.ConfigFileEditor;

/**
 * The channel step of onboarding: which messengers the daemon serves. Each is set up by its own
 * bundle's command ({@code openpista web setup --enable} generates the token and prints the URL,
 * {@code openpista telegram setup --token T} checks the token with {@code getMe} against {@code
 * api_url} before saving it, {@code slack setup} and {@code discord setup} check theirs with Slack
 * and Discord); WhatsApp is switched on here and its QR pairing explained, since pairing is a phone
 * in hand, not a question.
 */
final class Channels {

    /** {@code [channels.whatsapp]}. */
    static final String WHATSAPP = "channels.whatsapp";

    /**
     * What to set up.
     *
     * @param web {@code true} serve the web chat, {@code false} leave it off, {@code null} unchanged
     * @param telegramToken a bot token to check and save, or {@code null}
     * @param telegramApiUrl the Bot API root to check it against and save, or {@code null} for {@code api_url} as configured
     * @param whatsapp whether to switch WhatsApp on
     * @param slack the Slack app's tokens to check and save, or {@code null}
     * @param discordToken a Discord bot token to check and save, or {@code null}
     */
    record Choices(Boolean web, String telegramToken, String telegramApiUrl, boolean whatsapp, SlackTokens slack,
            String discordToken) {

        Choices(Boolean web, String telegramToken, String telegramApiUrl, boolean whatsapp) {
            this(web, telegramToken, telegramApiUrl, whatsapp, null, null);
        }
    }

    /**
     * A Slack app's tokens.
     *
     * @param bot the bot user OAuth token ({@code xoxb-})
     * @param app the app-level token for Socket Mode ({@code xapp-}), or {@code null}
     */
    record SlackTokens(String bot, String app) {}

    private final OtherCommands commands;
    private final ConfigFileEditor editor;
    private final PrintStream out;

    Channels(OtherCommands commands, ConfigFileEditor editor, PrintStream out) {
        this.commands = commands;
        this.editor = editor;
        this.out = out;
    }

    /** Asks which channels to set up; only those whose bundles are installed are offered. */
    Choices ask(Dialog dialog, Choices given) throws IOException {
        Boolean web = given.web();
        if (web == null && commands.has("web")) {
            web = dialog.confirm("Serve the web chat (a browser UI on this machine, protected by a token)?", true);
        }
        String token = given.telegramToken();
        if (token == null && commands.has("telegram")
                && dialog.confirm("Connect a Telegram bot (its token comes from @BotFather)?", false)) {
            token = dialog.secret("Bot token (not shown): ");
            token = token.isEmpty() ? null : token;
        }
        boolean whatsapp = given.whatsapp() || commands.has("whatsapp")
                && dialog.confirm("Use WhatsApp (your own account, linked by scanning a QR code)?", false);
        SlackTokens slack = given.slack();
        if (slack == null && commands.has("slack") && dialog.confirm("Connect a Slack app (Socket Mode: its bot token and "
                + "an app-level token with connections:write)?", false)) {
            slack = askSlack(dialog);
        }
        String discord = given.discordToken();
        if (discord == null && commands.has("discord")
                && dialog.confirm("Connect a Discord bot (Developer Portal, Message Content intent on)?", false)) {
            discord = emptyAsNull(dialog.secret("Discord bot token (not shown): "));
        }
        return new Choices(web, token, given.telegramApiUrl(), whatsapp, slack, discord);
    }

    private static SlackTokens askSlack(Dialog dialog) throws IOException {
        String bot = emptyAsNull(dialog.secret("Slack bot token, xoxb-… (not shown): "));
        return bot == null ? null : new SlackTokens(bot, emptyAsNull(dialog.secret("Slack app-level token, xapp-… (not shown): ")));
    }

    private static String emptyAsNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    /**
     * Sets the channels up, after the agent's settings are saved.
     *
     * @param dialog asks for another Telegram token when one is refused; {@code null} for scripts
     * @return the channels that could not be set up, empty when all were
     */
    List<String> apply(Choices choices, Dialog dialog) throws IOException {
        List<String> failed = new ArrayList<>();
        if (Boolean.TRUE.equals(choices.web())) {
            if (commands.run("web", "setup", "--enable") != 0) {
                failed.add("web");
            }
        } else if (Boolean.FALSE.equals(choices.web()) && commands.has("web")) {
            editor.set("channels.web", Map.of("enabled", false));
            out.println("The web chat stays off ([channels.web] enabled = false).");
        }
        String token = choices.telegramToken();
        while (token != null) {
            List<String> args = new ArrayList<>(List.of("setup", "--token", token));
            if (choices.telegramApiUrl() != null) {
                args.addAll(List.of("--api-url", choices.telegramApiUrl()));
            }
            if (commands.run("telegram", args.toArray(String[]::new)) == 0) {
                break;
            }
            token = dialog == null || !dialog.confirm("Try another token?", true) ? null : dialog.secret("Bot token (not shown): ");
            if (token == null || token.isEmpty()) {
                failed.add("telegram");
                token = null;
            }
        }
        SlackTokens slack = choices.slack();
        while (slack != null) {
            List<String> args = new ArrayList<>(List.of("setup", "--bot-token", slack.bot()));
            if (slack.app() != null) {
                args.addAll(List.of("--app-token", slack.app()));
            }
            if (commands.run("slack", args.toArray(String[]::new)) == 0) {
                break;
            }
            slack = dialog == null || !dialog.confirm("Try other Slack tokens?", true) ? null : askSlack(dialog);
            if (slack == null) {
                failed.add("slack");
            }
        }
        String discord = choices.discordToken();
        while (discord != null) {
            if (commands.run("discord", "setup", "--token", discord) == 0) {
                break;
            }
            discord = dialog == null || !dialog.confirm("Try another Discord token?", true) ? null
                    : emptyAsNull(dialog.secret("Discord bot token (not shown): "));
            if (discord == null) {
                failed.add("discord");
            }
        }
        if (choices.whatsapp()) {
            editor.set(WHATSAPP, Map.of("enabled", true));
            out.println("WhatsApp is on ([channels.whatsapp] enabled = true). To link your account, run: openpista whatsapp");
            out.println("  It starts the bundled bridge (Node.js) and shows a QR code: on the phone open WhatsApp >");
            out.println("  Settings > Linked devices > Link a device and scan it. The session is kept, so this is needed once.");
        }
        return failed;
    }
}
