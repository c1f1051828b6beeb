package org.openpista.channel.slack.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.Attachment;
import org.openpista.channel.support.InFlight;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One turn's way back to its thread: the answer as mrkdwn messages of at most {@value Mrkdwn#LIMIT}
 * characters, images as file uploads into the thread, errors as one line prefixed with ❌, and
 * approval questions as buttons in the thread.
 */
final class ThreadTurn implements ReplySink {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadTurn.class);
    private static final List<String> IMAGES = List.of("image/png", "image/jpeg", "image/gif", "image/webp");

    private final SlackApi api;
    private final Approvals approvals;
    private final Mrkdwn format;
    private final InFlight inFlight;
    private final String channel;
    private final String threadTs;
    private final String requester;
    private final AtomicBoolean done = new AtomicBoolean();

    ThreadTurn(SlackApi api, Approvals approvals, Mrkdwn format, InFlight inFlight, String channel, String threadTs,
            String requester) {
        this.api = api;
        this.approvals = approvals;
        this.format = format;
        this.inFlight = inFlight;
        this.channel = channel;
        this.threadTs = threadTs;
        this.requester = requester;
        inFlight.begin();
    }

    @Override
    public void reply(AgentReply reply) {
        try {
            deliver(reply);
        } finally {
            finish();
        }
    }

    private void deliver(AgentReply reply) {
        try {
            List<String> messages = reply.error() ? format.plain("❌ " + oneLine(reply.text())) : format.render(reply.text());
            if (messages.isEmpty() && reply.attachments().isEmpty()) {
                messages = format.plain("(no answer)");
            }
            for (String text : messages) {
                api.post(channel, threadTs, text, null);
            }
            for (Attachment attachment : reply.attachments()) {
                if (IMAGES.contains(attachment.mimeType())) {
                    api.upload(channel, threadTs, attachment);
                } else {
                    api.post(channel, threadTs, Mrkdwn.escape("(an attachment of type " + attachment.mimeType()
                            + " cannot be shown here: " + attachment.name() + ", " + attachment.size() + " bytes)"), null);
                }
            }
        } catch (SlackException e) {
            LOG.error("The answer could not be delivered to Slack {} thread {}: {}", channel, threadTs, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("Interrupted while delivering an answer to Slack {}", channel);
        }
    }

    @Override
    public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
        return approvals.ask(channel, threadTs, requester, request);
    }

    /** Ends the turn without an answer (the message was never submitted). */
    void abandon() {
        finish();
    }

    private void finish() {
        if (done.compareAndSet(false, true)) {
            inFlight.end();
        }
    }

    private static String oneLine(String text) {
        String line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        return line.isEmpty() ? "the turn failed" : line;
    }
}
