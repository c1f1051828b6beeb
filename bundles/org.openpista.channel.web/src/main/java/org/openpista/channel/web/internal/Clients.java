package org.openpista.channel.web.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open connections, and where a frame goes: output of a turn only to the connections that
 * show its session, announcements to all of them. A frame is serialised once however many
 * connections get it.
 */
final class Clients {

    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();

    void add(Connection connection) {
        connections.add(connection);
    }

    void remove(Connection connection) {
        connections.remove(connection);
    }

    int count() {
        return connections.size();
    }

    /** Sends a frame to every connection that shows the session. */
    void broadcast(String sessionId, JsonNode frame) {
        broadcastExcept(sessionId, null, frame);
    }

    /** Sends a frame to every connection that shows the session. @return those connections */
    Set<Connection> broadcastTo(String sessionId, JsonNode frame) {
        Set<Connection> reached = new HashSet<>();
        String text = null;
        for (Connection connection : connections) {
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
        String text = null;
        for (Connection connection : connections) {
            if (connection != except && sessionId.equals(connection.sessionId())) {
                if (text == null) {
                    text = Frames.text(frame);
                }
                connection.send(text);
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
    }
}
