package org.openpista.channel.web.internal;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.chat.ChatMessage;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.session.SessionRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which session a connection shows, and the frames about sessions: the list, a session's history,
 * switching, starting and deleting one. A client lands in {@code shared_session_id} when it is
 * configured, else in its conversation's current session as the agent's session router knows it
 * (the terminal's {@code /new} and the web's {@code session_new} move it).
 */
final class Sessions {

    /** The time in a new session's id; a formatter is immutable, and parsing its pattern is not free. */
    private static final DateTimeFormatter SESSION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

    static final int LIST_LIMIT = 100;
    static final int HISTORY_LIMIT = 500;

    private final WebSettings settings;
    private final ConversationStore store;
    private final AgentGateway gateway;
    private final OptionalServices services;
    private final Clients clients;
    private final Approvals approvals;

    Sessions(WebSettings settings, ConversationStore store, AgentGateway gateway, OptionalServices services,
            Clients clients, Approvals approvals) {
        this.settings = settings;
        this.store = store;
        this.gateway = gateway;
        this.services = services;
        this.clients = clients;
        this.approvals = approvals;
    }

    /** @return the session a client lands in when it names none */
    String defaultSession(String clientId) {
        if (!settings.sharedSessionId().isEmpty()) {
            return settings.sharedSessionId();
        }
        String key = conversationKey(clientId);
        SessionRouter router = services.router();
        if (router != null) {
            try {
                return router.currentSession(key);
            } catch (RuntimeException e) {
                LOG.debug("The session router failed; using the conversation's own session", e);
            }
        }
        return key;
    }

    /** @return the conversation of a client: {@code web:{client_id}}, or the shared session */
    String conversationKey(String clientId) {
        return settings.sharedSessionId().isEmpty() ? ChatHub.CHANNEL + ":" + clientId : settings.sharedSessionId();
    }

    void sendList(Connection connection) {
        connection.send(Frames.sessionsList(store.sessions(LIST_LIMIT)));
    }

    /** Sends the session's latest messages, then any approval question waiting in it. */
    void sendHistory(Connection connection, String sessionId) {
        List<ChatMessage> messages = store.history(sessionId);
        if (messages.size() > HISTORY_LIMIT) {
            messages = messages.subList(messages.size() - HISTORY_LIMIT, messages.size());
        }
        connection.send(Frames.history(sessionId, messages));
        approvals.resend(connection);
    }

    /** {@code session_history_request}: the connection shows (and writes to) that session from now on. */
    void switchTo(Connection connection, String sessionId) {
        clients.bind(connection, sessionId);
        SessionRouter router = services.router();
        if (router != null && settings.sharedSessionId().isEmpty()) {
            try {
                router.switchSession(connection.conversationKey(), sessionId);
            } catch (RuntimeException e) {
                LOG.debug("The session router failed to switch", e);
            }
        }
        sendHistory(connection, sessionId);
    }

    /** {@code session_new}: a fresh session becomes the connection's. */
    void startNew(Connection connection) {
        String sessionId = null;
        SessionRouter router = services.router();
        if (router != null && settings.sharedSessionId().isEmpty()) {
            try {
                sessionId = router.newSession(connection.conversationKey());
            } catch (RuntimeException e) {
                LOG.debug("The session router failed to start a session", e);
            }
        }
        if (sessionId == null) {
            sessionId = connection.conversationKey() + ":" + LocalDateTime.now().format(SESSION_TIME) + "-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        }
        clients.bind(connection, sessionId);
        sendHistory(connection, sessionId);
    }

    /** {@code session_delete}: stops the session's turns, deletes it and tells every client. */
    void delete(String sessionId) {
        gateway.cancel(sessionId);
        boolean deleted = store.deleteSession(sessionId);
        clients.sendAll(Frames.frame("session_deleted").put("session_id", sessionId).put("deleted", deleted));
        clients.sendAll(Frames.sessionsList(store.sessions(LIST_LIMIT)));
    }
}
