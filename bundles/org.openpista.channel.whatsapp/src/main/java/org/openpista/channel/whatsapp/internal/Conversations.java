package org.openpista.channel.whatsapp.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.Attachment;
import org.openpista.api.memory.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands WhatsApp messages to the agent, one conversation {@code whatsapp:{phone}} per sender, and
 * sends the answers back: long ones in several messages, in order; a failed turn as one line
 * starting with ❌. Both modes (bridge and Cloud API) use it with their own {@link Sender}.
 */
final class Conversations {

    /** The channel id. */
    static final String CHANNEL = "whatsapp";
    /** Marks an error answer. */
    static final String ERROR_MARK = "❌ ";

    /** Sends one message (at most {@link TextSplitter#LIMIT} characters). */
    interface Sender {
        /** @return completes once the message was accepted, exceptionally when it was not */
        CompletionStage<Void> send(String to, String text);

        /**
         * Sends an image (PNG or JPEG) as an image message.
         *
         * @return completes once it was accepted; {@code false} when this side cannot send images
         */
        default CompletionStage<Boolean> sendImage(String to, Attachment image) {
            return CompletableFuture.completedFuture(false);
        }

        /**
         * Sends an approval question in this mode's way (buttons, or a numbered list).
         *
         * @return completes with WhatsApp's id of the question message (may be empty)
         */
        CompletionStage<String> ask(String to, WhatsAppApprovals.Question question);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Conversations.class);

    private final AgentGateway gateway;
    private final Allowlist allowlist;
    private final Sender sender;
    private final WhatsAppApprovals approvals = new WhatsAppApprovals(java.time.Clock.systemUTC());
    /** Per chat: completes when everything handed over for it so far is sent (or failed). */
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /** @param gateway the agent; {@code null} where none runs (a command's own connection): senders are told so */
    Conversations(AgentGateway gateway, Allowlist allowlist, Sender sender) {
        this.gateway = gateway;
        this.allowlist = allowlist;
        this.sender = sender;
    }

    /** @return whether a message from this number is taken (checked before any media is fetched) */
    boolean allows(String phone, boolean owner) {
        return owner || allowlist.allows(Allowlist.digits(phone));
    }

    /** @return the approval questions of this channel */
    WhatsAppApprovals approvals() {
        return approvals;
    }

    /**
     * A text message arrived.
     *
     * @see #received(String, String, String, boolean, String, List)
     */
    boolean received(String phone, String replyTo, String text, boolean owner, String messageId) {
        return received(phone, replyTo, text, owner, messageId, List.of());
    }

    /**
     * A message arrived.
     *
     * @param phone the sender's number
     * @param replyTo where answers go (a number or the bridge's JID)
     * @param text the text (a caption, for media)
     * @param owner whether the owner wrote it (WhatsApp's "message yourself" chat), who is always
     *     allowed
     * @param messageId WhatsApp's id of the message, or empty
     * @param attachments photos and files it carries, fetched; the agent checks their content
     * @return whether the message went to the agent (false: the sender is not allowed, or it is empty)
     */
    boolean received(String phone, String replyTo, String text, boolean owner, String messageId,
            List<Attachment> attachments) {
        String number = Allowlist.digits(phone);
        if (!allows(number, owner)) {
            return false;
        }
        if (text.isBlank() && attachments.isEmpty()) {
            return false;
        }
        InboundMessage message = new InboundMessage(CHANNEL, CHANNEL + ":" + number, null, number, text, attachments,
                messageId == null || messageId.isEmpty() ? Map.of() : Map.of("message.id", messageId));
        if (gateway == null) {
            sendAll(replyTo, ERROR_MARK + "the agent is not available right now");
            return true;
        }
        try {
            gateway.submit(message, new Reply(number, replyTo));
        } catch (IllegalArgumentException refused) {
            // the agent refused an attachment (type, size): nothing was stored, the sender learns why
            tell(replyTo, ERROR_MARK + refused.getMessage());
            return false;
        } catch (StoreException e) {
            // the chat is remote: the storage quota is said as it is, other store failures without the daemon's paths
            LOG.warn("WhatsApp: a message from {} was not stored: {}", Allowlist.mask(number), e.getMessage());
            tell(replyTo, ERROR_MARK + (e.getMessage() != null && e.getMessage().startsWith("the storage for photos and files is full")
                    ? e.getMessage() : "the message could not be stored (the daemon's log says why)"));
            return false;
        } catch (RuntimeException e) {
            LOG.error("WhatsApp: cannot hand a message from {} to the agent", Allowlist.mask(number), e);
            sendAll(replyTo, ERROR_MARK + "the agent is not available right now");
        }
        return true;
    }

    /** Sends a short notice (a refused file, an approval's outcome), logging a failure. */
    void tell(String to, String text) {
        sendAll(to, text).whenComplete((done, failure) -> {
            if (failure != null) {
                LOG.warn("WhatsApp: cannot send a notice to {}: {}", Allowlist.mask(to), message(failure));
            }
        });
    }

    /**
     * Takes a possible answer to an approval question, and tells the sender what became of it.
     *
     * @param result what {@link WhatsAppApprovals} made of it
     * @return whether the message was an answer (and so is not for the agent)
     */
    boolean answered(WhatsAppApprovals.Result result, String replyTo) {
        switch (result) {
            case ANSWERED -> {
                return true;
            }
            case NOT_OPEN -> tell(replyTo, "This question is no longer open: nothing was changed.");
            case NOT_YOURS -> tell(replyTo, "This question was not asked to you: nothing was changed.");
            case NOT_AN_ANSWER -> {
                return false;
            }
        }
        return true;
    }

    /**
     * Sends a text in as many messages as it takes, one after the other, and after whatever is
     * still being sent to the same chat, so answers never overtake each other.
     */
    CompletionStage<Void> sendAll(String to, String text) {
        List<String> parts = TextSplitter.split(text);
        // completes normally when this text is through, sent or not: the next text to this chat
        // waits for it, but is sent even when this one failed
        CompletableFuture<Void> settled = new CompletableFuture<>();
        CompletableFuture<Void> tail = tails.put(to, settled);
        CompletableFuture<Void> chain = tail == null ? CompletableFuture.completedFuture(null) : tail;
        for (String part : parts) {
            chain = chain.thenCompose(ignored -> sender.send(to, part).toCompletableFuture());
        }
        chain.whenComplete((ok, failure) -> {
            tails.remove(to, settled);
            settled.complete(null);
        });
        return chain;
    }

    /** The answer of one turn, sent back to the chat it came from. */
    private final class Reply implements ReplySink {
        private final String number;
        private final String to;

        Reply(String number, String to) {
            this.number = number;
            this.to = to;
        }

        @Override
        public void reply(AgentReply reply) {
            String text = reply.error() ? ERROR_MARK + reply.text().strip() : reply.text();
            if (!text.isBlank()) {
                tell(to, text);
            }
            for (Attachment attachment : reply.attachments()) {
                sendAttachment(to, attachment);
            }
        }

        @Override
        public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
            CompletionStage<ApprovalDecision> answer = approvals.ask(number, to, request, (chat, question) -> {
                // after whatever is still being sent to the chat, so the question follows what led to it
                CompletableFuture<Void> before = tails.getOrDefault(chat, CompletableFuture.completedFuture(null));
                return before.thenCompose(ignored -> sender.ask(chat, question));
            });
            return answer.whenComplete((decision, failure) -> {
                if (decision != null) {
                    tell(to, WhatsAppApprovals.outcome(decision, request.call().name()));
                }
            });
        }
    }

    /** An image the turn produced goes as an image message where it can, else as a line saying what it was. */
    private void sendAttachment(String to, Attachment attachment) {
        String note = "(" + (attachment.name().isEmpty() ? "an attachment" : attachment.name()) + ", " + attachment.mimeType()
                + ", " + attachment.size() + " bytes, cannot be shown here)";
        if (!WhatsAppMedia.sendableImage(attachment)) {
            tell(to, note);
            return;
        }
        CompletableFuture<Void> settled = new CompletableFuture<>();
        CompletableFuture<Void> tail = tails.put(to, settled);
        CompletableFuture<Void> before = tail == null ? CompletableFuture.completedFuture(null) : tail;
        CompletableFuture<Boolean> sent = before.thenCompose(ignored -> sender.sendImage(to, attachment).toCompletableFuture());
        sent.whenComplete((done, failure) -> {
            tails.remove(to, settled);
            settled.complete(null);
            if (failure != null) {
                LOG.warn("WhatsApp: cannot send an image to {}: {}", Allowlist.mask(to), message(failure));
                tell(to, ERROR_MARK + "an image could not be sent: " + message(failure));
            } else if (!done) {
                tell(to, note);
            }
        });
    }

    static String message(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
