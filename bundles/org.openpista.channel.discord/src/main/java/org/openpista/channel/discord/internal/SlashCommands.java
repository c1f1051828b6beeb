package org.openpista.channel.discord.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.CommandData;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.session.SessionRouter;
import org.openpista.channel.support.InFlight;
import org.openpista.channel.support.ModelCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bot's slash commands: {@code /ask prompt} (a message to the agent in this channel's
 * conversation; the question is shown as the command's answer, the agent's answer follows in the
 * channel), {@code /new} (a fresh session for this channel's conversation) and {@code /model [name]}
 * (shows or switches the model). Only {@code allowed_users}, in {@code allowed_guilds}, may use them;
 * anyone else gets an ephemeral refusal.
 */
final class SlashCommands {

    private static final Logger LOG = LoggerFactory.getLogger(SlashCommands.class);

    /** The services the commands need that may come and go. */
    record Services(AgentGateway gateway, Supplier<SessionRouter> router, Supplier<ModelSelector> models) {}

    private final Services services;
    private final DiscordSettings settings;
    private final Approvals approvals;
    private final InFlight inFlight;
    private final ScheduledExecutorService timer;

    SlashCommands(Services services, DiscordSettings settings, Approvals approvals, InFlight inFlight,
            ScheduledExecutorService timer) {
        this.services = services;
        this.settings = settings;
        this.approvals = approvals;
        this.inFlight = inFlight;
        this.timer = timer;
    }

    /** @return the commands registered with Discord */
    static List<CommandData> definitions() {
        return List.of(
                Commands.slash("ask", "Ask openpista").addOption(OptionType.STRING, "prompt", "What to ask", true),
                Commands.slash("new", "Start a fresh conversation in this channel"),
                Commands.slash("model", "Show the model, or switch it").addOption(OptionType.STRING, "name",
                        "NAME or PROVIDER/NAME", false));
    }

    void onCommand(SlashCommandInteractionEvent event) {
        String user = event.getUser().getId();
        MessageChannel channel = event.getMessageChannel();
        String guild = event.getGuild() == null ? null : event.getGuild().getId();
        if (!settings.allowsUser(user) || guild != null && !settings.allowsGuild(guild)) {
            LOG.info("Discord user {} ran /{} but may not use the bot here; refused", user, event.getName());
            event.reply("🔒 This is a private openpista bot. Ask its owner to add your Discord user id `" + user
                    + "` to `allowed_users` in `[channels.discord]`.").setEphemeral(true).queue();
            return;
        }
        String key = MessageHandler.conversation(channel, user);
        switch (event.getName()) {
            case "ask" -> ask(event, channel, key, user, guild);
            case "new" -> {
                SessionRouter router = services.router().get();
                if (router == null) {
                    event.reply("❌ Sessions cannot be switched right now: the agent core is not running.").queue();
                } else {
                    router.newSession(key);
                    event.reply("🆕 New conversation started.").queue();
                }
            }
            case "model" -> event.reply(model(option(event, "name"))).queue();
            default -> event.reply("Unknown command.").setEphemeral(true).queue();
        }
    }

    private void ask(SlashCommandInteractionEvent event, MessageChannel channel, String key, String user, String guild) {
        String prompt = option(event, "prompt");
        if (prompt.isEmpty()) {
            event.reply("Ask something: /ask prompt").setEphemeral(true).queue();
            return;
        }
        String quote = "> " + (prompt.length() > 1900 ? prompt.substring(0, 1900) + "…" : prompt).replace("\n", "\n> ");
        // the question shows first (Discord wants an answer to the command within 3 s), then it goes to the agent,
        // whose answer follows it in the channel; an interaction is never delivered again, so it goes either way
        event.reply(quote).queue(shown -> submit(event, channel, key, user, guild, prompt),
                failure -> submit(event, channel, key, user, guild, prompt));
    }

    private void submit(SlashCommandInteractionEvent event, MessageChannel channel, String key, String user, String guild,
            String prompt) {
        ChannelTurn turn = new ChannelTurn(channel, approvals, inFlight, timer, user);
        try {
            services.gateway().submit(new InboundMessage(MessageHandler.CHANNEL, key, null, user, prompt, List.of(),
                    Map.of("channel_id", channel.getId(), "interaction_id", event.getId(), "user_id", user,
                            "guild_id", guild == null ? "" : guild)), turn);
        } catch (RuntimeException e) {
            turn.abandon();
            LOG.error("Discord /ask could not be handed to the agent", e);
            event.getHook().sendMessage("❌ The question could not be handed over: " + e.getMessage()).setEphemeral(true)
                    .queue();
        }
    }

    private String model(String argument) {
        return ModelCommand.answer(services.models().get(), argument);
    }

    private static String option(SlashCommandInteractionEvent event, String name) {
        OptionMapping option = event.getOption(name);
        return option == null ? "" : option.getAsString().strip();
    }
}
