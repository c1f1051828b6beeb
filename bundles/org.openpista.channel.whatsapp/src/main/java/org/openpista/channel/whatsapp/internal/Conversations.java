package org.openpista.channel.whatsapp.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
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
    }

    private static final Logger LOG = LoggerFactory.getLogger(Conversations.class);

    private final AgentGateway gateway;
    private final Allowlist allowlist;
    private final Sender sender;
    /** Per chat: completes when everything handed over for it so far is sent (or failed). */
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

    /** @param gateway the agent; {@code null} where none runs (a command's own connection): senders are told so */
    Conversations(AgentGateway gateway, Allowlist allowlist, Sender sender) {
        this.gateway = gateway;
        this.allowlist = allowlist;
        this.sender = sender;
    }

    /**
     * A message arrived.
     *
     * @param phone the sender's number
     * @param replyTo where answers go (a number or the bridge's JID)
     * @param text the text
     * @param owner whether the owner wrote it (WhatsApp's "message yourself" chat), who is always
     *     allowed
     * @param messageId WhatsApp's id of the message, or empty
     * @return whether the message went to the agent (false: the sender is not allowed)
     */
    boolean received(String phone, String replyTo, String text, boolean owner, String messageId) {
        String number = Allowlist.digits(phone);
        if (!owner && !allowlist.allows(number)) {
            return false;
        }
        if (text.isBlank()) {
            return false;
        }
        InboundMessage message = new InboundMessage(CHANNEL, CHANNEL + ":" + number, null, number, text, List.of(),
                messageId == null || messageId.isEmpty() ? Map.of() : Map.of("message.id", messageId));
        if (gateway == null) {
            sendAll(replyTo, ERROR_MARK + "the agent is not available right now");
            return true;
        }
        try {
            gateway.submit(message, new Reply(replyTo));
        } catch (RuntimeException e) {
            LOG.error("WhatsApp: cannot hand a message from {} to the agent", Allowlist.mask(number), e);
            sendAll(replyTo, ERROR_MARK + "the agent is not available right now");
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
        private final String to;

        Reply(String to) {
            this.to = to;
        }

        @Override
        public void reply(AgentReply reply) {
            String text = reply.error() ? ERROR_MARK + reply.text().strip() : reply.text();
            if (text.isBlank()) {
                return;
            }
            sendAll(to, text).whenComplete((done, failure) -> {
                if (failure != null) {
                    LOG.warn("WhatsApp: cannot send the answer to {}: {}", Allowlist.mask(to), message(failure));
                }
            });
        }
    }

    static String message(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
