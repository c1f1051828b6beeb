package org.openpista.channel.slack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * Tool approvals as Block Kit buttons in the thread of the turn: the question shows the exact call
 * (tool and arguments, and where the tool comes from and how it runs) with Allow, Deny and "Allow in
 * this thread"; the press comes back as a {@code block_actions} payload through the interactivity
 * endpoint (Socket Mode or the signed HTTP endpoint). Each question has an id of its own in the
 * buttons' values, so a press answers exactly that call. Only the user whose message started the
 * turn, or one of {@code allowed_users}, may answer; anyone else gets an ephemeral notice and changes
 * nothing. Once answered (or when the turn ends first) the question is updated to show the outcome
 * and loses its buttons.
 */
final class Approvals {

    /** The action ids of the buttons. */
    static final String ALLOW = "openpista_allow";
    static final String DENY = "openpista_deny";
    static final String ALLOW_THREAD = "openpista_allow_thread";

    private static final Logger LOG = LoggerFactory.getLogger(Approvals.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ARGUMENTS = 2500;

    /** A question waiting for a press. */
    private record Question(CompletableFuture<ApprovalDecision> answer, String channel, String threadTs, String requester,
            AtomicReference<String> ts, String text) {}

    private final SlackApi api;
    private final Predicate<String> owner;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Question> waiting = new ConcurrentHashMap<>();

    /** @param owner whether a user id is one of {@code allowed_users}, who may answer any question */
    Approvals(SlackApi api, Predicate<String> owner) {
        this.api = api;
        this.owner = owner;
    }

    /** Posts the question into the thread; the returned stage completes when it is answered. */
    CompletionStage<ApprovalDecision> ask(String channel, String threadTs, String requester, ApprovalRequest request) {
        String id = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        String arguments = request.call().arguments();
        if (arguments.length() > MAX_ARGUMENTS) {
            arguments = arguments.substring(0, MAX_ARGUMENTS) + "… (" + (arguments.length() - MAX_ARGUMENTS) + " more characters)";
        }
        String text = "🔐 *Allow this tool call?*\n`" + Mrkdwn.escape(request.call().name()) + "`\n```\n"
                + Mrkdwn.escape(arguments).replace("```", "`\u200b``") + "\n```"
                + (request.note().isEmpty() ? "" : "\n_" + Mrkdwn.escape(request.note()).replace("_", " ") + "_");
        CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
        Question question = new Question(answer, channel, threadTs, requester, new AtomicReference<>(), text);
        // open before it is posted: the owner may press before chat.postMessage has returned
        waiting.put(id, question);
        answer.whenComplete((decision, error) -> {
            if (waiting.remove(id) != null && error != null && question.ts().get() != null) {
                settle(question, "⏹ _Not answered: the turn ended._");
            }
        });
        try {
            question.ts().set(api.post(channel, threadTs, "Allow the tool call " + request.call().name() + "?",
                    blocks(text, id)));
        } catch (SlackException e) {
            answer.completeExceptionally(new IllegalStateException("the question could not be posted to Slack: "
                    + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.completeExceptionally(e);
        }
        return answer;
    }

    /** @return whether an action id belongs to an approval button */
    static boolean isApproval(String actionId) {
        return actionId.equals(ALLOW) || actionId.equals(DENY) || actionId.equals(ALLOW_THREAD);
    }

    /** Handles a {@code block_actions} payload (its first action). */
    void onPress(JsonNode payload) throws InterruptedException {
        JsonNode action = payload.path("actions").path(0);
        String actionId = action.path("action_id").asText("");
        String presser = payload.path("user").path("id").asText("");
        String channel = payload.path("channel").path("id").asText(payload.path("container").path("channel_id").asText(""));
        String threadTs = payload.path("container").path("thread_ts").asText(null);
        if (!isApproval(actionId)) {
            return;
        }
        Question question = waiting.get(action.path("value").asText(""));
        if (question == null) {
            notice(channel, threadTs, presser, "This question is no longer open.");
            return;
        }
        if (!presser.equals(question.requester()) && !owner.test(presser)) {
            LOG.info("Slack user {} pressed an approval button in {} but may not answer it", presser, question.channel());
            notice(channel, threadTs, presser, "Only <@" + question.requester() + "> or the owner can answer this.");
            return;
        }
        if (waiting.remove(action.path("value").asText("")) == null) {
            notice(channel, threadTs, presser, "This question was already answered.");
            return;
        }
        // pressed before chat.postMessage returned its ts here: the press names the message
        String pressedTs = payload.path("container").path("message_ts").asText(payload.path("message").path("ts").asText(""));
        if (!pressedTs.isEmpty()) {
            question.ts().compareAndSet(null, pressedTs);
        }
        ApprovalDecision decision;
        String outcome;
        switch (actionId) {
            case ALLOW -> {
                decision = ApprovalDecision.APPROVE;
                outcome = "✅ _Allowed by <@" + presser + ">._";
            }
            case ALLOW_THREAD -> {
                decision = ApprovalDecision.ALLOW_FOR_SESSION;
                outcome = "✅ _Allowed in this thread by <@" + presser + ">._";
            }
            default -> {
                decision = ApprovalDecision.REJECT;
                outcome = "❌ _Denied by <@" + presser + ">._";
            }
        }
        // the question shows the outcome before the turn goes on with it
        settle(question, outcome);
        question.answer().complete(decision);
    }

    /** Cancels every open question (the channel stops). */
    void cancelAll() {
        for (Question question : List.copyOf(waiting.values())) {
            question.answer().cancel(false);
        }
    }

    private void settle(Question question, String outcome) {
        String ts = question.ts().get();
        if (ts == null) {
            return;
        }
        try {
            String text = question.text() + "\n" + outcome;
            api.update(question.channel(), ts, text, blocks(text, null));
        } catch (SlackException e) {
            LOG.warn("Could not update the approval question in {}: {}", question.channel(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void notice(String channel, String threadTs, String user, String text) throws InterruptedException {
        try {
            api.postEphemeral(channel, threadTs, user, text);
        } catch (SlackException e) {
            LOG.warn("Could not tell Slack user {} about a button press: {}", user, e.getMessage());
        }
    }

    /** @return the question's blocks: its text and, while open, the buttons carrying its id */
    static String blocks(String text, String id) {
        ArrayNode blocks = JSON.createArrayNode();
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn").put("text", text);
        if (id != null) {
            ObjectNode actions = blocks.addObject().put("type", "actions").put("block_id", "openpista_approval_" + id);
            ArrayNode buttons = actions.putArray("elements");
            button(buttons, ALLOW, "✅ Allow", id).put("style", "primary");
            button(buttons, DENY, "❌ Deny", id).put("style", "danger");
            button(buttons, ALLOW_THREAD, "Allow in this thread", id);
        }
        return blocks.toString();
    }

    private static ObjectNode button(ArrayNode buttons, String actionId, String label, String id) {
        ObjectNode button = buttons.addObject().put("type", "button").put("action_id", actionId).put("value", id);
        button.putObject("text").put("type", "plain_text").put("text", label).put("emoji", true);
        return button;
    }
}
