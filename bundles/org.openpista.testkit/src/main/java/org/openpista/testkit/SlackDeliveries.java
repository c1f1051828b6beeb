package org.openpista.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.openpista.testkit.FakeSlackServer.Delivery;

/**
 * How the fake Slack hands events and button presses to the app: over Socket Mode (a WebSocket the
 * app opened with a ticket from {@code apps.connections.open}: {@code hello}, then envelopes the app
 * acknowledges with their {@code envelope_id}) or, once the test says where, as signed HTTP POSTs
 * (the Events API: JSON; interactivity: a form with {@code payload}). What is not acknowledged (no
 * ack, or no 200) stays pending and is delivered again with a higher {@code retry_attempt}, on the
 * next connection or after a pause, as Slack does.
 */
final class SlackDeliveries implements AutoCloseable, LoopbackWebSocketServer.Handler {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Something waiting to be acknowledged by the app. */
    private static final class Pending {
        final String kind; // events_api | interactive
        final ObjectNode payload;
        final String eventId;
        int attempts;
        String envelopeId;
        boolean inFlight;

        Pending(String kind, ObjectNode payload, String eventId) {
            this.kind = kind;
            this.payload = payload;
            this.eventId = eventId;
        }
    }

    private final String appId;
    private final String signingSecret;
    private final LoopbackWebSocketServer sockets;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Delivery> log = new CopyOnWriteArrayList<>();
    // guarded by this
    private final List<Pending> pending = new ArrayList<>();
    private final Map<String, Boolean> tickets = new LinkedHashMap<>();
    private LoopbackWebSocketServer.Connection current;
    private URI endpoint;
    private Thread poster;
    private int loseAcks;
    private int connections;
    private boolean closed;

    SlackDeliveries(String appId, String signingSecret) {
        this.appId = appId;
        this.signingSecret = signingSecret;
        this.sockets = new LoopbackWebSocketServer("fake Slack Socket Mode", this);
    }

    /** @return a single-use Socket Mode URL, as {@code apps.connections.open} issues one */
    synchronized String issueUrl() {
        String ticket = UUID.randomUUID().toString();
        tickets.put(ticket, false);
        return sockets.root() + "/link/?ticket=" + ticket + "&app_id=" + appId;
    }

    synchronized void add(String kind, ObjectNode payload, String eventId) {
        pending.add(new Pending(kind, payload, eventId));
        notifyAll();
        if (current != null) {
            sendPending(current);
        }
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    synchronized int connectionsOpened() {
        return connections;
    }

    synchronized boolean connected() {
        return current != null && current.isOpen();
    }

    List<Delivery> log() {
        return List.copyOf(log);
    }

    /** The connection drops without a close frame; what was sent and not acknowledged comes again later. */
    void drop() {
        LoopbackWebSocketServer.Connection connection;
        synchronized (this) {
            connection = current;
        }
        if (connection != null) {
            connection.drop();
        }
    }

    /** The connection stays up but carries nothing more either way (pings neither): only a keepalive notices. */
    void stall() {
        LoopbackWebSocketServer.Connection connection;
        synchronized (this) {
            connection = current;
        }
        if (connection != null) {
            connection.stall();
        }
    }

    /** Slack asks the app to reconnect ({@code disconnect}, reason {@code refresh_requested}). */
    synchronized void refresh() {
        if (current != null) {
            current.send("{\"type\":\"disconnect\",\"reason\":\"refresh_requested\",\"debug_info\":{\"host\":\"fake\"}}");
        }
    }

    /** Sends a text message as it is over the Socket Mode connection, if one is open. */
    synchronized void sendAsIs(String text) {
        if (current != null) {
            current.send(text);
        }
    }

    /** The next acknowledgement is lost: the connection drops as it arrives, so the envelope comes again. */
    synchronized void loseNextAck() {
        loseAcks++;
    }

    synchronized void postTo(URI target) {
        if (poster != null) {
            throw new IllegalStateException("already posting to " + endpoint);
        }
        endpoint = target;
        poster = new Thread(this::post, "fake Slack Events API");
        poster.setDaemon(true);
        poster.start();
    }

    /**
     * Posts a body signed at a given time with a given secret (a test of the app's checks).
     *
     * @return the HTTP status and body
     */
    HttpResponse<String> postSigned(URI target, String contentType, String body, long timestamp, String secret,
            Map<String, String> extraHeaders) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        if (secret != null) {
            request.header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                    .header("X-Slack-Signature", signature(secret, timestamp, body));
        }
        extraHeaders.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** @return {@code v0=} and the hex HMAC-SHA256 of {@code v0:<timestamp>:<body>} */
    static String signature(String secret, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        sockets.close();
    }

    // ---------------------------------------------------------------- Socket Mode

    @Override
    public void opened(LoopbackWebSocketServer.Connection connection) {
        String path = connection.path();
        int at = path.indexOf("ticket=");
        String ticket = at < 0 ? "" : path.substring(at + "ticket=".length()).split("&")[0];
        synchronized (this) {
            if (!Boolean.FALSE.equals(tickets.get(ticket))) {
                connection.close(4001, "invalid or used ticket");
                return;
            }
            tickets.put(ticket, true);
            if (current != null) {
                current.close(1000, "replaced");
            }
            current = connection;
            connections++;
            // what was sent over an older connection and not acknowledged goes again
            pending.forEach(waiting -> waiting.inFlight = false);
            connection.send("{\"type\":\"hello\",\"num_connections\":1,\"debug_info\":{\"host\":\"fake-applink\","
                    + "\"approximate_connection_time\":18060},\"connection_info\":{\"app_id\":\"" + appId + "\"}}");
            sendPending(connection);
        }
    }

    @Override
    public void text(LoopbackWebSocketServer.Connection connection, String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            return;
        }
        String envelopeId = message.path("envelope_id").asText("");
        boolean drop = false;
        synchronized (this) {
            if (envelopeId.isEmpty()) {
                return;
            }
            if (loseAcks > 0) {
                loseAcks--;
                drop = true;
            } else {
                for (Pending waiting : List.copyOf(pending)) {
                    if (envelopeId.equals(waiting.envelopeId)) {
                        pending.remove(waiting);
                        log.add(new Delivery(waiting.kind, waiting.eventId, waiting.attempts - 1, "socket", 200, Instant.now()));
                    }
                }
                notifyAll();
            }
        }
        if (drop) {
            connection.drop();
        }
    }

    @Override
    public void closed(LoopbackWebSocketServer.Connection connection, int code) {
        synchronized (this) {
            if (current == connection) {
                current = null;
            }
            pending.forEach(waiting -> waiting.inFlight = false);
        }
    }

    /** Sends every pending item not sent over this connection yet; in order, with a new envelope id. */
    private void sendPending(LoopbackWebSocketServer.Connection connection) {
        if (endpoint != null) {
            return;
        }
        for (Pending waiting : pending) {
            if (waiting.inFlight) {
                continue;
            }
            ObjectNode envelope = JSON.createObjectNode();
            waiting.envelopeId = UUID.randomUUID().toString();
            envelope.put("envelope_id", waiting.envelopeId);
            envelope.set("payload", waiting.payload);
            envelope.put("type", waiting.kind);
            envelope.put("accepts_response_payload", false);
            if (waiting.kind.equals("events_api")) {
                envelope.put("retry_attempt", waiting.attempts);
                envelope.put("retry_reason", waiting.attempts == 0 ? "" : "timeout");
            }
            waiting.attempts++;
            waiting.inFlight = connection.send(envelope.toString());
        }
    }

    // ---------------------------------------------------------------- HTTP

    private void post() {
        long pause = 100;
        while (true) {
            Pending next;
            synchronized (this) {
                while (!closed && pending.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                next = pending.get(0);
            }
            String body;
            String type;
            if (next.kind.equals("events_api")) {
                body = next.payload.toString();
                type = "application/json";
            } else {
                body = "payload=" + URLEncoder.encode(next.payload.toString(), StandardCharsets.UTF_8);
                type = "application/x-www-form-urlencoded";
            }
            Map<String, String> retry = next.attempts == 0 ? Map.of()
                    : Map.of("X-Slack-Retry-Num", Integer.toString(next.attempts), "X-Slack-Retry-Reason", "http_error");
            HttpResponse<String> response = postSigned(endpoint, type, body, Instant.now().getEpochSecond(), signingSecret,
                    retry);
            int status = response == null ? 0 : response.statusCode();
            synchronized (this) {
                if (status == 200 && loseAcks > 0) {
                    loseAcks--;
                    status = 408; // the answer came too late for Slack: it delivers the event again
                }
            }
            log.add(new Delivery(next.kind, next.eventId, next.attempts, "http", status, Instant.now()));
            synchronized (this) {
                next.attempts++;
                if (status == 200) {
                    pending.remove(next);
                    notifyAll();
                }
            }
            if (status == 200) {
                pause = 100;
                continue;
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                return;
            }
            pause = Math.min(2_000, pause * 2);
        }
    }
}
