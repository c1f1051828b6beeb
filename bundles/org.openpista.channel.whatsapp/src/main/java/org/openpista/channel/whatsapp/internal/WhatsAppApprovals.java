package org.openpista.channel.whatsapp.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tool approvals on WhatsApp. Each question gets a random id and is bound to one exact call (the
 * {@link ApprovalRequest} of the turn) and to the chat it was sent to; only a message from that
 * chat answers it: a button press carrying the id (Cloud API) or a numbered reply (bridge), which
 * answers the one question open in the chat, or the question it quotes. An answer to a question no
 * longer open, or from another chat, changes nothing and is told so. Nothing the model or a tool
 * writes can answer: answers come only from inbound messages of the asked number.
 */
final class WhatsAppApprovals {

    /** Sends a question; completes with WhatsApp's id of the sent message (may be empty). */
    interface Asker {
        CompletionStage<String> ask(String to, Question question);
    }

    /**
     * An open question.
     *
     * @param id the random id in button ids
     * @param chat the asked number (digits)
     * @param request the exact call
     * @param answer completes with the owner's decision
     * @param messageId WhatsApp's id of the question message, once sent
     */
    record Question(String id, String chat, ApprovalRequest request, CompletableFuture<ApprovalDecision> answer,
            AtomicReference<String> messageId) {

        /** @return the question's text, with the arguments cut to a size every message type takes */
        String text(int maxArguments) {
            String arguments = request.call().arguments();
            if (arguments.length() > maxArguments) {
                arguments = arguments.substring(0, maxArguments) + "… (" + (arguments.length() - maxArguments)
                        + " more characters)";
            }
            return "🔐 Allow this tool call?\n" + request.call().name() + "\n" + arguments
                    + (request.note().isEmpty() ? "" : "\n(" + request.note() + ")");
        }
    }

    /** What became of an answer. */
    enum Result {
        /** It answered an open question. */
        ANSWERED,
        /** The question it answers is no longer open (answered, or its turn ended). */
        NOT_OPEN,
        /** It came from another chat than the one asked. */
        NOT_YOURS,
        /** It is no answer at all: an ordinary message for the agent. */
        NOT_AN_ANSWER
    }

    /** The button ids' prefix. */
    static final String PREFIX = "ap:";
    /** A numbered reply: 1 allow, 2 deny, 3 allow for this chat. */
    private static final Pattern NUMBERED = Pattern.compile("\\s*([123])[.)]?\\s*");
    /** How long after a question closed a bare number in its chat is still taken as a late answer. */
    static final Duration LATE = Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(WhatsAppApprovals.class);

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Question> open = new ConcurrentHashMap<>();
    /** Per chat: when its last question closed. */
    private final Map<String, Instant> closedAt = new ConcurrentHashMap<>();
    /** WhatsApp ids of closed question messages (a quoted reply to one is late). */
    private final SeenMessages closedMessages = new SeenMessages(1000);

    WhatsAppApprovals(Clock clock) {
        this.clock = clock;
    }

    /**
     * Sends the question and waits for the answer.
     *
     * @param chat the number to ask (digits)
     * @param replyTo where the question goes (a number or a JID)
     */
    CompletionStage<ApprovalDecision> ask(String chat, String replyTo, ApprovalRequest request, Asker asker) {
        String id = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        Question question = new Question(id, chat, request, new CompletableFuture<>(), new AtomicReference<>(""));
        // open before it is sent: the answer may come before the send returns
        open.put(id, question);
        question.answer().whenComplete((decision, failure) -> close(question));
        asker.ask(replyTo, question).whenComplete((messageId, failure) -> {
            if (failure != null) {
                question.answer().completeExceptionally(new IllegalStateException(
                        "the question could not be sent to WhatsApp: " + Conversations.message(failure)));
            } else if (messageId != null && !messageId.isEmpty()) {
                question.messageId().set(messageId);
                if (question.answer().isDone()) {
                    closedMessages.firstTime(messageId);
                }
            }
        });
        return question.answer();
    }

    /**
     * A button press (Cloud API).
     *
     * @param buttonId the pressed button's id, {@code ap:<question>:<a|d|c>}
     * @param from the presser's number
     * @return what became of it; {@link Result#NOT_AN_ANSWER} for a button that is not an approval
     */
    Result press(String buttonId, String from) {
        String[] parts = buttonId == null ? new String[0] : buttonId.split(":");
        if (parts.length != 3 || !buttonId.startsWith(PREFIX)) {
            return Result.NOT_AN_ANSWER;
        }
        Question question = open.get(parts[1]);
        if (question == null) {
            return Result.NOT_OPEN;
        }
        return answer(question, Allowlist.digits(from), parts[2]);
    }

    /**
     * A message that may be a numbered reply (bridge).
     *
     * @param from the sender's number
     * @param text the text
     * @param quoted the id of the message it quotes, or empty
     * @return what became of it; {@link Result#NOT_AN_ANSWER} for a message for the agent
     */
    Result numbered(String from, String text, String quoted) {
        Matcher number = NUMBERED.matcher(text);
        if (!number.matches()) {
            return Result.NOT_AN_ANSWER;
        }
        String chat = Allowlist.digits(from);
        String choice = switch (number.group(1)) {
            case "1" -> "a";
            case "3" -> "c";
            default -> "d";
        };
        if (quoted != null && !quoted.isEmpty()) {
            for (Question question : open.values()) {
                if (quoted.equals(question.messageId().get())) {
                    return answer(question, chat, choice);
                }
            }
            if (closedMessages.contains(quoted)) {
                return Result.NOT_OPEN;
            }
        }
        List<Question> mine = open.values().stream().filter(question -> question.chat().equals(chat)).toList();
        if (mine.size() == 1) {
            return answer(mine.get(0), chat, choice);
        }
        Instant closed = closedAt.get(chat);
        if (mine.isEmpty() && closed != null && closed.plus(LATE).isAfter(clock.instant())) {
            return Result.NOT_OPEN;
        }
        // several open at once cannot be told apart without a quote; none open and none recent: a plain message
        return mine.isEmpty() ? Result.NOT_AN_ANSWER : Result.NOT_OPEN;
    }

    /** @return the number of open questions */
    int openCount() {
        return open.size();
    }

    /** Cancels every open question (the channel stops). */
    void cancelAll() {
        for (Question question : List.copyOf(open.values())) {
            question.answer().cancel(false);
        }
    }

    /** @return the words for a decision, sent back after an answer */
    static String outcome(ApprovalDecision decision, String tool) {
        return switch (decision) {
            case APPROVE -> "✅ Allowed: " + tool;
            case ALLOW_FOR_SESSION -> "✅ Allowed for this chat: " + tool;
            case REJECT -> "❌ Denied: " + tool;
        };
    }

    /** @return the decision a choice letter stands for */
    static ApprovalDecision decision(String choice) {
        return switch (choice) {
            case "a" -> ApprovalDecision.APPROVE;
            case "c" -> ApprovalDecision.ALLOW_FOR_SESSION;
            default -> ApprovalDecision.REJECT;
        };
    }

    private Result answer(Question question, String from, String choice) {
        if (!question.chat().equals(from)) {
            LOG.info("WhatsApp: {} answered an approval question sent to {}; refused", Allowlist.mask(from),
                    Allowlist.mask(question.chat()));
            return Result.NOT_YOURS;
        }
        if (open.remove(question.id()) == null) {
            return Result.NOT_OPEN;
        }
        question.answer().complete(decision(choice));
        return Result.ANSWERED;
    }

    private void close(Question question) {
        open.remove(question.id());
        closedAt.put(question.chat(), clock.instant());
        String messageId = question.messageId().get();
        if (!messageId.isEmpty()) {
            closedMessages.firstTime(messageId);
        }
    }
}
