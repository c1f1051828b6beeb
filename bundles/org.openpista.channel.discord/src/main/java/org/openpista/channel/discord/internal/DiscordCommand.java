package org.openpista.channel.discord.internal;

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
 * {@code openpista discord setup|start|status}: the Discord bot on the command line. It runs in the
 * framework of a command, configured like the daemon (file and environment) but without the
 * channel: {@code start} turns the process into a daemon that runs the bot alone ({@link
 * DaemonLauncher}), {@code status} asks a running daemon through its admin socket ({@link
 * DaemonClient}).
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=discord", scope = ServiceScope.PROTOTYPE,
        configurationPid = DiscordChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Command(name = "discord", mixinStandardHelpOptions = true,
        description = {"The Discord channel: a bot you talk to in direct messages, by mentioning it or with /ask, one "
                + "conversation per channel or thread.",
            "Create the bot in the Developer Portal (Message Content intent on), then: openpista discord setup --token T "
                    + "--allow USER_ID"},
        subcommands = {DiscordSetup.class, DiscordCommand.Start.class, DiscordStatus.class})
public final class DiscordCommand extends ChannelCommand<DiscordSettings> implements CliCommand, Runnable {

    /** The table of config.toml the bot reads. */
    static final String SECTION = "channels.discord";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Activate
    public DiscordCommand(BundleContext context, @Reference ConfigurationLoader loader, @Reference ConfigFileEditor editor,
            DiscordChannel.Config config) {
        super("discord", SECTION, context, loader, editor, DiscordSettings.from(config));
    }

    /** {@code discord start --token} loads the configuration again; the command goes on with it. */
    @Modified
    void modified(DiscordChannel.Config config) {
        settings(DiscordSettings.from(config));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code discord start}: the daemon with only the Discord channel, in the foreground. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Runs the openpista daemon with only the Discord bot, in the foreground, until Ctrl-C, SIGTERM "
                    + "or 'openpista stop'. The bot runs even when [channels.discord] enabled = false."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        DiscordCommand discord;

        @Option(names = "--token", paramLabel = "T", description = "Use this bot token (not saved; default: "
                + "DISCORD_BOT_TOKEN, else the token in config.toml).")
        String token;

        @Override
        public Integer call() throws Exception {
            if (!discord.fromCommandLine(System.err)) {
                return FAILED;
            }
            if (token != null) {
                String value = token.strip();
                if (!TokenCheck.TOKEN.matcher(value).matches()) {
                    System.err.println("openpista: that is not a Discord bot token (three dot-separated parts)");
                    return USAGE;
                }
                if (discord.useForThisRun(Map.of("token", value), DiscordChannel.class, ".token", value,
                        System.err) != OK) {
                    return USAGE;
                }
            }
            if (!discord.canRun(discord.settings().offReason(true), System.err)) {
                return USAGE;
            }
            return discord.launcher().runDaemon(Set.of(MessageHandler.CHANNEL),
                    new ChannelReady(discord.context(), MessageHandler.CHANNEL, Start::listening));
        }

        /** @return the ready line for a status of a bot on the gateway ({@code gateway as @name since …}), else null */
        static String listening(String status) {
            if (!status.startsWith("gateway as")) {
                return null;
            }
            String bot = status.substring("gateway as ".length()).split(" since ")[0];
            return "Discord bot " + bot + " is listening; write to it in Discord (a direct message, a mention or /ask).";
        }
    }
}
