package org.openpista.core.internal;

import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.chat.Attachment;
import org.openpista.api.feed.SessionEvent;
import org.openpista.api.feed.SessionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the {@link SessionListener}s about every turn, whichever channel its message came from:
 * its message when it starts, the pieces of its answer, and its answer. A turn that starts with no
 * listener registered runs as it is (one list check); the listeners are those registered when it
 * started, so each one hears a whole turn. One that fails is logged and the others still hear.
 */
final class SessionFeed {

    private static final Logger LOG = LoggerFactory.getLogger(SessionFeed.class);
    /** What listeners hear of a turn that ended with an exception (the channel hears the details). */
    static final String FAILED = "the turn failed";

    private final Supplier<List<SessionListener>> listeners;

    SessionFeed(Supplier<List<SessionListener>> listeners) {
        this.listeners = listeners;
    }

    /** @return the runner with every turn it runs told to the listeners */
    Function<Turn, AgentReply> around(Function<Turn, AgentReply> runner) {
        return turn -> run(turn, runner);
    }

    private AgentReply run(Turn turn, Function<Turn, AgentReply> runner) {
        List<SessionListener> now = listeners.get();
        if (now.isEmpty()) {
            return runner.apply(turn);
        }
        Told told = new Told(List.copyOf(now), turn.sessionId(), turn.message());
        InboundMessage message = turn.message();
        told.tell(SessionEvent.Kind.MESSAGE, message.text(), false, message.attachments());
        AgentReply reply = null;
        try {
            reply = runner.apply(new Turn(turn.sessionId(), message, new Streamed(turn.sink(), told), turn.cancellation()));
            return reply;
        } finally {
            if (reply == null) {
                told.tell(SessionEvent.Kind.ANSWER, FAILED, true, List.of());
            } else {
                told.tell(SessionEvent.Kind.ANSWER, reply.text(), reply.error(), reply.attachments());
            }
        }
    }

    /** The listeners of one turn. */
    private record Told(List<SessionListener> listeners, String sessionId, InboundMessage message) {

        void tell(SessionEvent.Kind kind, String text, boolean error, List<Attachment> attachments) {
            SessionEvent event = new SessionEvent(kind, sessionId, message.channel(), message.conversationKey(), text, error,
                    attachments);
            for (SessionListener listener : listeners) {
                try {
                    listener.sessionEvent(event);
                } catch (RuntimeException | LinkageError e) {
                    LOG.warn("A session listener ({}) failed; the turn goes on", listener.getClass().getName(), e);
                }
            }
        }
    }

    /** The channel's sink, with the answer's pieces told to the listeners too. */
    private record Streamed(ReplySink channel, Told told) implements ReplySink {

        @Override
        public void reply(AgentReply reply) {
            channel.reply(reply);
        }

        @Override
        public void textDelta(String sessionId, String delta) {
            channel.textDelta(sessionId, delta);
            if (!delta.isEmpty()) {
                told.tell(SessionEvent.Kind.TEXT_DELTA, delta, false, List.of());
            }
        }

        @Override
        public void progress(ProgressEvent event) {
            channel.progress(event);
        }

        @Override
        public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
            return channel.requestApproval(request);
        }
    }
}
