package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The fake's gateway: a WebSocket speaking Discord's gateway protocol with JSON payloads ({@code
 * op}, {@code d}, {@code s}, {@code t}). On connect it sends HELLO (op 10); IDENTIFY (op 2) with the
 * bot token starts a session (READY, then GUILD_CREATE for each guild); heartbeats (op 1) get their
 * ACK (op 11); RESUME (op 6) with a known session id replays the dispatches after the given sequence
 * number and ends with RESUMED, an unknown one gets INVALID_SESSION (op 9). Dispatches while no
 * connection is attached wait in their session for a resume; a new IDENTIFY starts a new session and
 * the old one's waiting dispatches are lost, as with Discord (a client catches up over REST).
 */
final class DiscordGateway implements AutoCloseable, LoopbackWebSocketServer.Handler {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One gateway session. */
    private static final class Session {
        final String id = UUID.randomUUID().toString().replace("-", "");
        final List<ObjectNode> dispatches = new ArrayList<>();
        LoopbackWebSocketServer.Connection connection;
    }

    private final String token;
    private final int heartbeatMillis;
    private final Supplier<ObjectNode> ready;
    private final Supplier<List<ObjectNode>> guilds;
    private final LoopbackWebSocketServer server;
    // guarded by this
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private Session current;
    private int identifies;
    private int resumes;
    private int heartbeats;
    private long lastHeartbeat = -1;
    private boolean acking = true;

    /**
     * @param ready the READY payload without {@code session_id} and {@code resume_gateway_url}
     * @param guilds the GUILD_CREATE payloads after READY
     */
    DiscordGateway(String token, int heartbeatMillis, Supplier<ObjectNode> ready, Supplier<List<ObjectNode>> guilds) {
        this.token = token;
        this.heartbeatMillis = heartbeatMillis;
        this.ready = ready;
        this.guilds = guilds;
        this.server = new LoopbackWebSocketServer("fake Discord gateway", this);
    }

    /** @return the gateway URL, {@code ws://127.0.0.1:PORT} */
    String url() {
        return server.root();
    }

    /** Sends a dispatch in the current session (held there while no connection is attached); lost without a session. */
    synchronized boolean dispatch(String type, JsonNode data) {
        if (current == null) {
            return false;
        }
        ObjectNode event = JSON.createObjectNode().put("op", 0).put("t", type).put("s", current.dispatches.size() + 1);
        event.set("d", data);
        current.dispatches.add(event);
        if (current.connection != null) {
            current.connection.send(event.toString());
        }
        return true;
    }

    synchronized boolean connected() {
        return current != null && current.connection != null && current.connection.isOpen();
    }

    synchronized int identifies() {
        return identifies;
    }

    synchronized int resumes() {
        return resumes;
    }

    synchronized int heartbeats() {
        return heartbeats;
    }

    /** @return the sequence number the last heartbeat carried, -1 for null or none */
    synchronized long lastHeartbeat() {
        return lastHeartbeat;
    }

    /** Stops (or resumes) answering heartbeats, as a connection that went stale on Discord's side. */
    synchronized void acking(boolean on) {
        acking = on;
    }

    /**
     * Sends INVALID_SESSION (op 9) on the current connection; when not resumable the session is
     * forgotten, so only a new IDENTIFY goes on.
     */
    synchronized void invalidateSession(boolean resumable) {
        if (current == null || current.connection == null) {
            return;
        }
        LoopbackWebSocketServer.Connection connection = current.connection;
        if (!resumable) {
            sessions.remove(current.id);
            current.connection = null;
            current = null;
        }
        connection.send("{\"op\":9,\"d\":" + resumable + ",\"s\":null,\"t\":null}");
    }

    /** Drops the current connection without a close frame; the session waits for a resume. */
    void drop() {
        LoopbackWebSocketServer.Connection connection;
        synchronized (this) {
            connection = current == null ? null : current.connection;
        }
        if (connection != null) {
            connection.drop();
        }
    }

    /** Asks the client to reconnect and resume (op 7 RECONNECT). */
    synchronized void requestReconnect() {
        if (current != null && current.connection != null) {
            current.connection.send("{\"op\":7,\"d\":null}");
        }
    }

    @Override
    public void close() {
        server.close();
    }

    @Override
    public void opened(LoopbackWebSocketServer.Connection connection) {
        if (!connection.path().contains("v=10") || !connection.path().contains("encoding=json")) {
            connection.close(4012, "Invalid API version or encoding");
            return;
        }
        connection.send("{\"op\":10,\"d\":{\"heartbeat_interval\":" + heartbeatMillis + "},\"s\":null,\"t\":null}");
    }

    @Override
    public void text(LoopbackWebSocketServer.Connection connection, String text) {
        JsonNode payload;
        try {
            payload = JSON.readTree(text);
        } catch (IOException e) {
            connection.close(4002, "Decode error");
            return;
        }
        JsonNode data = payload.path("d");
        switch (payload.path("op").asInt(-1)) {
            case 1 -> {
                boolean ack;
                synchronized (this) {
                    heartbeats++;
                    lastHeartbeat = data.isNull() ? -1 : data.asLong(-1);
                    ack = acking;
                }
                if (ack) {
                    connection.send("{\"op\":11,\"d\":null,\"s\":null,\"t\":null}");
                }
            }
            case 2 -> identify(connection, data);
            case 6 -> resume(connection, data);
            case 3, 4, 8 -> {
                // presence, voice state, member requests: nothing to do here
            }
            default -> connection.close(4001, "Unknown opcode");
        }
    }

    private synchronized void identify(LoopbackWebSocketServer.Connection connection, JsonNode data) {
        if (!token.equals(data.path("token").asText()) && !("Bot " + token).equals(data.path("token").asText())) {
            connection.close(4004, "Authentication failed");
            return;
        }
        identifies++;
        Session session = new Session();
        sessions.put(session.id, session);
        if (current != null && current.connection != null && current.connection != connection) {
            current.connection.close(4009, "Session timed out");
        }
        current = session;
        session.connection = connection;
        ObjectNode readyData = ready.get();
        readyData.put("session_id", session.id).put("resume_gateway_url", server.root());
        dispatch("READY", readyData);
        for (ObjectNode guild : guilds.get()) {
            dispatch("GUILD_CREATE", guild);
        }
    }

    private synchronized void resume(LoopbackWebSocketServer.Connection connection, JsonNode data) {
        Session session = sessions.get(data.path("session_id").asText(""));
        if (session == null || session != current || !token.equals(data.path("token").asText().replaceFirst("^Bot ", ""))) {
            connection.send("{\"op\":9,\"d\":false,\"s\":null,\"t\":null}");
            return;
        }
        resumes++;
        session.connection = connection;
        long after = data.path("seq").asLong(0);
        for (ObjectNode event : session.dispatches) {
            if (event.path("s").asLong() > after) {
                connection.send(event.toString());
            }
        }
        dispatch("RESUMED", JSON.createObjectNode());
    }

    @Override
    public synchronized void closed(LoopbackWebSocketServer.Connection connection, int code) {
        for (Session session : sessions.values()) {
            if (session.connection == connection) {
                session.connection = null;
            }
        }
    }
}
