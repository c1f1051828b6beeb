package org.openpista.channel.telegram.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.chat.Attachment;
import org.openpista.api.memory.StoreException;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.session.SessionRouter;
import org.openpista.channel.support.InFlight;
import org.openpista.channel.support.ModelCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.message.Message;

/**
 * What the bot does with one update: button presses go to the {@link Approvals}; messages from
 * strangers get a pairing code and nothing else; commands ({@code /start}, {@code /help}, {@code
 * /new}, {@code /stop}, {@code /model}) are answered here; everything else is handed to the agent as
 * a message of the conversation {@code telegram:<chat id>}. In groups the bot only listens when it
 * is mentioned, replied to, or sent a command addressed to it.
 */
final class UpdateHandler {

    private static final Logger LOG = LoggerFactory.getLogger(UpdateHandler.class);

    /** The channel id. */
    static final String CHANNEL = "telegram";
    private static final Duration NOTICE_EVERY = Duration.ofMinutes(1);
    private static final String HELP = """
            /new — start a fresh conversation
            /stop — stop the answer being worked on
            /model — show the model; /model NAME or /model PROVIDER/NAME switches it
            /help — this list""";

    /** The services the handler needs that may come and go. */
    record Services(AgentGateway gateway, Supplier<SessionRouter> router, Supplier<ModelSelector> models) {}

    private final BotApi api;
    private final Services services;
    private final Pairings pairings;
    private final Set<Long> allowedUsers;
    private final User bot;
    private final Approvals approvals;
    private final TelegramFormat format;
    private final ScheduledExecutorService timer;
    private final InFlight inFlight;
    private final Clock clock;
    private final Map<Long, Instant> lastNotice = new LinkedHashMap<>();

    UpdateHandler(BotApi api, Services services, Pairings pairings, Set<Long> allowedUsers, User bot, Approvals approvals,
            TelegramFormat format, ScheduledExecutorService timer, InFlight inFlight, Clock clock) {
        this.api = api;
        this.services = services;
        this.pairings = pairings;
        this.allowedUsers = Set.copyOf(allowedUsers);
        this.bot = bot;
        this.approvals = approvals;
        this.format = format;
        this.timer = timer;
        this.inFlight = inFlight;
        this.clock = clock;
    }

    /**
     * Handles an update. Returns once the update is handed over: a message is queued at the agent,
     * a command answered, a press recorded.
     *
     * @throws BotApiException when Telegram could not be told something (the update is still done)
     */
    void handle(Update update) throws BotApiException, InterruptedException {
        if (update.hasCallbackQuery()) {
            onPress(update.getCallbackQuery());
        } else if (update.hasMessage()) {
            onMessage(update.getMessage());
        }
        // other kinds (edits, channel posts, inline queries) are not asked for and ignored
    }

    /** @return whether a user may talk to the bot */
    boolean allowed(long userId) {
        return allowedUsers.contains(userId) || pairings.isApproved(userId);
    }

    /** @return the conversation key of a chat */
    static String conversation(long chatId) {
        return CHANNEL + ":" + chatId;
    }

    private void onPress(CallbackQuery query) throws BotApiException, InterruptedException {
        if (Approvals.isApproval(query.getData())) {
            approvals.onPress(query);
        } else {
            api.answerCallback(query.getId(), "This button is not for openpista.");
        }
    }

    private void onMessage(Message message) throws BotApiException, InterruptedException {
        User from = message.getFrom();
        if (from == null || Boolean.TRUE.equals(from.getIsBot())) {
            return;
        }
        long chatId = message.getChatId();
        boolean group = !Boolean.TRUE.equals(message.getChat().isUserChat());
        String text = message.getText() != null ? message.getText() : message.getCaption();
        boolean media = TelegramMedia.hasMedia(message);
        if (text == null && !media) {
            if (!group && allowed(from.getId())) {
                api.sendMessage(chatId, TelegramMedia.UNREADABLE, false, null);
            }
            return;
        }
        if (text == null) {
            text = "";
        }
        if (group) {
            String addressed = addressedInGroup(message, text);
            if (addressed == null) {
                return;
            }
            text = addressed;
        }
        if (!allowed(from.getId())) {
            refuse(message, from);
            return;
        }
        if (!media && text.startsWith("/")) {
            String[] words = text.strip().split("\\s+", 2);
            String command = words[0].toLowerCase(Locale.ROOT);
            int at = command.indexOf('@');
            if (at > 0) {
                command = command.substring(0, at);
            }
            String argument = words.length > 1 ? words[1].strip() : "";
            if (command(chatId, command, argument)) {
                return;
            }
        }
        List<Attachment> attachments = List.of();
        if (media) {
            try {
                attachments = TelegramMedia.download(api, message);
            } catch (BotApiException e) {
                LOG.info("A file of Telegram message {} was not taken: {}", message.getMessageId(), e.getMessage());
                reply(chatId, "❌ " + e.getMessage());
                return;
            }
        }
        submit(message, from, text, attachments);
    }

    /** @return the text without the bot's mention when the group message is meant for the bot, else null */
    private String addressedInGroup(Message message, String text) {
        String mention = "@" + bot.getUserName();
        boolean replyToBot = message.getReplyToMessage() != null && message.getReplyToMessage().getFrom() != null
                && bot.getId().equals(message.getReplyToMessage().getFrom().getId());
        boolean mentioned = text.toLowerCase(Locale.ROOT).contains(mention.toLowerCase(Locale.ROOT));
        if (!replyToBot && !mentioned) {
            return null;
        }
        String stripped = text.replaceAll("(?i)" + java.util.regex.Pattern.quote(mention), "").strip();
        if (text.startsWith("/")) {
            // keep "/new@bot" intact for the command parser; it removes the suffix
            return text.strip();
        }
        return stripped;
    }

    private void refuse(Message message, User from) throws BotApiException, InterruptedException {
        long userId = from.getId();
        Instant now = clock.instant();
        synchronized (lastNotice) {
            Instant last = lastNotice.get(userId);
            if (last != null && last.plus(NOTICE_EVERY).isAfter(now)) {
                return; // told a moment ago: no answer at all, so a stranger cannot make the bot spam
            }
            lastNotice.put(userId, now);
            if (lastNotice.size() > 1000) {
                lastNotice.remove(lastNotice.keySet().iterator().next());
            }
        }
        Pairings.Pending code = pairings.codeFor(userId, message.getChatId(), describe(from));
        api.sendMessage(message.getChatId(), "🔒 This is a private openpista bot.\n\nTo get access, ask its owner to run "
                + "this in the openpista admin shell:\n<code>openpista:pair approve " + code.code() + "</code>\n\n"
                + "The code works once and expires in an hour. Your user id: <code>" + userId + "</code>", true, null);
    }

    /** @return whether the command was handled here (unknown ones go to the agent as text) */
    private boolean command(long chatId, String command, String argument) throws BotApiException, InterruptedException {
        String key = conversation(chatId);
        switch (command) {
            case "/start" -> reply(chatId, "👋 Hi, I am openpista. Write what you need and I will work on it.\n\n" + HELP);
            case "/help" -> reply(chatId, HELP);
            case "/new" -> {
                SessionRouter router = services.router().get();
                if (router == null) {
                    reply(chatId, "❌ Sessions cannot be switched right now: the agent core is not running.");
                } else {
                    router.newSession(key);
                    reply(chatId, "🆕 New conversation started.");
                }
            }
            case "/stop" -> {
                SessionRouter router = services.router().get();
                String session = router == null ? key : router.currentSession(key);
                int cancelled = services.gateway().cancel(session);
                reply(chatId, cancelled == 0 ? "Nothing is running." : "⏹ Stopped.");
            }
            case "/model" -> reply(chatId, model(argument));
            default -> {
                return false;
            }
        }
        return true;
    }

    private String model(String argument) {
        return ModelCommand.answer(services.models().get(), argument);
    }

    private void submit(Message message, User from, String text, List<Attachment> attachments)
            throws BotApiException, InterruptedException {
        long chatId = message.getChatId();
        Map<String, String> metadata = Map.of(
                "chat_id", Long.toString(chatId),
                "message_id", Integer.toString(message.getMessageId()),
                "user_id", Long.toString(from.getId()),
                "username", from.getUserName() == null ? "" : from.getUserName());
        InboundMessage inbound = new InboundMessage(CHANNEL, conversation(chatId), null, Long.toString(from.getId()), text,
                attachments, metadata);
        ChatTurn turn = new ChatTurn(api, approvals, format, timer, inFlight, chatId, from.getId());
        try {
            services.gateway().submit(inbound, turn);
        } catch (IllegalArgumentException refused) {
            // the agent refused an attachment (type, size): nothing was stored, the sender learns why
            turn.abandon();
            reply(chatId, "❌ " + refused.getMessage());
            return;
        } catch (StoreException e) {
            // the chat is remote: the storage quota is said as it is, other store failures without the daemon's paths
            turn.abandon();
            LOG.warn("Telegram message {} of chat {} was not stored: {}", message.getMessageId(), chatId, e.getMessage());
            reply(chatId, "❌ " + (e.getMessage().startsWith("the storage for photos and files is full")
                    ? e.getMessage() : "the message could not be stored (the daemon's log says why)"));
            return;
        } catch (RuntimeException e) {
            turn.abandon();
            throw e;
        }
        LOG.debug("Telegram message {} of chat {} handed to the agent", message.getMessageId(), chatId);
    }

    private void reply(long chatId, String text) throws BotApiException, InterruptedException {
        api.sendMessage(chatId, text, false, null);
    }

    private static String describe(User user) {
        String name = (user.getFirstName() == null ? "" : user.getFirstName())
                + (user.getLastName() == null ? "" : " " + user.getLastName());
        if (user.getUserName() != null) {
            name += " (@" + user.getUserName() + ")";
        }
        return name.strip();
    }
}
