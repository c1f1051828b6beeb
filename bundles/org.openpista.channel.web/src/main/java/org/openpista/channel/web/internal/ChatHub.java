package org.openpista.channel.web.internal;

import static org.openpista.channel.support.FrameFields.clip;
import static org.openpista.channel.support.FrameFields.describe;
import static org.openpista.channel.support.FrameFields.flag;
import static org.openpista.channel.support.FrameFields.oneLine;
import static org.openpista.channel.support.FrameFields.requiredId;
import static org.openpista.channel.support.FrameFields.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.feed.SessionEvent;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.model.ModelChoice;
import org.openpista.channel.support.FrameFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat behind the WebSocket: a connection's life (the connect sequence, its frames, its end)
 * and which part answers each frame type. The parts: {@link Clients} (who is connected, where
 * frames go), {@link Turns}, {@link OtherChannels} (turns of other channels), {@link Approvals}, {@link Sessions}, {@link Models}, {@link
 * ProviderLogins}, {@link PairingFeed} and {@link DaemonInfo}.
 */
final class ChatHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatHub.class);

    /** The channel id. */
    static final String CHANNEL = "web";

    private final WebSettings settings;
    private final Authenticator authenticator;
    private final Clients clients = new Clients();
    private final ScheduledExecutorService timer;
    private final SlowWork slow = new SlowWork();
    private final Flushes flushes = new Flushes();
    private final Approvals approvals;
    private final Turns turns;
    private final Sessions sessions;
    private final Models models;
    private final ProviderLogins logins;
    private final PairingFeed pairings;
    private final DaemonInfo info;
    private final OtherChannels others = new OtherChannels(clients);

    ChatHub(WebSettings settings, Authenticator authenticator, AgentGateway gateway, ConversationStore store,
            OptionalServices services, Clock clock, ReplyLedger ledger) {
        this.settings = settings;
        this.authenticator = authenticator;
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "openpista-web-timer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        this.approvals = new Approvals(clients, settings.approvalTimeout());
        this.turns = new Turns(settings, gateway, clients, approvals, timer, ledger);
        timer.scheduleWithFixedDelay(ledger::sweep, 0, 1, TimeUnit.HOURS);
        turns.rehearseTheEndOfATurn();
        others.rehearse();
        this.sessions = new Sessions(settings, store, gateway, services, clients, approvals);
        this.models = new Models(services, clients);
        this.logins = new ProviderLogins(services, slow);
        this.pairings = new PairingFeed(services::pairing, timer);
        this.info = new DaemonInfo(services, clock);
    }

    WebSettings settings() {
        return settings;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    Flushes flushes() {
        return flushes;
    }

    /** @return the session a client lands in when it names none */
    String defaultSession(String clientId) {
        return sessions.defaultSession(clientId);
    }

    String conversationKey(String clientId) {
        return sessions.conversationKey(clientId);
    }

    /** @return the provider and model the next turn uses, or {@code null} when that is not known */
    ModelChoice currentModel() {
        return models.current();
    }

    int connectionCount() {
        return clients.count();
    }

    /**
     * Sends a message nobody asked for (a scheduled job's answer) to the connections of a client, or
     * of a session.
     *
     * @return how many connections got it
     */
    int deliver(String target, String text) {
        return clients.deliver(target, text);
    }

    /** Something happened in a session, maybe from another channel: shown to the connections that show it. */
    void sessionEvent(SessionEvent event) {
        others.heard(event);
    }

    /** A socket opened for an authenticated client: the connect sequence. */
    void opened(Connection connection) {
        clients.add(connection);
        connection.authenticate(settings.maxFrameBytes());
        connection.send(authResult(connection));
        sessions.sendList(connection);
        sessions.sendHistory(connection, connection.sessionId());
        LOG.debug("Web client connected: {}", connection);
    }

    void closed(Connection connection) {
        connection.closed();
        clients.remove(connection);
        pairings.forget(connection);
        LOG.debug("Web client disconnected: {}", connection);
    }

    /** A text frame arrived. Malformed frames get an {@code error} frame; the connection stays usable. */
    void received(Connection connection, String text) {
        JsonNode frame;
        try {
            frame = Frames.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            connection.send(Frames.error("bad_json", "the frame is not valid JSON: " + oneLine(e.getOriginalMessage())));
            return;
        }
        if (frame == null || !frame.isObject()) {
            connection.send(Frames.error("bad_frame", "a frame must be a JSON object with a \"type\""));
            return;
        }
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            connection.send(Frames.error("bad_frame", "the frame has no \"type\" string"));
            return;
        }
        String type = typeNode.textValue();
        try {
            dispatch(connection, type, frame);
        } catch (FrameFields.BadFrame e) {
            connection.send(Frames.error("bad_frame", e.getMessage()).put("in_reply_to", clip(type)));
        } catch (FrameFields.Unavailable e) {
            connection.send(Frames.error("unavailable", e.getMessage()).put("in_reply_to", clip(type)));
        } catch (RuntimeException e) {
            LOG.warn("Web frame {} failed", clip(type), e);
            connection.send(Frames.error("internal", "the server failed to handle " + clip(type) + ": " + describe(e))
                    .put("in_reply_to", clip(type)));
        }
    }

    /** A binary frame arrived; the protocol has none. */
    void receivedBinary(Connection connection) {
        connection.send(Frames.error("bad_frame", "binary frames are not part of the protocol; send JSON text frames"));
    }

    private void dispatch(Connection connection, String type, JsonNode frame) {
        switch (type) {
            case "ping" -> connection.send(Frames.frame("pong"));
            case "auth" -> auth(connection, frame);
            case "message" -> turns.message(connection, frame);
            case "sessions_request" -> sessions.sendList(connection);
            case "session_history_request" -> sessions.switchTo(connection, requiredId(frame, "session_id"));
            case "session_new" -> sessions.startNew(connection);
            case "session_delete" -> sessions.delete(requiredId(frame, "session_id"));
            case "cancel_generation" -> turns.cancel(connection);
            case "tool_approval_response" -> approvals.answer(connection, frame);
            case "model_list_request" -> slow.run(connection, type, () -> models.list(connection));
            case "model_change" -> slow.run(connection, type, () -> models.change(connection, frame));
            case "provider_auth_request" -> slow.run(connection, type, () -> logins.status(connection));
            case "provider_login" -> slow.run(connection, type, () -> logins.login(connection, frame));
            case "pairing_request" -> pairings.request(connection, requiredId(frame, "channel"), flag(frame, "watch", true));
            case "connections_request" -> info.connections(connection);
            case "usage_request" -> slow.run(connection, type, () -> info.usage(connection));
            case "status_request" -> info.status(connection, models.current());
            default -> connection.send(Frames.error("unknown_type", "unknown frame type \"" + clip(type) + "\"")
                    .put("in_reply_to", clip(type)));
        }
    }

    private ObjectNode authResult(Connection connection) {
        ObjectNode frame = Frames.frame("auth_result")
                .put("success", true)
                .put("client_id", connection.clientId())
                .put("session_id", connection.sessionId())
                .put("shared_with_tui", !settings.sharedSessionId().isEmpty())
                .put("max_upload_bytes", settings.maxUploadBytes());
        ModelChoice choice = models.current();
        if (choice != null) {
            frame.put("provider", choice.provider()).put("model", choice.model());
        }
        return frame;
    }

    /** An {@code auth} frame on an open connection: checks the token again (it counts towards the lockout). */
    private void auth(Connection connection, JsonNode frame) {
        Authenticator.Verdict verdict = authenticator.checkToken(connection.address(), text(frame, "token"));
        switch (verdict.outcome()) {
            case ACCEPTED -> connection.send(authResult(connection));
            case REJECTED -> connection.send(Frames.frame("auth_result").put("success", false).put("error", "Invalid token"));
            case LOCKED_OUT -> {
                connection.send(Frames.frame("auth_result").put("success", false)
                        .put("error", "Too many failed attempts; try again in " + verdict.retryAfter().toSeconds() + " s"));
                connection.close(1008, "locked out");
            }
        }
    }

    @Override
    public void close() {
        clients.closeAll(1001, "the web channel is stopping");
        flushes.close();
        approvals.close();
        logins.close();
        pairings.close();
        timer.shutdownNow();
        slow.close();
    }
}
