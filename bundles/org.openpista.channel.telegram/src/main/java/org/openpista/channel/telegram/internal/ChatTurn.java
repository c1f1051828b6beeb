package org.openpista.channel.telegram.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.Attachment;
import org.openpista.channel.support.InFlight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn's way back to its chat: "typing…" while the agent works (Telegram shows it for five
 * seconds, so it is repeated every four), then the answer as formatted messages of at most 4096
 * characters, images as photos, and errors as one plain line prefixed with ❌.
 */
final class ChatTurn implements ReplySink {

    private static final Logger LOG = LoggerFactory.getLogger(ChatTurn.class);
    private static final long TYPING_EVERY_SECONDS = 4;

    private final BotApi api;
    private final Approvals approvals;
    private final TelegramFormat format;
    private final long chatId;
    private final long requesterId;
    private final ScheduledFuture<?> typing;
    private final InFlight inFlight;
    private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

    ChatTurn(BotApi api, Approvals approvals, TelegramFormat format, ScheduledExecutorService timer, InFlight inFlight,
            long chatId, long requesterId) {
        this.api = api;
        this.inFlight = inFlight;
        inFlight.begin();
        this.approvals = approvals;
        this.format = format;
        this.chatId = chatId;
        this.requesterId = requesterId;
        this.typing = timer.scheduleWithFixedDelay(this::showTyping, 0, TYPING_EVERY_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void reply(AgentReply reply) {
        typing.cancel(false);
        try {
            deliver(reply);
        } finally {
            finish();
        }
    }

    private void deliver(AgentReply reply) {
        try {
            if (reply.error()) {
                send(format.plain("❌ " + oneLine(reply.text())));
            } else {
                List<TelegramFormat.Chunk> chunks = format.render(reply.text());
                if (chunks.isEmpty() && reply.attachments().isEmpty()) {
                    chunks = format.plain("(no answer)");
                }
                send(chunks);
            }
            for (Attachment attachment : reply.attachments()) {
                if (BotApi.isPhoto(attachment)) {
                    api.sendPhoto(chatId, attachment, attachment.name());
                } else {
                    send(format.plain("(an attachment of type " + attachment.mimeType() + " cannot be shown here: "
                            + attachment.name() + ", " + attachment.size() + " bytes)"));
                }
            }
        } catch (BotApiException e) {
            LOG.error("The answer could not be delivered to Telegram chat {}: {}", chatId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while delivering an answer to Telegram chat {}", chatId);
        }
    }

    @Override
    public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
        return approvals.ask(chatId, requesterId, request);
    }

    /** Stops the typing indicator without an answer (the message was never submitted). */
    void abandon() {
        typing.cancel(false);
        finish();
    }

    private void finish() {
        if (done.compareAndSet(false, true)) {
            inFlight.end();
        }
    }

    private void send(List<TelegramFormat.Chunk> chunks) throws BotApiException, InterruptedException {
        for (TelegramFormat.Chunk chunk : chunks) {
            try {
                api.sendMessage(chatId, chunk.html(), true, null);
            } catch (BotApiException e) {
                if (!e.badMarkup()) {
                    throw e;
                }
                // should not happen, but an answer without formatting beats no answer
                LOG.warn("Telegram refused the formatting of an answer ({}); sending it as plain text", e.getMessage());
                api.sendMessage(chatId, chunk.plain(), false, null);
            }
        }
    }

    private void showTyping() {
        try {
            api.sendTyping(chatId);
        } catch (BotApiException e) {
            LOG.debug("Typing indicator for chat {} failed: {}", chatId, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("Typing indicator for chat {} failed", chatId, e);
        }
    }

    private static String oneLine(String text) {
        String line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return line.isEmpty() ? "the turn failed" : line;
    }
}
