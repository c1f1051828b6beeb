package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections, and where a frame goes: output of a turn only to the connections that
 * show its session, announcements to all of them. A frame is serialised once however many
 * connections get it.
 */
final class Clients {

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /**
     * The connections by the session they show, so a turn's frame does not look at every connection:
     * a connection is in the set of the session it shows at every instant (see {@link #bind}), and
     * for a moment in the set of the one it showed before too, which is why a look checks its session.
     */
    private final Map<String, Set<Connection>> bySession = new ConcurrentHashMap<>();

    void add(Connection connection) {
        connections.add(connection);
        index(connection, connection.sessionId());
    }

    void remove(Connection connection) {
        connections.remove(connection);
        unindex(connection, connection.sessionId());
    }

    /** The connection shows (and writes to) that session from now on. */
    void bind(Connection connection, String sessionId) {
        String before = connection.sessionId();
        index(connection, sessionId);
        connection.bind(sessionId);
        if (!sessionId.equals(before)) {
            unindex(connection, before);
        }
        if (!connections.contains(connection)) {
            // it was removed while it switched: no entry of a closed connection stays behind
            unindex(connection, sessionId);
        }
    }

    private void index(Connection connection, String sessionId) {
        bySession.compute(sessionId, (key, set) -> {
            Set<Connection> now = set == null ? ConcurrentHashMap.newKeySet() : set;
            now.add(connection);
            return now;
        });
    }

    private void unindex(Connection connection, String sessionId) {
        bySession.computeIfPresent(sessionId, (key, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    int count() {
        return connections.size();
    }

    /** Sends a frame to every connection that shows the session. */
    void broadcast(String sessionId, JsonNode frame) {
        broadcastExcept(sessionId, null, frame);
    }

    /** Sends a frame of a turn's stream to every connection that shows the session ({@link Connection#stream}). */
    void stream(String sessionId, JsonNode frame) {
        send(sessionId, null, frame, true);
    }

    /** Sends a frame to every connection that shows the session. @return those connections */
    Set<Connection> broadcastTo(String sessionId, JsonNode frame) {
        Set<Connection> reached = new HashSet<>();
        String text = null;
        for (Connection connection : bySession.getOrDefault(sessionId, Set.of())) {
            if (sessionId.equals(connection.sessionId())) {
                if (text == null) {
                    text = Frames.text(frame);
                }
                connection.send(text);
                reached.add(connection);
            }
        }
        return reached;
    }

    /** Sends a frame to every connection that shows the session, but one (the one that caused it). */
    void broadcastExcept(String sessionId, Connection except, JsonNode frame) {
        send(sessionId, except, frame, false);
    }

    private void send(String sessionId, Connection except, JsonNode frame, boolean soon) {
        String text = null;
        for (Connection connection : bySession.getOrDefault(sessionId, Set.of())) {
            if (connection != except && sessionId.equals(connection.sessionId())) {
                if (text == null) {
                    text = Frames.text(frame);
                }
                if (soon) {
                    connection.stream(text);
                } else {
                    connection.send(text);
                }
            }
        }
    }

    /** Sends a frame to every connection, whatever it shows. */
    void sendAll(JsonNode frame) {
        String text = Frames.text(frame);
        for (Connection connection : connections) {
            connection.send(text);
        }
    }

    /**
     * Sends a message nobody asked for (a scheduled job's answer) to the connections of a client, or
     * of a session.
     *
     * @return how many connections got it
     */
    int deliver(String target, String text) {
        int count = 0;
        for (Connection connection : connections) {
            if (connection.clientId().equals(target) || connection.sessionId().equals(target)) {
                connection.send(Frames.frame("response").put("content", text).put("is_error", false)
                        .put("session_id", connection.sessionId()));
                count++;
            }
        }
        return count;
    }

    void closeAll(int code, String reason) {
        for (Connection connection : connections) {
            connection.close(code, reason);
        }
        connections.clear();
        bySession.clear();
    }
}
