package org.openpista.channel.telegram.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.admin.DaemonLauncher;
import org.openpista.api.command.CliCommand;
import org.openpista.api.config.ConfigFileEditor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.channel.support.ChannelCommand;
import org.openpista.channel.support.ChannelReady;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code openpista telegram setup|start|status}: the Telegram bot on the command line. It runs in
 * the framework of a command, configured like the daemon (file and environment) but without the
 * channel: {@code start} turns the process into a daemon that runs the bot alone ({@link
 * DaemonLauncher}), {@code status} asks a running daemon through its admin socket ({@link
 * DaemonClient}).
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=telegram", scope = ServiceScope.PROTOTYPE,
        configurationPid = TelegramChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Command(name = "telegram", mixinStandardHelpOptions = true,
        description = {"The Telegram channel: a bot you talk to from the Telegram app, one conversation per chat.",
            "Create the bot with @BotFather, then: openpista telegram setup --token TOKEN"},
        subcommands = {TelegramSetup.class, TelegramCommand.Start.class, TelegramStatus.class})
public final class TelegramCommand extends ChannelCommand<TelegramSettings> implements CliCommand, Runnable {

    /** The table of config.toml the bot reads. */
    static final String SECTION = "channels.telegram";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Activate
    public TelegramCommand(BundleContext context, @Reference ConfigurationLoader loader, @Reference ConfigFileEditor editor,
            TelegramChannel.Config config) {
        super("telegram", SECTION, context, loader, editor, TelegramSettings.from(config));
    }

    /** {@code telegram start --token} loads the configuration again; the command goes on with it. */
    @Modified
    void modified(TelegramChannel.Config config) {
        settings(TelegramSettings.from(config));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code telegram start}: the daemon with only the Telegram channel, in the foreground. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Runs the openpista daemon with only the Telegram bot, in the foreground, until Ctrl-C, "
                    + "SIGTERM or 'openpista stop'. The bot runs even when [channels.telegram] enabled = false.",
                "In webhook mode (webhook_url set) the web chat's HTTP server runs too: it serves the webhook."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        TelegramCommand telegram;

        @Option(names = "--token", paramLabel = "T", description = "Use this bot token (not saved; default: "
                + "TELEGRAM_BOT_TOKEN, else the token in config.toml).")
        String token;

        @Override
        public Integer call() throws Exception {
            if (!telegram.fromCommandLine(System.err)) {
                return FAILED;
            }
            if (token != null) {
                String value = token.strip();
                if (!BotCheck.TOKEN.matcher(value).matches()) {
                    System.err.println("openpista: that is not a bot token (expected digits, a colon and letters)");
                    return USAGE;
                }
                if (telegram.useForThisRun(Map.of("token", value), TelegramChannel.class, ".token", value,
                        System.err) != OK) {
                    return USAGE;
                }
            } else if (telegram.settings().token().isEmpty()) {
                System.err.println("openpista: no bot token: run 'openpista telegram setup --token TOKEN', set "
                        + "TELEGRAM_BOT_TOKEN, or pass --token");
                return USAGE;
            }
            TelegramSettings settings = telegram.settings();
            // webhook mode: the web chat's HTTP server serves the webhook
            Set<String> channels = settings.webhookMode() ? Set.of(UpdateHandler.CHANNEL, "web") : Set.of(UpdateHandler.CHANNEL);
            return telegram.launcher().runDaemon(channels, new ChannelReady(telegram.context(), UpdateHandler.CHANNEL,
                    status -> listening(status, settings)));
        }

        /** @return the ready line for a status of a listening bot ({@code polling as @name …}), else null */
        static String listening(String status, TelegramSettings settings) {
            if (!status.startsWith("polling") && !status.startsWith("webhook")) {
                return null;
            }
            String bot = status.substring(status.indexOf(" as ") + " as ".length()).split(" ")[0];
            return "Telegram bot " + bot + " is listening" + (status.startsWith("webhook")
                    ? " through its webhook " + settings.webhookUrl() : "") + "; write to it in Telegram.";
        }
    }
}
