package org.openpista.channel.discord.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
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
    private final DiscordRest rest;
    private final DiscordSettings settings;
    private final Approvals approvals;
    private final InFlight inFlight;
    private final ScheduledExecutorService timer;

    SlashCommands(Services services, DiscordRest rest, DiscordSettings settings, Approvals approvals, InFlight inFlight,
            ScheduledExecutorService timer) {
        this.services = services;
        this.rest = rest;
        this.settings = settings;
        this.approvals = approvals;
        this.inFlight = inFlight;
        this.timer = timer;
    }

    /** @return the commands registered with Discord (application commands of type 1, string options) */
    static ArrayNode definitions() {
        ArrayNode commands = DiscordRest.NODES.arrayNode();
        command(commands, "ask", "Ask openpista").add(option("prompt", "What to ask", true));
        command(commands, "new", "Start a fresh conversation in this channel");
        command(commands, "model", "Show the model, or switch it").add(option("name", "NAME or PROVIDER/NAME", false));
        return commands;
    }

    void onCommand(DiscordInteraction event) {
        String user = event.userId();
        String channel = event.channelId();
        String guild = event.guildId();
        if (!settings.allowsUser(user) || guild != null && !settings.allowsGuild(guild)) {
            LOG.info("Discord user {} ran /{} but may not use the bot here; refused", user, event.name());
            Approvals.ephemeral(rest, event, "🔒 This is a private openpista bot. Ask its owner to add your Discord user id `"
                    + user + "` to `allowed_users` in `[channels.discord]`.");
            return;
        }
        String key = MessageHandler.conversation(guild, channel, user);
        switch (event.name()) {
            case "ask" -> ask(event, channel, key, user, guild);
            case "new" -> {
                SessionRouter router = services.router().get();
                if (router == null) {
                    reply(event, "❌ Sessions cannot be switched right now: the agent core is not running.");
                } else {
                    router.newSession(key);
                    reply(event, "🆕 New conversation started.");
                }
            }
            case "model" -> reply(event, model(event.option("name")));
            default -> Approvals.ephemeral(rest, event, "Unknown command.");
        }
    }

    private void ask(DiscordInteraction event, String channel, String key, String user, String guild) {
        String prompt = event.option("prompt");
        if (prompt.isEmpty()) {
            Approvals.ephemeral(rest, event, "Ask something: /ask prompt");
            return;
        }
        String quote = "> " + (prompt.length() > 1900 ? prompt.substring(0, 1900) + "…" : prompt).replace("\n", "\n> ");
        // the question shows first (Discord wants an answer to the command within 3 s), then it goes to the agent,
        // whose answer follows it in the channel; an interaction is never delivered again, so it goes either way
        reply(event, quote);
        submit(event, channel, key, user, guild, prompt);
    }

    private void submit(DiscordInteraction event, String channel, String key, String user, String guild,
            String prompt) {
        ChannelTurn turn = new ChannelTurn(rest, channel, approvals, inFlight, timer, user);
        try {
            services.gateway().submit(new InboundMessage(MessageHandler.CHANNEL, key, null, user, prompt, List.of(),
                    Map.of("channel_id", channel, "interaction_id", event.id(), "user_id", user,
                            "guild_id", guild == null ? "" : guild)), turn);
        } catch (RuntimeException e) {
            turn.abandon();
            LOG.error("Discord /ask could not be handed to the agent", e);
            try {
                rest.followUp(event, DiscordRest.NODES.objectNode().put("content", "❌ The question could not be handed over: "
                        + e.getMessage()).put("flags", 64));
            } catch (RuntimeException failure) {
                LOG.warn("Could not tell Discord that /ask failed: {}", failure.getMessage());
            }
        }
    }

    private String model(String argument) {
        return ModelCommand.answer(services.models().get(), argument);
    }

    /** Answers the command with a message in its channel (interaction response type 4). */
    private void reply(DiscordInteraction event, String text) {
        try {
            rest.respond(event, 4, DiscordRest.NODES.objectNode().put("content", text));
        } catch (RuntimeException e) {
            LOG.warn("Could not answer Discord /{}: {}", event.name(), e.getMessage());
        }
    }

    private static ArrayNode command(ArrayNode commands, String name, String description) {
        return commands.addObject().put("name", name).put("type", 1).put("description", description).putArray("options");
    }

    private static ObjectNode option(String name, String description, boolean required) {
        return DiscordRest.NODES.objectNode().put("type", 3).put("name", name).put("description", description)
                .put("required", required);
    }
}
