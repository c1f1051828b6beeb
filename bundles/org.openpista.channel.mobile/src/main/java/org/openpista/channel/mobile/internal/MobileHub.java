package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.session.SessionRouter;
import org.openpista.channel.support.FrameFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mobile protocol behind the QUIC streams: the {@code auth} frame, and what answers every frame
 * type of a request stream. The original's types ({@code auth}, {@code message}) keep their meaning
 * exactly; everything else is an extension an original client never sends (see {@code
 * docs/mobile-protocol.md}).
 */
final class MobileHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MobileHub.class);

    /** The channel id. */
    static final String CHANNEL = "mobile";
    static final int LIST_LIMIT = 100;
    static final int HISTORY_LIMIT = 500;
    /** What {@code auth_ok} announces, so a client knows which extensions it may use. */
    static final List<String> FEATURES = List.of("stream", "approvals", "cancel", "sessions", "subscribe", "retry");

    private final TokenCheck tokens;
    private final ConversationStore store;
    private final Supplier<SessionRouter> router;
    private final ScheduledExecutorService timer;
    private final Subscribers subscribers = new Subscribers();
    private final Approvals approvals;
    private final Turns turns;

    MobileHub(MobileSettings settings, AgentGateway gateway, ConversationStore store, Supplier<SessionRouter> router,
            Clock clock) {
        this.tokens = new TokenCheck(settings.token(), clock);
        this.store = store;
        this.router = router;
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "openpista-mobile-timer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        this.approvals = new Approvals(subscribers, settings.approvalTimeout());
        this.turns = new Turns(gateway, approvals, timer, settings.turnTimeout());
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    TokenCheck tokens() {
        return tokens;
    }

    Subscribers subscribers() {
        return subscribers;
    }

    Turns turns() {
        return turns;
    }

    /**
     * What the result of the auth stream is.
     *
     * @param device the device, or {@code null} when refused
     * @param answer {@code auth_ok} or {@code auth_error}
     */
    record Auth(Device device, ObjectNode answer) {}

    /** Checks the first frame of a connection. */
    Auth authenticate(String address, JsonNode frame) {
        if (!"auth".equals(frame.path("type").asText())) {
            return refuse("Expected auth message first");
        }
        JsonNode token = frame.get("token");
        JsonNode deviceId = frame.get("device_id");
        if (token == null || !token.isTextual() || deviceId == null || !deviceId.isTextual()) {
            return refuse("auth needs \"token\" and \"device_id\" strings");
        }
        TokenCheck.Verdict verdict = tokens.check(address, token.textValue());
        switch (verdict.outcome()) {
            case LOCKED_OUT -> {
                return refuse("Too many failed attempts; try again in " + Math.max(1, verdict.retryAfter().toSeconds()) + " s");
            }
            case REJECTED -> {
                return refuse("Invalid API token");
            }
            default -> {
                // the token is right
            }
        }
        if (deviceId.textValue().isEmpty()) {
            return refuse("device_id must not be empty");
        }
        if (!FrameFields.validId(deviceId.textValue())) {
            return refuse("device_id must be 1 to " + FrameFields.MAX_ID_LENGTH + " characters without control characters");
        }
        Device device = new Device(deviceId.textValue(), address);
        ObjectNode ok = Frames.frame("auth_ok").put("session_id", currentSession(device));
        FEATURES.forEach(ok.putArray("features")::add);
        return new Auth(device, ok);
    }

    private static Auth refuse(String message) {
        return new Auth(null, Frames.frame("auth_error").put("message", message));
    }

    /**
     * Answers one request stream: writes its frames, the last one ending the request.
     *
     * @param alive whether the connection is still open
     */
    void request(Device device, JsonNode frame, Feed.Writer out, BooleanSupplier alive)
            throws IOException, InterruptedException {
        String type = frame.path("type").asText();
        try {
            switch (type) {
                case "message" -> message(device, frame, out, alive);
                case "subscribe" -> subscribe(device, frame, out, alive);
                case "auth" -> out.write(Frames.error("bad_frame", "Expected message, got auth frame"));
                case "ping" -> out.write(Frames.frame("pong"));
                case "tool_approval_response" -> out.write(approvals.answer(currentSession(device), frame));
                case "cancel_generation" -> {
                    String sessionId = sessionOf(device, frame);
                    int cancelled = turns.cancel(sessionId);
                    out.write(Frames.frame("generation_cancelled").put("session_id", sessionId).put("cancelled", cancelled));
                }
                case "sessions_request" -> out.write(Frames.sessionsList(store.sessions(LIST_LIMIT)));
                case "session_history_request" -> out.write(history(switchTo(device, FrameFields.optionalId(frame, "session_id"))));
                case "session_new" -> out.write(history(startNew(device)));
                default -> out.write(Frames.error("unknown_type", "unknown message type \"" + FrameFields.clip(type) + "\""));
            }
        } catch (FrameFields.BadFrame e) {
            out.write(Frames.error("bad_frame", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warn("Mobile frame {} failed", FrameFields.clip(type), e);
            out.write(Frames.error("internal", "the server failed to handle " + FrameFields.clip(type) + ": " + FrameFields.describe(e)));
        }
    }

    /** {@code message}: the original's request; with {@code "stream": true} the extensions come first. */
    private void message(Device device, JsonNode frame, Feed.Writer out, BooleanSupplier alive)
            throws IOException, InterruptedException {
        String text = FrameFields.text(frame, "text");
        if (text == null) {
            out.write(Frames.error("bad_frame", "the message needs a \"text\" string"));
            return;
        }
        if (text.isBlank()) {
            out.write(Frames.error("bad_frame", "the message is empty"));
            return;
        }
        String messageId = FrameFields.optionalId(frame, "message_id");
        Feed feed = new Feed(FrameFields.flag(frame, "stream", false));
        Turns.Started started = turns.message(device, currentSession(device), text, messageId, feed);
        if (feed.streaming()) {
            ObjectNode ack = Frames.frame("message_ack").put("session_id", started.turn().sessionId());
            if (messageId != null) {
                ack.put("message_id", messageId);
            }
            out.write(ack.put("resumed", started.resumed()));
        }
        try {
            feed.drainTo(out, alive);
        } finally {
            started.turn().detach(feed);
        }
    }

    /** {@code subscribe}: the stream stays open and hears approval questions and deliveries. */
    private void subscribe(Device device, JsonNode frame, Feed.Writer out, BooleanSupplier alive)
            throws IOException, InterruptedException {
        String sessionId = sessionOf(device, frame);
        Feed feed = new Feed(true);
        Subscribers.Subscription subscription = new Subscribers.Subscription(device.id(), sessionId, feed);
        subscribers.add(subscription);
        try {
            out.write(Frames.frame("subscribed").put("session_id", sessionId));
            approvals.resend(sessionId, feed);
            feed.drainTo(out, alive);
        } finally {
            subscribers.remove(subscription);
        }
    }

    /** @return the session a frame names, else the device's current one */
    private String sessionOf(Device device, JsonNode frame) {
        String named = FrameFields.optionalId(frame, "session_id");
        return named != null ? named : currentSession(device);
    }

    /** @return the device's current session: {@code mobile:<device_id>} until it switches or starts another */
    String currentSession(Device device) {
        SessionRouter sessions = router.get();
        if (sessions != null) {
            try {
                return sessions.currentSession(device.conversationKey());
            } catch (RuntimeException e) {
                LOG.debug("The session router failed; using the conversation's own session", e);
            }
        }
        return device.conversationKey();
    }

    private String switchTo(Device device, String sessionId) {
        SessionRouter sessions = router.get();
        if (sessionId != null && sessions != null) {
            sessions.switchSession(device.conversationKey(), sessionId);
        }
        return sessionId != null ? sessionId : currentSession(device);
    }

    private String startNew(Device device) {
        SessionRouter sessions = router.get();
        if (sessions == null) {
            throw new IllegalStateException("sessions cannot be started while the agent's session router is not running");
        }
        return sessions.newSession(device.conversationKey());
    }

    private ObjectNode history(String sessionId) {
        List<ChatMessage> messages = store.history(sessionId);
        if (messages.size() > HISTORY_LIMIT) {
            messages = messages.subList(messages.size() - HISTORY_LIMIT, messages.size());
        }
        ObjectNode frame = Frames.history(sessionId, messages);
        // original clients read at most 1 MiB: the oldest messages go first
        while (Frames.size(frame) > FrameIO.LIMIT && !messages.isEmpty()) {
            messages = messages.subList(messages.size() / 2 + (messages.size() == 1 ? 1 : 0), messages.size());
            frame = Frames.history(sessionId, messages).put("truncated", true);
        }
        return frame;
    }

    /** Sends a message nobody asked for to the subscriptions of a device or session. @return how many got it */
    int deliver(String target, String text) {
        return subscribers.deliver(target, text);
    }

    @Override
    public void close() {
        subscribers.closeAll();
        approvals.close();
        timer.shutdownNow();
    }
}
