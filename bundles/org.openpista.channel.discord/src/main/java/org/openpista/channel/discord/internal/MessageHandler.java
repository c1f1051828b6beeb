package org.openpista.channel.discord.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.entities.channel.ChannelType;
import net.dv8tion.jda.api.entities.channel.middleman.MessageChannel;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.InboundMessage;
import org.openpista.channel.support.InFlight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the bot does with a message: direct messages and messages that mention the bot, from users
 * in {@code allowed_users} (in servers of {@code allowed_guilds}), go to the agent as a message of
 * the conversation of their channel or thread ({@code discord:dm:<user>}, {@code
 * discord:<guild>:<channel>}); the answer goes to that channel. Strangers get one notice a minute
 * with their user id, and nothing reaches the model. Messages are handled one at a time; one whose
 * id is in the {@link MessageLedger} was handled before (it arrived live and again while catching
 * up) and is skipped.
 */
final class MessageHandler {

    /** The channel id. */
    static final String CHANNEL = "discord";

    private static final Logger LOG = LoggerFactory.getLogger(MessageHandler.class);
    private static final Duration NOTICE_EVERY = Duration.ofMinutes(1);

    private final AgentGateway gateway;
    private final DiscordSettings settings;
    private final Approvals approvals;
    private final MessageLedger ledger;
    private final InFlight inFlight;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Map<String, Instant> lastNotice = new LinkedHashMap<>();

    MessageHandler(AgentGateway gateway, DiscordSettings settings, Approvals approvals, MessageLedger ledger,
            InFlight inFlight, ScheduledExecutorService timer, Clock clock) {
        this.gateway = gateway;
        this.settings = settings;
        this.approvals = approvals;
        this.ledger = ledger;
        this.inFlight = inFlight;
        this.timer = timer;
        this.clock = clock;
    }

    /** @return the conversation key of a channel: a user's DM, or a server's channel or thread */
    static String conversation(MessageChannel channel, String userId) {
        if (channel.getType() == ChannelType.PRIVATE) {
            return CHANNEL + ":dm:" + userId;
        }
        String guild = channel instanceof net.dv8tion.jda.api.entities.channel.middleman.GuildChannel guildChannel
                ? guildChannel.getGuild().getId() : "0";
        return CHANNEL + ":" + guild + ":" + channel.getId();
    }

    /** @return the server of a channel, or null for a DM */
    static String guildOf(MessageChannel channel) {
        return channel instanceof net.dv8tion.jda.api.entities.channel.middleman.GuildChannel guildChannel
                ? guildChannel.getGuild().getId() : null;
    }

    /**
     * Handles a message, live or read while catching up.
     *
     * @throws RuntimeException when the agent could not take the message
     */
    synchronized void onMessage(Message message) {
        User author = message.getAuthor();
        User self = message.getJDA().getSelfUser();
        if (author.isBot() || author.isSystem() || author.getIdLong() == self.getIdLong() || ledger.contains(message.getId())) {
            return;
        }
        MessageChannel channel = message.getChannel();
        boolean direct = channel.getType() == ChannelType.PRIVATE;
        String raw = message.getContentRaw();
        if (!direct && !raw.contains("<@" + self.getId() + ">") && !raw.contains("<@!" + self.getId() + ">")) {
            return;
        }
        String text = raw.replace("<@" + self.getId() + ">", "").replace("<@!" + self.getId() + ">", "").strip();
        String user = author.getId();
        String guild = guildOf(channel);
        if (!settings.allowsUser(user) || guild != null && !settings.allowsGuild(guild)) {
            refuse(channel, user, guild != null && settings.allowsUser(user));
            return;
        }
        String key = conversation(channel, user);
        List<org.openpista.api.chat.Attachment> attachments = List.of();
        if (!message.getAttachments().isEmpty()) {
            try {
                attachments = DiscordFiles.download(message);
            } catch (IOException e) {
                LOG.info("A file of Discord message {} was not taken: {}", message.getId(), e.getMessage());
                channel.sendMessage("❌ " + e.getMessage()).queue(null, failure -> LOG.warn(
                        "Discord could not be told about a refused file: {}", failure.getMessage()));
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!text.isEmpty() || !attachments.isEmpty()) {
            InboundMessage inbound = new InboundMessage(CHANNEL, key, null, user, text, attachments,
                    Map.of("channel_id", channel.getId(), "message_id", message.getId(), "user_id", user,
                            "guild_id", guild == null ? "" : guild));
            ChannelTurn turn = new ChannelTurn(channel, approvals, inFlight, timer, user);
            try {
                gateway.submit(inbound, turn);
            } catch (RuntimeException e) {
                turn.abandon();
                throw e;
            }
        }
        try {
            ledger.record(message.getId(), new MessageLedger.Conversation(key, channel.getId(), direct ? user : "",
                    message.getId()));
        } catch (IOException e) {
            // handed over: only a restart could repeat it now
            LOG.error("Cannot record Discord message {} as handled ({}); a restart may handle it again", message.getId(),
                    e.getMessage());
        }
        LOG.debug("Discord message {} in {} handed to the agent", message.getId(), key);
    }

    /** @return whether a stranger may be told something now (once a minute per user) */
    boolean mayNotice(String user) {
        Instant now = clock.instant();
        synchronized (lastNotice) {
            Instant last = lastNotice.get(user);
            if (last != null && last.plus(NOTICE_EVERY).isAfter(now)) {
                return false;
            }
            lastNotice.put(user, now);
            if (lastNotice.size() > 1000) {
                lastNotice.remove(lastNotice.keySet().iterator().next());
            }
            return true;
        }
    }

    private void refuse(MessageChannel channel, String user, boolean wrongServer) {
        LOG.info("Discord user {} may not talk to the bot {}; refused", user, wrongServer ? "in this server" : "");
        if (!mayNotice(user)) {
            return;
        }
        String text = wrongServer ? "openpista does not answer in this server (it is not in [channels.discord] allowed_guilds)."
                : "🔒 This is a private openpista bot. Ask its owner to add your Discord user id `" + user
                        + "` to `allowed_users` in `[channels.discord]`.";
        channel.sendMessage(text).queue(null, failure -> LOG.warn("Could not send a notice to Discord user {}: {}", user,
                failure.getMessage()));
    }
}
