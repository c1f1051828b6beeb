package org.openpista.channel.telegram.internal;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongPredicate;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.telegram.telegrambots.meta.api.objects.CallbackQuery;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.InlineKeyboardMarkup;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardButton;
import org.telegram.telegrambots.meta.api.objects.replykeyboard.buttons.InlineKeyboardRow;

/**
 * Tool approvals as inline keyboard buttons: the question is a message with Allow, Deny and "Allow
 * for this chat"; the press arrives as a callback query. Only the owner may answer: the user whose
 * message started the turn, or one of the configured {@code allowed_users}. Anyone else pressing
 * gets a notice and changes nothing. Once answered (or when the turn is cancelled), the question is
 * edited to show the outcome and loses its buttons, so it cannot be answered twice.
 */
final class Approvals {

    private static final Logger LOG = LoggerFactory.getLogger(Approvals.class);
    private static final String PREFIX = "ap:";
    private static final int MAX_ARGUMENTS = 3000;

    /** A question waiting for a press. */
    private record Question(CompletableFuture<ApprovalDecision> answer, long chatId, long requesterId, AtomicInteger messageId,
            String html) {}

    private final BotApi api;
    private final LongPredicate owner;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Question> waiting = new ConcurrentHashMap<>();

    /**
     * @param owner whether a user id belongs to the bot's owners ({@code allowed_users}), who may answer
     *     any question
     */
    Approvals(BotApi api, LongPredicate owner) {
        this.api = api;
        this.owner = owner;
    }

    /** Sends the question to the chat; the returned stage completes when it is answered. */
    CompletionStage<ApprovalDecision> ask(long chatId, long requesterId, ApprovalRequest request) {
        String id = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        String arguments = request.call().arguments();
        if (arguments.length() > MAX_ARGUMENTS) {
            arguments = arguments.substring(0, MAX_ARGUMENTS) + "… (" + (arguments.length() - MAX_ARGUMENTS) + " more characters)";
        }
        String html = "🔐 <b>Allow this tool call?</b>\n<code>" + TelegramFormat.escape(request.call().name()) + "</code>\n<pre>"
                + TelegramFormat.escape(arguments) + "</pre>"
                + (request.note().isEmpty() ? "" : "\n<i>" + TelegramFormat.escape(request.note()) + "</i>");
        InlineKeyboardMarkup keyboard = InlineKeyboardMarkup.builder()
                .keyboardRow(new InlineKeyboardRow(button("✅ Allow", id, "a"), button("❌ Deny", id, "d")))
                .keyboardRow(new InlineKeyboardRow(button("✅ Allow for this chat", id, "c")))
                .build();
        CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
        // open before it is sent: the owner may press before sendMessage has returned
        Question question = new Question(answer, chatId, requesterId, new AtomicInteger(), html);
        waiting.put(id, question);
        answer.whenComplete((decision, error) -> {
            if (waiting.remove(id) != null && error != null && question.messageId().get() > 0) {
                // the turn was cancelled while the question was open
                edit(question, question.messageId().get(), "⏹ <i>Not answered: the turn ended.</i>");
            }
        });
        try {
            Message sent = api.sendMessage(chatId, html, true, keyboard);
            question.messageId().set(sent.getMessageId());
        } catch (BotApiException e) {
            answer.completeExceptionally(new IllegalStateException("the question could not be sent to Telegram: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.completeExceptionally(e);
        }
        return answer;
    }

    /** @return whether the callback data belongs to an approval button */
    static boolean isApproval(String data) {
        return data != null && data.startsWith(PREFIX);
    }

    /** Handles a button press. */
    void onPress(CallbackQuery query) throws InterruptedException {
        String[] parts = query.getData().split(":");
        Question question = parts.length == 3 ? waiting.get(parts[1]) : null;
        long presser = query.getFrom().getId();
        if (question == null) {
            answer(query, "This question is no longer open.");
            return;
        }
        if (presser != question.requesterId() && !owner.test(presser)) {
            LOG.info("Telegram user id {} pressed an approval button in chat {} but is not its owner", presser, question.chatId());
            answer(query, "Only the owner can answer this.");
            return;
        }
        ApprovalDecision decision;
        String outcome;
        switch (parts[2]) {
            case "a" -> {
                decision = ApprovalDecision.APPROVE;
                outcome = "✅ <i>Allowed.</i>";
            }
            case "c" -> {
                decision = ApprovalDecision.ALLOW_FOR_SESSION;
                outcome = "✅ <i>Allowed for this chat.</i>";
            }
            default -> {
                decision = ApprovalDecision.REJECT;
                outcome = "❌ <i>Denied.</i>";
            }
        }
        if (waiting.remove(parts[1]) == null) {
            answer(query, "This question was already answered.");
            return;
        }
        question.answer().complete(decision);
        answer(query, null);
        Integer pressed = query.getMessage() == null ? null : query.getMessage().getMessageId();
        edit(question, pressed != null ? pressed : question.messageId().get(), outcome);
    }

    /** Cancels every open question (the channel stops). */
    void cancelAll() {
        for (Question question : List.copyOf(waiting.values())) {
            question.answer().cancel(false);
        }
    }

    private void answer(CallbackQuery query, String text) throws InterruptedException {
        try {
            api.answerCallback(query.getId(), text);
        } catch (BotApiException e) {
            LOG.warn("Could not answer a Telegram button press: {}", e.getMessage());
        }
    }

    private void edit(Question question, int messageId, String outcome) {
        try {
            api.editText(question.chatId(), messageId, question.html() + "\n" + outcome);
        } catch (BotApiException e) {
            LOG.warn("Could not update the approval question in chat {}: {}", question.chatId(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static InlineKeyboardButton button(String text, String id, String choice) {
        return InlineKeyboardButton.builder().text(text).callbackData(PREFIX + id + ":" + choice).build();
    }
}
