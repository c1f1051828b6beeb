package org.openpista.channel.discord.internal;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.session.ReadyEvent;
import net.dv8tion.jda.api.events.session.SessionRecreateEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JDA's events, passed on: messages to the {@link MessageHandler}, slash commands to {@link
 * SlashCommands}, button presses to {@link Approvals}. A new gateway session (the first, or one that
 * could not be resumed) does not replay what was written meanwhile, so then every known
 * conversation is read from its last handled message on ({@link MessageLedger}) and caught up, in
 * the background; a resumed session gets the missed events from Discord.
 */
final class DiscordListener extends ListenerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(DiscordListener.class);
    private static final int PAGE = 100;

    private final MessageHandler messages;
    private final SlashCommands commands;
    private final Approvals approvals;
    private final MessageLedger ledger;
    private final ExecutorService background;
    private final Consumer<JDA> onReady;

    DiscordListener(MessageHandler messages, SlashCommands commands, Approvals approvals, MessageLedger ledger,
            ExecutorService background, Consumer<JDA> onReady) {
        this.messages = messages;
        this.commands = commands;
        this.approvals = approvals;
        this.ledger = ledger;
        this.background = background;
        this.onReady = onReady;
    }

    @Override
    public void onReady(ReadyEvent event) {
        onReady.accept(event.getJDA());
        event.getJDA().updateCommands().addCommands(SlashCommands.definitions()).queue(null,
                failure -> LOG.warn("Discord refused the slash commands: {}", failure.getMessage()));
        catchUp(event.getJDA());
    }

    @Override
    public void onSessionRecreate(SessionRecreateEvent event) {
        LOG.info("Discord gateway session could not be resumed; catching up with what was written meanwhile");
        catchUp(event.getJDA());
    }

    @Override
    public void onSessionResume(SessionResumeEvent event) {
        LOG.info("Discord gateway session resumed");
    }

    @Override
    public void onMessageReceived(MessageReceivedEvent event) {
        try {
            messages.onMessage(event.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Discord message {} could not be handed to the agent; it is read again after a restart",
                    event.getMessageId(), e);
        }
    }

    @Override
    public void onSlashCommandInteraction(SlashCommandInteractionEvent event) {
        commands.onCommand(event);
    }

    @Override
    public void onButtonInteraction(ButtonInteractionEvent event) {
        if (Approvals.isApproval(event.getComponentId())) {
            approvals.onPress(event);
        }
    }

    private void catchUp(JDA jda) {
        try {
            background.execute(() -> {
                for (MessageLedger.Conversation conversation : ledger.conversations()) {
                    try {
                        catchUp(jda, conversation);
                    } catch (RuntimeException e) {
                        LOG.warn("Cannot catch up with Discord conversation {}: {}", conversation.key(), e.getMessage());
                    }
                }
            });
        } catch (RejectedExecutionException stopping) {
            // the channel stops
        }
    }

    private void catchUp(JDA jda, MessageLedger.Conversation conversation) {
        MessageChannel channel = conversation.userId().isEmpty() ? jda.getChannelById(MessageChannel.class, conversation.channelId())
                : jda.openPrivateChannelById(conversation.userId()).complete();
        if (channel == null) {
            return;
        }
        String after = conversation.lastMessageId();
        while (true) {
            List<Message> page = channel.getHistoryAfter(after, PAGE).complete().getRetrievedHistory();
            if (page.isEmpty()) {
                return;
            }
            // newest first: handled oldest first
            for (int i = page.size() - 1; i >= 0; i--) {
                messages.onMessage(page.get(i));
                after = page.get(i).getId();
            }
            if (page.size() < PAGE) {
                return;
            }
        }
    }
}
