package org.openpista.channel.slack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;
import org.openpista.channel.support.InFlight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the app does with a message event: direct messages ({@code message} in an {@code im}) and
 * mentions ({@code app_mention}) from users in {@code allowed_users} go to the agent as a message of
 * the conversation {@code slack:<team>:<channel>:<thread_ts>}, with the files they share ({@link
 * SlackFiles}), one per thread (a message outside a
 * thread starts one); the answer goes into that thread. Strangers get one notice a minute saying
 * how to be let in, and nothing reaches the model. A mention in a channel outside {@code
 * allowed_channels} gets an ephemeral notice. The app's own messages, edits, deletions and the
 * {@code message} copy of a mention in a channel are ignored.
 */
final class MessageHandler {

    /** The channel id. */
    static final String CHANNEL = "slack";

    private static final Logger LOG = LoggerFactory.getLogger(MessageHandler.class);
    private static final Duration NOTICE_EVERY = Duration.ofMinutes(1);
    /** Message subtypes that carry something a user wrote; the rest (edits, joins, bots) is ignored. */
    private static final Set<String> WRITTEN = Set.of("", "file_share", "thread_broadcast");

    private final SlackApi api;
    private final AgentGateway gateway;
    private final SlackSettings settings;
    private final SlackApi.Identity bot;
    private final Approvals approvals;
    private final Mrkdwn format;
    private final InFlight inFlight;
    private final Clock clock;
    private final Map<String, Instant> lastNotice = new LinkedHashMap<>();
    private final SlackFiles files;

    MessageHandler(SlackApi api, AgentGateway gateway, SlackSettings settings, SlackApi.Identity bot, Approvals approvals,
            Mrkdwn format, InFlight inFlight, Clock clock) {
        this.api = api;
        this.gateway = gateway;
        this.settings = settings;
        this.bot = bot;
        this.approvals = approvals;
        this.format = format;
        this.inFlight = inFlight;
        this.clock = clock;
        this.files = new SlackFiles(settings.apiUrl(), settings.botToken(), api.http());
    }

    /** @return the conversation key of a thread */
    static String conversation(String team, String channel, String threadTs) {
        return CHANNEL + ":" + team + ":" + channel + ":" + threadTs;
    }

    /**
     * Handles the event of an {@code event_callback}. Returns once a message is handed to the agent.
     *
     * @throws RuntimeException when the agent could not take the message (it must be delivered again)
     */
    void handle(String team, JsonNode event) throws InterruptedException {
        String type = event.path("type").asText("");
        String user = event.path("user").asText("");
        if (user.isEmpty() || user.equals(bot.botUserId()) || event.hasNonNull("bot_id")
                || !WRITTEN.contains(event.path("subtype").asText(""))) {
            return;
        }
        String channel = event.path("channel").asText("");
        boolean direct = type.equals("message") && event.path("channel_type").asText("").equals("im");
        if (!direct && !type.equals("app_mention")) {
            return; // a channel message without a mention, or the message copy of a mention
        }
        String ts = event.path("ts").asText("");
        String threadTs = event.path("thread_ts").asText(ts);
        String text = event.path("text").asText("").replace("<@" + bot.botUserId() + ">", "").strip();
        if (!settings.allowsUser(user)) {
            refuse(channel, threadTs, user, direct);
            return;
        }
        if (!direct && !settings.allowsChannel(channel)) {
            notice(user, () -> api.postEphemeral(channel, threadTs, user,
                    "openpista does not answer in this channel (it is not in [channels.slack] allowed_channels)."));
            return;
        }
        boolean shared = SlackFiles.shares(event);
        if (text.isEmpty() && !shared) {
            return;
        }
        List<Attachment> attachments = List.of();
        if (shared) {
            try {
                attachments = files.download(event.path("files"));
            } catch (SlackException e) {
                LOG.info("A file of Slack message {} was not taken: {}", ts, e.getMessage());
                tell(channel, threadTs, "❌ " + e.error());
                return;
            }
        }
        String key = conversation(team, channel, threadTs);
        InboundMessage inbound = new InboundMessage(CHANNEL, key, null, user, text, attachments,
                Map.of("team", team, "channel", channel, "ts", ts, "thread_ts", threadTs, "user", user));
        ThreadTurn turn = new ThreadTurn(api, approvals, format, inFlight, channel, threadTs, user);
        try {
            gateway.submit(inbound, turn);
        } catch (RuntimeException e) {
            turn.abandon();
            throw e;
        }
        LOG.debug("Slack message {} in {} handed to the agent", ts, key);
    }

    private void tell(String channel, String threadTs, String text) throws InterruptedException {
        try {
            api.post(channel, threadTs, text, null);
        } catch (SlackException e) {
            LOG.warn("Slack could not be told about a refused file: {}", e.getMessage());
        }
    }

    private void refuse(String channel, String threadTs, String user, boolean direct) throws InterruptedException {
        LOG.info("Slack user {} is not in [channels.slack] allowed_users; refused", user);
        String text = "🔒 This is a private openpista app. Ask its owner to add your Slack user id `" + user
                + "` to `allowed_users` in `[channels.slack]`.";
        notice(user, () -> {
            if (direct) {
                api.post(channel, threadTs, text, null);
            } else {
                api.postEphemeral(channel, threadTs, user, text);
            }
        });
    }

    /** A notice that is sent to a user at most once a minute, so nobody can make the app spam. */
    @FunctionalInterface
    private interface Notice {
        void send() throws SlackException, InterruptedException;
    }

    private void notice(String user, Notice notice) throws InterruptedException {
        Instant now = clock.instant();
        synchronized (lastNotice) {
            Instant last = lastNotice.get(user);
            if (last != null && last.plus(NOTICE_EVERY).isAfter(now)) {
                return;
            }
            lastNotice.put(user, now);
            if (lastNotice.size() > 1000) {
                lastNotice.remove(lastNotice.keySet().iterator().next());
            }
        }
        try {
            notice.send();
        } catch (SlackException e) {
            LOG.warn("Could not send a notice to Slack user {}: {}", user, e.getMessage());
        }
    }
}
