package org.openpista.channel.discord.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
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
 * One turn's way back to its channel: "typing…" while the agent works (Discord shows it for ten
 * seconds, so it is repeated every eight), then the answer as messages of at most {@value
 * Chunks#LIMIT} characters, images as attachments, errors as one line prefixed with ❌, approval
 * questions as buttons. {@link DiscordRest} waits out rate limits.
 */
final class ChannelTurn implements ReplySink {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelTurn.class);
    private static final List<String> IMAGES = List.of("image/png", "image/jpeg", "image/gif", "image/webp");

    private final DiscordRest rest;
    private final String channel;
    private final Approvals approvals;
    private final InFlight inFlight;
    private final String requester;
    private final ScheduledFuture<?> typing;
    private final AtomicBoolean done = new AtomicBoolean();

    /** @param channel the channel's id */
    ChannelTurn(DiscordRest rest, String channel, Approvals approvals, InFlight inFlight, ScheduledExecutorService timer,
            String requester) {
        this.rest = rest;
        this.channel = channel;
        this.approvals = approvals;
        this.inFlight = inFlight;
        this.requester = requester;
        inFlight.begin();
        this.typing = timer.scheduleWithFixedDelay(() -> rest.typing(channel), 0, 8, TimeUnit.SECONDS);
    }

    @Override
    public void reply(AgentReply reply) {
        typing.cancel(false);
        try {
            List<String> messages = reply.error() ? List.of("❌ " + oneLine(reply.text())) : Chunks.split(reply.text());
            if (messages.isEmpty() && reply.attachments().isEmpty()) {
                messages = List.of("(no answer)");
            }
            for (String text : messages) {
                rest.send(channel, text);
            }
            for (Attachment attachment : reply.attachments()) {
                if (IMAGES.contains(attachment.mimeType())) {
                    String name = attachment.name().isBlank() ? "image." + attachment.mimeType().substring(6) : attachment.name();
                    rest.sendFiles(channel, List.of(new DiscordRest.Upload(name, attachment.data())));
                } else {
                    rest.send(channel, "(an attachment of type " + attachment.mimeType() + " cannot be shown here: "
                            + attachment.name() + ", " + attachment.size() + " bytes)");
                }
            }
        } catch (RuntimeException e) {
            LOG.error("The answer could not be delivered to Discord channel {}: {}", channel, e.getMessage());
        } finally {
            finish();
        }
    }

    @Override
    public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
        return approvals.ask(rest, channel, requester, request);
    }

    /** Ends the turn without an answer (the message was never submitted). */
    void abandon() {
        typing.cancel(false);
        finish();
    }

    private void finish() {
        if (done.compareAndSet(false, true)) {
            inFlight.end();
        }
    }

    private static String oneLine(String text) {
        String line = text == null ? "" : text.replaceAll("\\s+", " ").strip();
        line = line.isEmpty() ? "the turn failed" : line;
        return line.length() > Chunks.LIMIT - 10 ? line.substring(0, Chunks.LIMIT - 11) + "…" : line;
    }
}
