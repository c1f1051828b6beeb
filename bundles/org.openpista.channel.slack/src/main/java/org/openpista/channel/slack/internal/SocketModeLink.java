package org.openpista.channel.slack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.socket_mode.SocketModeClient;
import com.slack.api.socket_mode.impl.SocketModeClientJavaWSImpl;
import java.io.IOException;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket Mode through the SDK's client on Java-WebSocket: {@code apps.connections.open} with the
 * app-level token gives a WebSocket URL, Slack sends {@code hello} and then envelopes, and each
 * envelope is acknowledged with its {@code envelope_id} only once its event is handed over, so an
 * event is never lost: what is not acknowledged Slack sends again. The SDK reconnects by itself: it
 * pings every few seconds, opens a new connection when the pong does not come, and follows Slack's
 * {@code disconnect} requests. Envelopes are handled one at a time (one processing thread), so the
 * messages of a thread reach the agent in the order they were written.
 */
final class SocketModeLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SocketModeLink.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MONITOR_MILLIS = 5_000;
    private static final long STOP_WAIT_SECONDS = 15;

    private final SocketModeClient client;
    private final SlackEvents events;
    // held while an envelope is handed over: closing waits for it, since interrupting the hand-over could
    // leave its event handed to the agent but not in the ledger (an interrupted file write), and so repeated
    private final ReentrantLock handing = new ReentrantLock();
    private volatile boolean closing;
    private volatile Instant helloAt;
    private volatile int hellos;

    /**
     * Opens the first connection.
     *
     * @throws SlackException when Slack refuses the app-level token or cannot be reached
     */
    SocketModeLink(SlackApi api, String appToken, SlackEvents events) throws SlackException {
        this.events = events;
        String url;
        try {
            url = api.slack().issueSocketModeUrl(appToken);
        } catch (IOException e) {
            throw new SlackException("apps.connections.open", "cannot reach Slack: " + SlackApi.describe(e), false);
        } catch (IllegalStateException e) {
            // the SDK reports ok: false as an IllegalStateException with Slack's error
            String error = SlackApi.describe(e);
            throw new SlackException("apps.connections.open", error.contains("invalid_auth") ? "invalid_auth"
                    : error.contains("not_allowed_token_type") ? "not_allowed_token_type" : error, true);
        }
        if (url == null) {
            throw new SlackException("apps.connections.open", "no URL in the answer", true);
        }
        try {
            client = new SocketModeClientJavaWSImpl(api.slack(), appToken, url, 1, new WaitingMessageQueue(), true,
                    true, MONITOR_MILLIS);
        } catch (URISyntaxException e) {
            throw new SlackException("apps.connections.open", "a URL that is none: " + e.getMessage(), true);
        }
        client.addWebSocketMessageListener(this::onMessage);
        try {
            client.connect();
        } catch (IOException e) {
            close();
            throw new SlackException("Socket Mode", "cannot connect: " + SlackApi.describe(e), false);
        }
    }

    /** @return when the current connection said hello, or null before the first one */
    Instant connectedSince() {
        return helloAt;
    }

    /** @return how many connections said hello */
    int connections() {
        return hellos;
    }

    private void onMessage(String message) {
        handing.lock();
        try {
            if (!closing) {
                handle(message);
            }
        } finally {
            handing.unlock();
        }
    }

    private void handle(String message) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(message);
        } catch (IOException e) {
            LOG.warn("Slack sent a Socket Mode message that is no JSON; ignored");
            return;
        }
        String type = envelope.path("type").asText("");
        String envelopeId = envelope.path("envelope_id").asText("");
        try {
            switch (type) {
                case "hello" -> {
                    helloAt = Instant.now();
                    hellos++;
                    LOG.info("Slack Socket Mode connection open ({} so far)", hellos);
                    return;
                }
                case "events_api" -> events.onEvent(envelope.path("payload"));
                case "interactive" -> events.onInteraction(envelope.path("payload"));
                default -> {
                    // slash commands and the like are not used; disconnect is followed by the SDK
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // stopping: not acknowledged, Slack delivers it again
        } catch (RuntimeException e) {
            LOG.error("A Slack {} envelope could not be handed over; Slack will deliver it again", type, e);
            return;
        }
        if (!envelopeId.isEmpty()) {
            client.sendSocketModeResponse("{\"envelope_id\":\"" + envelopeId.replaceAll("[^A-Za-z0-9_-]", "") + "\"}");
        }
    }

    /** Waits (a while) for the envelope being handed over, then closes the connection; what is not acknowledged comes again. */
    @Override
    public void close() {
        closing = true;
        boolean locked = false;
        try {
            locked = handing.tryLock(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
            if (!locked) {
                LOG.warn("A Slack envelope was still being handed over after {} s", STOP_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the Socket Mode client failed", e);
        } finally {
            if (locked) {
                handing.unlock();
            }
        }
    }
}
