package org.openpista.channel.discord.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openpista.channel.support.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bot's gateway session (v10, JSON) over the JDK's {@link WebSocket}: HELLO starts the
 * heartbeat (the first one jittered), IDENTIFY starts a session (READY), a dropped connection is
 * resumed with the session id and the last sequence number (RESUME, then the missed dispatches and
 * RESUMED) at {@code resume_gateway_url}. A heartbeat whose ACK has not come by the next one means a
 * zombie connection: it is dropped and resumed. RECONNECT (op 7) resumes at once; INVALID_SESSION
 * (op 9) resumes when {@code d} is true, else identifies anew after one to five pauses. Close codes
 * 4004 (authentication failed) and 4010-4014 end the session for good ({@link Events#fatal}); 4007
 * and 4009 start a new one; any other close (1000 from Discord too) resumes, with backoff. Each
 * connection, its frames, heartbeat and sends, is a {@link GatewayConnection}; this class says what
 * to send and what the payloads mean. Timers run on the channel's scheduler, frames on the {@link
 * HttpClient}'s threads.
 */
final class GatewaySession {

    /** DIRECT_MESSAGES (1 << 12), GUILD_MESSAGES (1 << 9), MESSAGE_CONTENT (1 << 15). */
    static final int INTENTS = (1 << 12) | (1 << 9) | (1 << 15);

    private static final Logger LOG = LoggerFactory.getLogger(GatewaySession.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The largest gateway message read (16 M characters; READY of a bot in many servers is a few MB).
     * A larger one is skipped with a warning and the connection goes on: dropping it would make the
     * resume replay the same message for ever. Its sequence number is not taken, so a resume asks for
     * it again, to skip it again.
     */
    static final int MAX_FRAME = 16 * 1024 * 1024;

    /** What READY says: the bot user and its application. */
    record Ready(String userId, String userName, String applicationId) {}

    /** What the session reports; called on the HttpClient's thread, in the order of the frames. */
    interface Events {
        /** A session started: the first, or a new one after a session could not be resumed ({@code recreated}). */
        void ready(Ready ready, boolean recreated);

        /** The session was resumed (the missed dispatches came before). */
        void resumed();

        /** Any other dispatch (MESSAGE_CREATE, INTERACTION_CREATE, …). */
        void dispatch(String type, JsonNode data);

        /** Discord closed the gateway for good (4004: the token was refused). */
        void fatal(int code, String reason);
    }

    private final HttpClient http;
    private final String gatewayUrl;
    private final String token;
    private final ScheduledExecutorService timer;
    private final Events events;
    private final Duration pause;
    private final Backoff backoff;
    private final int maxFrame;

    /** What the connections tell this session. */
    private final GatewayConnection.Session link = new GatewayConnection.Session() {
        @Override
        public boolean wants(GatewayConnection connection) {
            synchronized (GatewaySession.this) {
                return GatewaySession.this.connection == connection && !closed;
            }
        }

        @Override
        public void payload(GatewayConnection from, JsonNode payload) {
            onPayload(from, payload);
        }

        @Override
        public void closed(GatewayConnection from, int code, String reason) {
            onClose(from, code, reason);
        }

        @Override
        public void lost(GatewayConnection from, String why) {
            GatewaySession.this.lost(from, why, true);
        }

        @Override
        public JsonNode heartbeat() {
            return GatewaySession.this.heartbeat();
        }
    };

    // guarded by this
    private GatewayConnection connection;
    private String sessionId;
    private String resumeUrl;
    private long sequence = -1;
    private boolean everReady;
    private boolean closed;
    private String state = "connecting";

    /** @param pause the unit of waits: the first reconnect's backoff and INVALID_SESSION's one to five */
    GatewaySession(HttpClient http, String gatewayUrl, String token, ScheduledExecutorService timer, Events events,
            Duration pause) {
        this(http, gatewayUrl, token, timer, events, pause, MAX_FRAME);
    }

    /** @param maxFrame the largest message read, in characters; a larger one is skipped */
    GatewaySession(HttpClient http, String gatewayUrl, String token, ScheduledExecutorService timer, Events events,
            Duration pause, int maxFrame) {
        this.maxFrame = maxFrame;
        this.http = http;
        this.gatewayUrl = gatewayUrl;
        this.token = token;
        this.timer = timer;
        this.events = events;
        this.pause = pause;
        this.backoff = new Backoff(pause, Duration.ofSeconds(32));
    }

    /** Connects; the session goes on in the background. */
    synchronized void start() {
        connect();
    }

    /** @return null while connected and the session live, else what it is doing ("resuming", "reconnecting", …) */
    synchronized String state() {
        return state;
    }

    /** @return the session id, or null before READY or after the session was given up */
    synchronized String sessionId() {
        return sessionId;
    }

    /** Closes the connection (1000: the session ends) and stops reconnecting. */
    void close() {
        GatewayConnection last;
        synchronized (this) {
            closed = true;
            state = "closed";
            last = connection;
            connection = null;
        }
        if (last != null) {
            last.close();
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        state = sessionId == null ? "connecting" : "resuming";
        String base = sessionId != null && resumeUrl != null ? resumeUrl : gatewayUrl;
        URI uri = URI.create(base.replaceAll("/+$", "") + "/?v=10&encoding=json");
        GatewayConnection opening = new GatewayConnection(link, timer, maxFrame);
        connection = opening;
        CompletableFuture<WebSocket> opened;
        try {
            opened = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20)).buildAsync(uri, opening);
        } catch (RuntimeException e) {
            opened = CompletableFuture.failedFuture(e);
        }
        opened.whenComplete((socket, error) -> {
            if (error != null) {
                lost(opening, "cannot connect to " + uri.getHost() + ": " + GatewayConnection.message(error), true);
            }
        });
    }

    /**
     * @return READY's {@code resume_gateway_url} when it is a ws or wss URL with a host, else null
     *     (the gateway URL is used): a broken one would make every resume fail
     */
    static String resumeUrl(JsonNode ready) {
        String url = ready.path("resume_gateway_url").asText("").strip();
        try {
            URI uri = new URI(url);
            if (("wss".equals(uri.getScheme()) || "ws".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return url;
            }
        } catch (java.net.URISyntaxException e) {
            // not a URL
        }
        if (!url.isEmpty()) {
            LOG.warn("Discord sent a resume_gateway_url that is no WebSocket URL; resuming at the gateway URL");
        }
        return null;
    }

    /** The connection ended or must end: reconnect after a backoff, resuming when {@code resume}. */
    private void lost(GatewayConnection gone, String why, boolean resume) {
        long wait;
        synchronized (this) {
            if (closed || connection != gone) {
                return;
            }
            connection = null;
            if (!resume) {
                sessionId = null;
                resumeUrl = null;
                sequence = -1;
            }
            state = "reconnecting (" + why + ")";
            wait = backoff.nextMillis();
        }
        gone.abort();
        LOG.info("Discord gateway connection lost ({}); {} in {} ms", why, resume ? "resuming" : "reconnecting", wait);
        schedule(this::reconnect, wait);
    }

    private synchronized void reconnect() {
        if (connection == null) {
            connect();
        }
    }

    private void schedule(Runnable task, long millis) {
        try {
            timer.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // the channel stops
        }
    }

    private void onPayload(GatewayConnection from, JsonNode payload) {
        int op = payload.path("op").asInt(-1);
        JsonNode data = payload.path("d");
        switch (op) {
            case 10 -> hello(from, data.path("heartbeat_interval").asLong(41_250));
            case 11 -> from.acked();
            case 1 -> from.send(heartbeat());
            case 0 -> dispatch(from, payload, data);
            case 7 -> lost(from, "Discord asked to reconnect", true);
            case 9 -> invalidSession(from, data.asBoolean(false));
            default -> LOG.debug("Discord gateway op {} ignored", op);
        }
    }

    private void hello(GatewayConnection from, long interval) {
        ObjectNode hello;
        synchronized (this) {
            if (connection != from) {
                return;
            }
            hello = sessionId == null ? identify() : resume();
        }
        from.startHeartbeat(interval);
        from.send(hello);
    }

    private void dispatch(GatewayConnection from, JsonNode payload, JsonNode data) {
        String type = payload.path("t").asText("");
        boolean recreated;
        synchronized (this) {
            if (connection != from) {
                return;
            }
            if (payload.hasNonNull("s")) {
                sequence = payload.path("s").asLong();
            }
            if (type.equals("READY")) {
                sessionId = data.path("session_id").asText();
                resumeUrl = resumeUrl(data);
                recreated = everReady;
                everReady = true;
                state = null;
                backoff.reset();
            } else if (type.equals("RESUMED")) {
                state = null;
                backoff.reset();
                recreated = false;
            } else {
                recreated = false;
            }
        }
        switch (type) {
            case "READY" -> events.ready(new Ready(data.path("user").path("id").asText(), data.path("user").path("username")
                    .asText(), data.path("application").path("id").asText()), recreated);
            case "RESUMED" -> events.resumed();
            default -> events.dispatch(type, data);
        }
    }

    private void invalidSession(GatewayConnection from, boolean resumable) {
        if (resumable) {
            lost(from, "Discord invalidated the session", true);
            return;
        }
        synchronized (this) {
            if (connection != from) {
                return;
            }
            sessionId = null;
            resumeUrl = null;
            sequence = -1;
            state = "identifying anew";
        }
        // Discord asks for a pause of one to five seconds before a new IDENTIFY
        schedule(() -> {
            ObjectNode identify;
            synchronized (this) {
                if (connection != from) {
                    return;
                }
                identify = identify();
            }
            from.send(identify);
        }, pause.toMillis() * ThreadLocalRandom.current().nextLong(1, 6));
    }

    private void onClose(GatewayConnection from, int code, String reason) {
        if (code == 4004 || code >= 4010 && code <= 4014) {
            synchronized (this) {
                if (connection != from || closed) {
                    return;
                }
                connection = null;
                closed = true;
                state = "closed (" + code + (reason.isEmpty() ? "" : " " + reason) + ")";
            }
            from.stopHeartbeat();
            events.fatal(code, reason);
            return;
        }
        // even 1000 from Discord is resumed, as JDA does: a session it ended answers RESUME with INVALID_SESSION
        lost(from, "closed " + code + (reason == null || reason.isEmpty() ? "" : " " + reason), code != 4007 && code != 4009);
    }

    // guarded by this
    private ObjectNode identify() {
        ObjectNode payload = JSON.createObjectNode().put("op", 2);
        ObjectNode data = payload.putObject("d").put("token", token).put("intents", INTENTS);
        data.putObject("properties").put("os", System.getProperty("os.name", "linux").toLowerCase(java.util.Locale.ROOT))
                .put("browser", "openpista").put("device", "openpista");
        return payload;
    }

    // guarded by this
    private ObjectNode resume() {
        ObjectNode payload = JSON.createObjectNode().put("op", 6);
        payload.putObject("d").put("token", token).put("session_id", sessionId).put("seq", Math.max(sequence, 0));
        return payload;
    }

    private synchronized ObjectNode heartbeat() {
        ObjectNode payload = JSON.createObjectNode().put("op", 1);
        if (sequence < 0) {
            payload.putNull("d");
        } else {
            payload.put("d", sequence);
        }
        return payload;
    }
}
