package org.openpista.channel.web.internal;

import static org.openpista.channel.support.FrameFields.describe;
import static org.openpista.channel.support.FrameFields.flag;
import static org.openpista.channel.support.FrameFields.optionalId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.Attachment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages from the web and the turns they start: a message is acknowledged, shown to the other
 * connections of its session, and handed to the agent; the stop button cancels the turns of the
 * connection's session, wherever they were started.
 */
final class Turns {

    private static final Logger LOG = LoggerFactory.getLogger(Turns.class);

    private final WebSettings settings;
    private final AgentGateway gateway;
    private final Clients clients;
    private final Approvals approvals;
    private final ScheduledExecutorService timer;
    private final Resumes resumes;
    private final Map<String, Set<WebTurn>> running = new ConcurrentHashMap<>();

    Turns(WebSettings settings, AgentGateway gateway, Clients clients, Approvals approvals, ScheduledExecutorService timer,
            ReplyLedger ledger) {
        this.settings = settings;
        this.gateway = gateway;
        this.clients = clients;
        this.approvals = approvals;
        this.timer = timer;
        // a resend waits at most as long as its turn may run, and a little for the swap itself
        this.resumes = new Resumes(ledger, clients, timer, settings.turnTimeout().plusSeconds(30));
    }

    /**
     * A {@code message} frame: submitted (stored), then acknowledged and echoed to the session's other connections;
     * sent again after a reconnect ({@code "resend": true}), see {@link Resumes}.
     */
    void message(Connection connection, JsonNode frame) {
        String messageId = optionalId(frame, "message_id");
        String sessionId = connection.sessionId();
        JsonNode content = frame.get("content");
        if (content == null || !content.isTextual()) {
            connection.send(messageError(messageId, sessionId, "the message needs a \"content\" string"));
            return;
        }
        String text = content.textValue();
        List<Attachment> attachments;
        try {
            attachments = Uploads.of(frame.get("attachments"));
        } catch (IllegalArgumentException e) {
            connection.send(messageError(messageId, sessionId, e.getMessage()));
            return;
        }
        if (text.isBlank() && attachments.isEmpty()) {
            connection.send(messageError(messageId, sessionId, "the message is empty"));
            return;
        }
        // a client that reconnected sends its unanswered message again: it runs once, its answer comes once
        if (flag(frame, "resend", false) && messageId != null && resumes.resent(connection, sessionId, messageId,
                () -> runs(sessionId, messageId), () -> submit(connection, sessionId, messageId, text, attachments))) {
            return;
        }
        submit(connection, sessionId, messageId, text, attachments);
    }

    /** Asked under the lock of {@link Resumes}: a turn still here has not broadcast its end yet (it leaves after). */
    private boolean runs(String sessionId, String messageId) {
        for (WebTurn turn : running.getOrDefault(sessionId, Set.of())) {
            if (messageId.equals(turn.messageId())) {
                return true;
            }
        }
        return false;
    }

    private void submit(Connection connection, String sessionId, String messageId, String text, List<Attachment> attachments) {
        Map<String, String> metadata = new HashMap<>();
        metadata.put("client_id", connection.clientId());
        if (messageId != null) {
            metadata.put("message_id", messageId);
        }
        InboundMessage message = new InboundMessage(ChatHub.CHANNEL, connection.conversationKey(), sessionId,
                connection.clientId(), text, attachments, metadata);
        WebTurn turn = new WebTurn(this, clients, approvals, sessionId, messageId, settings.turnTimeout(), timer);
        running.computeIfAbsent(sessionId, key -> ConcurrentHashMap.newKeySet()).add(turn);
        turn.start();
        TurnHandle handle;
        resumes.taken(sessionId, messageId);
        try {
            // submit() has stored the message when it returns: only then is it acknowledged ("it survives a
            // restart"); whatever the turn sends meanwhile waits until the acknowledgement went out
            handle = gateway.submit(message, turn);
        } catch (RuntimeException e) {
            LOG.warn("The agent refused a web message in session {}", sessionId, e);
            ended(turn);
            resumes.notTaken(sessionId, messageId);
            turn.submitted(null);
            connection.send(messageError(messageId, sessionId, e instanceof IllegalArgumentException
                    ? e.getMessage() : "the agent could not take the message: " + describe(e)));
            return;
        }
        ObjectNode ack = Frames.frame("message_ack").put("session_id", sessionId);
        if (messageId != null) {
            ack.put("message_id", messageId);
        }
        // held back a moment: the turn's first output, or its answer, takes it along in one write
        connection.stream(ack);
        ObjectNode echo = Frames.frame("user_message").put("session_id", sessionId).put("content", text)
                .put("client_id", connection.clientId());
        if (messageId != null) {
            echo.put("message_id", messageId);
        }
        Frames.attachments(echo, attachments);
        clients.broadcastExcept(sessionId, connection, echo);
        turn.submitted(handle);
    }

    private static ObjectNode messageError(String messageId, String sessionId, String error) {
        ObjectNode frame = Frames.frame("message_error").put("session_id", sessionId).put("error", error);
        if (messageId != null) {
            frame.put("message_id", messageId);
        }
        return frame;
    }

    /**
     * Runs a turn's end once, for a session no connection shows. A turn answers to the version of
     * this bundle that took its message, also after that version was replaced (its bundle updated
     * and refreshed), when its class loader can load no class any more: every class the end of a
     * turn needs is loaded here, while it still can.
     */
    void rehearseTheEndOfATurn() {
        String nobody = "\u0000rehearsal";
        WebTurn turn = new WebTurn(this, clients, approvals, nobody, null, settings.turnTimeout(), timer);
        running.computeIfAbsent(nobody, key -> ConcurrentHashMap.newKeySet()).add(turn);
        turn.submitted(null);
        turn.progress(new ProgressEvent(nobody, ProgressEvent.Kind.THINKING, "tool", "call", ""));
        turn.textDelta(nobody, "-");
        turn.reply(AgentReply.answer(nobody, ""));
    }

    /** The turn answered or timed out with this frame: kept for a resend, sent to the session, and the turn ended. */
    void finish(WebTurn turn, ObjectNode frame) {
        resumes.finish(turn.sessionId(), turn.messageId(), frame, () -> ended(turn));
    }

    /** The user stopped the turn: it ends without a frame of its own. */
    void cancelled(WebTurn turn) {
        ended(turn);
        resumes.cancelled(turn.sessionId(), turn.messageId());
    }

    /** The turn answered, timed out or was stopped. */
    void ended(WebTurn turn) {
        running.computeIfPresent(turn.sessionId(), (key, set) -> {
            set.remove(turn);
            return set.isEmpty() ? null : set;
        });
    }

    /** The stop button or Esc: cancels the turns of the connection's session and its approval questions. */
    void cancel(Connection connection) {
        String sessionId = connection.sessionId();
        int cancelled = 0;
        for (WebTurn turn : new ArrayList<>(running.getOrDefault(sessionId, Set.of()))) {
            if (turn.cancelByUser()) {
                cancelled++;
            }
        }
        // turns of the session started elsewhere (the terminal, another client) stop too
        cancelled = Math.max(cancelled, gateway.cancel(sessionId));
        approvals.cancelSession(sessionId);
        clients.broadcast(sessionId, Frames.frame("generation_cancelled").put("session_id", sessionId)
                .put("cancelled", cancelled));
    }
}
