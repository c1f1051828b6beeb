package org.openpista.channel.discord.internal;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
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
    private final DiscordRest rest;
    private final DiscordSettings settings;
    private final Approvals approvals;
    private final MessageLedger ledger;
    private final InFlight inFlight;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final Map<String, Instant> lastNotice = new LinkedHashMap<>();

    MessageHandler(AgentGateway gateway, DiscordRest rest, DiscordSettings settings, Approvals approvals, MessageLedger ledger,
            InFlight inFlight, ScheduledExecutorService timer, Clock clock) {
        this.gateway = gateway;
        this.rest = rest;
        this.settings = settings;
        this.approvals = approvals;
        this.ledger = ledger;
        this.inFlight = inFlight;
        this.timer = timer;
        this.clock = clock;
    }

    /**
     * @return the conversation key of a channel: a user's DM, or a server's channel or thread
     * @param guildId the server, or null for a DM
     */
    static String conversation(String guildId, String channelId, String userId) {
        return guildId == null ? CHANNEL + ":dm:" + userId : CHANNEL + ":" + guildId + ":" + channelId;
    }

    /**
     * Handles a message, live or read while catching up.
     *
     * @throws RuntimeException when the agent could not take the message
     */
    synchronized void onMessage(DiscordMessage message, String selfId) {
        if (message.fromBot() || message.authorId().equals(selfId) || ledger.contains(message.id())) {
            return;
        }
        String channel = message.channelId();
        boolean direct = message.direct();
        String raw = message.content();
        if (!direct && !raw.contains("<@" + selfId + ">") && !raw.contains("<@!" + selfId + ">")) {
            return;
        }
        String text = raw.replace("<@" + selfId + ">", "").replace("<@!" + selfId + ">", "").strip();
        String user = message.authorId();
        String guild = message.guildId();
        if (!settings.allowsUser(user) || guild != null && !settings.allowsGuild(guild)) {
            refuse(channel, user, guild != null && settings.allowsUser(user));
            return;
        }
        String key = conversation(guild, channel, user);
        List<org.openpista.api.chat.Attachment> attachments = List.of();
        if (!message.attachments().isEmpty()) {
            try {
                attachments = DiscordFiles.download(rest, message);
            } catch (IOException e) {
                LOG.info("A file of Discord message {} was not taken: {}", message.id(), e.getMessage());
                try {
                    rest.send(channel, "❌ " + e.getMessage());
                } catch (RuntimeException failure) {
                    LOG.warn("Discord could not be told about a refused file: {}", failure.getMessage());
                }
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!text.isEmpty() || !attachments.isEmpty()) {
            InboundMessage inbound = new InboundMessage(CHANNEL, key, null, user, text, attachments,
                    Map.of("channel_id", channel, "message_id", message.id(), "user_id", user,
                            "guild_id", guild == null ? "" : guild));
            ChannelTurn turn = new ChannelTurn(rest, channel, approvals, inFlight, timer, user);
            try {
                gateway.submit(inbound, turn);
            } catch (RuntimeException e) {
                turn.abandon();
                throw e;
            }
        }
        try {
            ledger.record(message.id(), new MessageLedger.Conversation(key, channel, direct ? user : "", message.id()));
        } catch (IOException e) {
            // handed over: only a restart could repeat it now
            LOG.error("Cannot record Discord message {} as handled ({}); a restart may handle it again", message.id(),
                    e.getMessage());
        }
        LOG.debug("Discord message {} in {} handed to the agent", message.id(), key);
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

    private void refuse(String channel, String user, boolean wrongServer) {
        LOG.info("Discord user {} may not talk to the bot {}; refused", user, wrongServer ? "in this server" : "");
        if (!mayNotice(user)) {
            return;
        }
        String text = wrongServer ? "openpista does not answer in this server (it is not in [channels.discord] allowed_guilds)."
                : "🔒 This is a private openpista bot. Ask its owner to add your Discord user id `" + user
                        + "` to `allowed_users` in `[channels.discord]`.";
        try {
            rest.send(channel, text);
        } catch (RuntimeException failure) {
            LOG.warn("Could not send a notice to Discord user {}: {}", user, failure.getMessage());
        }
    }
}
