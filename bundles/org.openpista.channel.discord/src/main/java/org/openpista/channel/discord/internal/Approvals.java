package org.openpista.channel.discord.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tool approvals as message buttons: the question shows the exact call (tool and arguments) with
 * Allow, Deny and "Allow in this conversation"; each button's custom id carries the question's own
 * id, so a press answers exactly that call. Only the user whose message started the turn, or one of
 * {@code allowed_users}, may answer; anyone else gets an ephemeral notice and changes nothing. The
 * answer edits the question in the same interaction response: it shows who decided and loses its
 * buttons, so it cannot be answered twice.
 */
final class Approvals {

    /** The custom ids' prefix. */
    static final String PREFIX = "openpista:";

    private static final Logger LOG = LoggerFactory.getLogger(Approvals.class);
    private static final int MAX_ARGUMENTS = 1500;

    /** A question waiting for a press. */
    private record Question(CompletableFuture<ApprovalDecision> answer, String requester, String text,
            AtomicReference<String> message) {}

    /** Discord's button styles. */
    private static final int SUCCESS = 3;
    private static final int DANGER = 4;
    private static final int SECONDARY = 2;

    private final Predicate<String> owner;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Question> waiting = new ConcurrentHashMap<>();

    /** @param owner whether a user id is one of {@code allowed_users}, who may answer any question */
    Approvals(Predicate<String> owner) {
        this.owner = owner;
    }

    /** Posts the question; the returned stage completes when it is answered. */
    CompletionStage<ApprovalDecision> ask(DiscordRest rest, String channel, String requester, ApprovalRequest request) {
        String id = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        String arguments = request.call().arguments();
        if (arguments.length() > MAX_ARGUMENTS) {
            arguments = arguments.substring(0, MAX_ARGUMENTS) + "… (" + (arguments.length() - MAX_ARGUMENTS) + " more characters)";
        }
        String text = "🔐 **Allow this tool call?**\n`" + request.call().name().replace("`", "'") + "`\n```\n"
                + arguments.replace("```", "`\u200b``") + "\n```"
                + (request.note().isEmpty() ? "" : "\n*" + request.note().replace("*", "\\*") + "*");
        CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
        Question question = new Question(answer, requester, text, new AtomicReference<>());
        // open before it is sent: the owner may press before the send has returned
        waiting.put(id, question);
        answer.whenComplete((decision, error) -> {
            String sent = question.message().get();
            if (waiting.remove(id) != null && error != null && sent != null) {
                try {
                    rest.edit(channel, sent, settled(text + "\n⏹ *Not answered: the turn ended.*"));
                } catch (RuntimeException failure) {
                    LOG.debug("Could not update an approval question: {}", failure.getMessage());
                }
            }
        });
        try {
            ObjectNode message = DiscordRest.NODES.objectNode().put("content", text);
            ArrayNode buttons = message.putArray("components").addObject().put("type", 1).putArray("components");
            button(buttons, SUCCESS, PREFIX + "allow:" + id, "Allow");
            button(buttons, DANGER, PREFIX + "deny:" + id, "Deny");
            button(buttons, SECONDARY, PREFIX + "session:" + id, "Allow in this conversation");
            question.message().set(rest.send(channel, message).path("id").asText());
        } catch (RuntimeException e) {
            answer.completeExceptionally(new IllegalStateException("the question could not be sent to Discord: "
                    + e.getMessage()));
        }
        return answer;
    }

    /** @return whether a button's custom id belongs to an approval */
    static boolean isApproval(String customId) {
        return customId.startsWith(PREFIX);
    }

    /** Handles a press; the interaction is answered here. */
    void onPress(DiscordRest rest, DiscordInteraction event) {
        String[] parts = event.customId().split(":");
        String presser = event.userId();
        Question question = parts.length == 3 ? waiting.get(parts[2]) : null;
        if (question == null) {
            ephemeral(rest, event, "This question is no longer open.");
            return;
        }
        if (!presser.equals(question.requester()) && !owner.test(presser)) {
            LOG.info("Discord user {} pressed an approval button but may not answer it", presser);
            ephemeral(rest, event, "Only <@" + question.requester() + "> or the owner can answer this.");
            return;
        }
        if (waiting.remove(parts[2]) == null) {
            ephemeral(rest, event, "This question was already answered.");
            return;
        }
        ApprovalDecision decision;
        String outcome;
        switch (parts[1]) {
            case "allow" -> {
                decision = ApprovalDecision.APPROVE;
                outcome = "✅ *Allowed by <@" + presser + ">.*";
            }
            case "session" -> {
                decision = ApprovalDecision.ALLOW_FOR_SESSION;
                outcome = "✅ *Allowed in this conversation by <@" + presser + ">.*";
            }
            default -> {
                decision = ApprovalDecision.REJECT;
                outcome = "❌ *Denied by <@" + presser + ">.*";
            }
        }
        try {
            // the question shows the outcome (and loses its buttons) before the turn goes on
            rest.respond(event, 7, settled(question.text() + "\n" + outcome));
        } catch (RuntimeException e) {
            LOG.warn("Could not update the approval question: {}", e.getMessage());
        }
        question.answer().complete(decision);
    }

    /** @return a message's new text without its buttons */
    private static ObjectNode settled(String text) {
        ObjectNode changes = DiscordRest.NODES.objectNode().put("content", text);
        changes.putArray("components");
        return changes;
    }

    private static void button(ArrayNode row, int style, String customId, String label) {
        row.addObject().put("type", 2).put("style", style).put("custom_id", customId).put("label", label);
    }

    /** Answers an interaction with a message only its user sees. */
    static void ephemeral(DiscordRest rest, DiscordInteraction event, String text) {
        try {
            rest.respond(event, 4, DiscordRest.NODES.objectNode().put("content", text).put("flags", 64));
        } catch (RuntimeException e) {
            LOG.warn("Could not answer a Discord interaction: {}", e.getMessage());
        }
    }

    /** Cancels every open question (the channel stops). */
    void cancelAll() {
        for (Question question : List.copyOf(waiting.values())) {
            question.answer().cancel(false);
        }
    }
}
