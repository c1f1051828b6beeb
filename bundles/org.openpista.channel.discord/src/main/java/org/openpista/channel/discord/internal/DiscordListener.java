package org.openpista.channel.discord.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's events, passed on one at a time on the channel's event thread (never on the
 * WebSocket's, which must go on reading heartbeat ACKs): messages to the {@link MessageHandler},
 * slash commands to {@link SlashCommands}, button presses to {@link Approvals}. A new gateway session
 * (the first, or one that could not be resumed) does not replay what was written meanwhile, so then
 * every known conversation is read from its last handled message on ({@link MessageLedger}) and
 * caught up, in the background; a resumed session gets the missed events from Discord.
 */
final class DiscordListener implements GatewaySession.Events {

    private static final Logger LOG = LoggerFactory.getLogger(DiscordListener.class);
    private static final int PAGE = 100;

    /** The parts the listener hands events to. */
    record Parts(MessageHandler messages, SlashCommands commands, Approvals approvals, MessageLedger ledger) {}

    private final Parts parts;
    private final DiscordRest rest;
    private final Executor events;
    private final ExecutorService background;
    private final Consumer<GatewaySession.Ready> onReady;
    private final Consumer<Integer> onFatal;
    private volatile GatewaySession.Ready self;

    DiscordListener(Parts parts, DiscordRest rest, Executor events, ExecutorService background,
            Consumer<GatewaySession.Ready> onReady, Consumer<Integer> onFatal) {
        this.parts = parts;
        this.rest = rest;
        this.events = events;
        this.background = background;
        this.onReady = onReady;
        this.onFatal = onFatal;
    }

    @Override
    public void ready(GatewaySession.Ready ready, boolean recreated) {
        self = ready;
        if (recreated) {
            LOG.info("Discord gateway session could not be resumed; catching up with what was written meanwhile");
            catchUp();
            return;
        }
        onReady.accept(ready);
        run("registering the slash commands", () -> {
            try {
                rest.registerCommands(ready.applicationId(), SlashCommands.definitions());
            } catch (RuntimeException e) {
                LOG.warn("Discord refused the slash commands: {}", e.getMessage());
            }
        });
        catchUp();
    }

    @Override
    public void resumed() {
        LOG.info("Discord gateway session resumed");
    }

    @Override
    public void dispatch(String type, JsonNode data) {
        switch (type) {
            case "MESSAGE_CREATE" -> {
                DiscordMessage message = DiscordMessage.of(data, null);
                if (!message.complete()) {
                    LOG.warn("Discord sent a message without its id, channel or author; ignored");
                } else {
                    run("message " + message.id(), () -> onMessage(message));
                }
            }
            case "INTERACTION_CREATE" -> {
                DiscordInteraction interaction = DiscordInteraction.of(data);
                if (!interaction.answerable()) {
                    LOG.warn("Discord sent an interaction without its id, token, channel or user; ignored");
                } else if (interaction.type() == DiscordInteraction.COMMAND) {
                    run("/" + interaction.name(), () -> parts.commands().onCommand(interaction));
                } else if (interaction.type() == DiscordInteraction.COMPONENT && Approvals.isApproval(interaction.customId())) {
                    run("a button press", () -> parts.approvals().onPress(rest, interaction));
                }
            }
            default -> {
                // guilds, channels, presences: nothing the channel keeps
            }
        }
    }

    @Override
    public void fatal(int code, String reason) {
        onFatal.accept(code);
    }

    private void onMessage(DiscordMessage message) {
        GatewaySession.Ready bot = self;
        if (bot == null || !message.complete()) {
            // before READY (Discord sends it first) the bot does not know who it is
            return;
        }
        try {
            parts.messages().onMessage(message, bot.userId());
        } catch (RuntimeException e) {
            LOG.error("Discord message {} could not be handed to the agent; it is read again after a restart",
                    message.id(), e);
        }
    }

    private void run(String what, Runnable task) {
        try {
            events.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Discord event ({}) failed", what, e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // the channel stops
        }
    }

    private void catchUp() {
        try {
            background.execute(() -> {
                for (MessageLedger.Conversation conversation : parts.ledger().conversations()) {
                    try {
                        catchUp(conversation);
                    } catch (RuntimeException e) {
                        LOG.warn("Cannot catch up with Discord conversation {}: {}", conversation.key(), e.getMessage());
                    }
                }
            });
        } catch (RejectedExecutionException stopping) {
            // the channel stops
        }
    }

    private void catchUp(MessageLedger.Conversation conversation) {
        boolean direct = !conversation.userId().isEmpty();
        String channel = direct ? rest.openDm(conversation.userId()) : conversation.channelId();
        // discord:<guild>:<channel>: pages of history carry no guild_id
        String guild = direct ? null : conversation.key().split(":")[1];
        String after = conversation.lastMessageId();
        while (true) {
            List<JsonNode> page = rest.history(channel, after, PAGE);
            if (page.isEmpty()) {
                return;
            }
            // newest first: handled oldest first
            for (int i = page.size() - 1; i >= 0; i--) {
                DiscordMessage message = DiscordMessage.of(page.get(i), guild);
                onMessage(message);
                if (!message.id().isEmpty()) {
                    after = message.id();
                }
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }
}
