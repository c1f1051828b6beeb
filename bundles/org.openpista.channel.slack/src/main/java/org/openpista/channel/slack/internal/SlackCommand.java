package org.openpista.channel.slack.internal;

import java.util.LinkedHashMap;
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
 * {@code openpista slack setup|start|status}: the Slack app on the command line. It runs in the
 * framework of a command, configured like the daemon (file and environment) but without the
 * channel: {@code start} turns the process into a daemon that runs the app alone ({@link
 * DaemonLauncher}), {@code status} asks a running daemon through its admin socket ({@link
 * DaemonClient}).
 */
@Component(service = CliCommand.class, property = CliCommand.NAME + "=slack", scope = ServiceScope.PROTOTYPE,
        configurationPid = SlackChannel.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Command(name = "slack", mixinStandardHelpOptions = true,
        description = {"The Slack channel: a Slack app you talk to in direct messages and by mentioning it, one "
                + "conversation per thread.",
            "Create the app at api.slack.com/apps (Socket Mode on), then: openpista slack setup --bot-token xoxb-… "
                    + "--app-token xapp-… --allow U…"},
        subcommands = {SlackSetup.class, SlackCommand.Start.class, SlackStatus.class})
public final class SlackCommand extends ChannelCommand<SlackSettings> implements CliCommand, Runnable {

    /** The table of config.toml the app reads. */
    static final String SECTION = "channels.slack";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Activate
    public SlackCommand(BundleContext context, @Reference ConfigurationLoader loader, @Reference ConfigFileEditor editor,
            SlackChannel.Config config) {
        super("slack", SECTION, context, loader, editor, SlackSettings.from(config));
    }

    /** {@code slack start --bot-token} loads the configuration again; the command goes on with it. */
    @Modified
    void modified(SlackChannel.Config config) {
        settings(SlackSettings.from(config));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code slack start}: the daemon with only the Slack channel, in the foreground. */
    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Runs the openpista daemon with only the Slack app, in the foreground, until Ctrl-C, SIGTERM "
                    + "or 'openpista stop'. The app runs even when [channels.slack] enabled = false.",
                "With mode = \"http\" the web chat's HTTP server runs too: it serves the Events API endpoint."})
    static final class Start implements Callable<Integer> {

        @ParentCommand
        SlackCommand slack;

        @Option(names = "--bot-token", paramLabel = "T", description = "Use this bot token (not saved; default: "
                + "SLACK_BOT_TOKEN, else bot_token in config.toml).")
        String botToken;

        @Option(names = "--app-token", paramLabel = "T", description = "Use this app-level token (not saved; default: "
                + "SLACK_APP_TOKEN, else app_token in config.toml).")
        String appToken;

        @Override
        public Integer call() throws Exception {
            if (!slack.fromCommandLine(System.err)) {
                return FAILED;
            }
            if (botToken != null || appToken != null) {
                if (botToken != null && !SlackSetup.BOT_TOKEN.matcher(botToken.strip()).matches()
                        || appToken != null && !SlackSetup.APP_TOKEN.matcher(appToken.strip()).matches()) {
                    System.err.println("openpista: a bot token starts with xoxb-, an app-level token with xapp-");
                    return USAGE;
                }
                Map<String, String> tokens = new LinkedHashMap<>();
                if (botToken != null) {
                    tokens.put("bot_token", botToken.strip());
                }
                if (appToken != null) {
                    tokens.put("app_token", appToken.strip());
                }
                String awaited = botToken != null ? botToken.strip() : slack.settings().botToken();
                if (slack.useForThisRun(tokens, SlackChannel.class, ".bot.token", awaited, System.err) != OK) {
                    return USAGE;
                }
            }
            SlackSettings settings = slack.settings();
            if (!slack.canRun(settings.offReason(true), System.err)) {
                return USAGE;
            }
            Set<String> channels = settings.httpMode() ? Set.of(MessageHandler.CHANNEL, "web") : Set.of(MessageHandler.CHANNEL);
            return slack.launcher().runDaemon(channels, new ChannelReady(slack.context(), MessageHandler.CHANNEL,
                    status -> listening(status, settings)));
        }

        /** @return the ready line for a status of a connected app ({@code socket mode as @name since …}), else null */
        static String listening(String status, SlackSettings settings) {
            if (!status.startsWith("socket mode") && !status.startsWith("events API")) {
                return null;
            }
            String app = status.substring(status.indexOf(" as ") + " as ".length()).split(" since ")[0];
            return "Slack app " + app + " is listening" + (settings.httpMode() ? " through the Events API at "
                    + SlackWebhook.PATH + " of the web chat's server" : " over Socket Mode")
                    + "; write to it in Slack (a direct message, or mention it).";
        }
    }
}
