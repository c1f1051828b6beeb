package org.openpista.channel.slack.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.openpista.channel.support.Backoff;
import org.openpista.channel.support.DaemonThreads;
import org.openpista.channel.support.Problems;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket Mode: {@code apps.connections.open} with the app-level token gives a WebSocket URL, Slack
 * sends {@code hello} and then envelopes, and each envelope is acknowledged with its {@code
 * envelope_id} only once its event is handed over, so an event is never lost: what is not
 * acknowledged Slack sends again. Envelopes are handed over one at a time, in the order they came
 * (on the HTTP client's workers, so the connection keeps reading meanwhile), so the messages of a
 * thread reach the agent in the order they were written.
 *
 * <p>A keeper thread holds the connection up as Slack's SDK does: it pings every few seconds and
 * opens a new connection when no pong comes within a few more, when the connection drops or closes,
 * and when Slack asks for it ({@code disconnect}: {@code refresh_requested} every few hours, {@code
 * link_disabled}); new URLs are asked for with a growing pause while Slack cannot be reached.
 */
final class SocketModeLink implements AutoCloseable, SocketConnection.Handler {

    /** How the connection is kept: ping interval, pong wait, first pause between reconnection attempts. */
    record Keeping(Duration pingEvery, Duration pongWait, Duration firstBackoff) {
        /** @return as Slack's SDK: a ping every 5 s, a new connection when its pong is not there 3 s later */
        static Keeping sdk(Duration firstBackoff) {
            return new Keeping(Duration.ofSeconds(5), Duration.ofSeconds(3), firstBackoff);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(SocketModeLink.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    private static final long STOP_WAIT_SECONDS = 15;

    private final SlackApi api;
    private final String appToken;
    private final SlackEvents events;
    private final Keeping keeping;
    private final int maxMessage;
    private final Thread keeper;
    // held while an envelope is handed over: closing waits for it, since interrupting the hand-over could
    // leave its event handed to the agent but not in the ledger (an interrupted file write), and so repeated
    private final ReentrantLock handing = new ReentrantLock();
    private final AtomicInteger hellos = new AtomicInteger();
    // guarded by this
    private SocketConnection current;
    private CompletableFuture<?> work = CompletableFuture.completedFuture(null);
    private String reconnectBecause;
    private volatile boolean closing;
    private volatile Instant helloAt;

    /**
     * Opens the first connection.
     *
     * @throws SlackException when Slack refuses the app-level token or cannot be reached
     */
    SocketModeLink(SlackApi api, String appToken, SlackEvents events, Keeping keeping) throws SlackException,
            InterruptedException {
        this(api, appToken, events, keeping, SocketConnection.MAX_MESSAGE);
    }

    /** @param maxMessage the largest Socket Mode message taken, in chars (a larger one is skipped) */
    SocketModeLink(SlackApi api, String appToken, SlackEvents events, Keeping keeping, int maxMessage)
            throws SlackException, InterruptedException {
        this.api = api;
        this.maxMessage = maxMessage;
        this.appToken = appToken;
        this.events = events;
        this.keeping = keeping;
        SocketConnection first = open();
        synchronized (this) {
            current = first;
        }
        keeper = DaemonThreads.named("slack-socket-mode").newThread(this::keep);
        keeper.start();
    }

    /** @return when the current connection said hello, or null before the first one */
    Instant connectedSince() {
        return helloAt;
    }

    /** @return how many connections said hello */
    int connections() {
        return hellos.get();
    }

    private SocketConnection open() throws SlackException, InterruptedException {
        URI url = api.openSocketUrl(appToken);
        try {
            return SocketConnection.open(api.http(), url, this, CONNECT_TIMEOUT, maxMessage);
        } catch (IOException e) {
            throw new SlackException("Socket Mode", "cannot connect: " + Problems.describe(e), false);
        }
    }

    @Override
    public void message(SocketConnection from, String text) {
        JsonNode envelope;
        try {
            envelope = JSON.readTree(text);
        } catch (IOException e) {
            LOG.warn("Slack sent a Socket Mode message that is no JSON; ignored");
            return;
        }
        String type = envelope.path("type").asText("");
        switch (type) {
            case "hello" -> {
                helloAt = Instant.now();
                LOG.info("Slack Socket Mode connection open ({} so far)", hellos.incrementAndGet());
            }
            case "disconnect" -> reconnect(from, "Slack asked for a new connection (" + envelope.path("reason").asText("")
                    + ")");
            default -> {
                synchronized (this) {
                    // one after another, whatever came before failed or not
                    work = work.handle((done, failed) -> null).thenRunAsync(() -> onEnvelope(from, type, envelope),
                            api.workers());
                }
            }
        }
    }

    @Override
    public void ended(SocketConnection which, String why) {
        reconnect(which, "the Socket Mode connection ended: " + why);
    }

    /** Asks the keeper for a new connection, when the one that reports is still the current one. */
    private synchronized void reconnect(SocketConnection which, String because) {
        if (which == current && !closing && reconnectBecause == null) {
            reconnectBecause = because;
            notifyAll();
        }
    }

    private void onEnvelope(SocketConnection from, String type, JsonNode envelope) {
        handing.lock();
        try {
            if (!closing) {
                handle(from, type, envelope);
            }
        } finally {
            handing.unlock();
        }
    }

    private void handle(SocketConnection from, String type, JsonNode envelope) {
        String envelopeId = envelope.path("envelope_id").asText("");
        try {
            switch (type) {
                case "events_api" -> events.onEvent(envelope.path("payload"));
                case "interactive" -> events.onInteraction(envelope.path("payload"));
                default -> {
                    // slash commands and the like are not used: acknowledged, so Slack does not send them again
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
            from.send(JSON.createObjectNode().put("envelope_id", envelopeId).toString());
        }
    }

    /** The keeper: pings, and opens a new connection when one is wanted or the pong does not come. */
    private void keep() {
        try {
            while (!closing) {
                String because;
                SocketConnection connection;
                synchronized (this) {
                    if (reconnectBecause == null) {
                        TimeUnit.MILLISECONDS.timedWait(this, keeping.pingEvery().toMillis());
                    }
                    because = reconnectBecause;
                    connection = current;
                }
                if (closing) {
                    return;
                }
                if (because == null && connection != null) {
                    long before = connection.pongs();
                    connection.ping();
                    if (!connection.awaitPong(before, keeping.pongWait())) {
                        because = "no pong within " + keeping.pongWait().toMillis() + " ms";
                    }
                }
                if (because != null && !closing) {
                    replace(because);
                }
            }
        } catch (InterruptedException e) {
            // closing
        }
    }

    /** Opens a new connection, trying again with a growing pause, then drops the old one. */
    private void replace(String because) throws InterruptedException {
        LOG.info("Slack Socket Mode: {}; connecting again", because);
        Backoff backoff = new Backoff(keeping.firstBackoff(), Duration.ofSeconds(30));
        while (!closing) {
            try {
                SocketConnection fresh = open();
                SocketConnection old;
                synchronized (this) {
                    if (closing) {
                        fresh.abort();
                        return;
                    }
                    old = current;
                    current = fresh;
                    reconnectBecause = null;
                }
                if (old != null) {
                    old.abort(); // what it carried and was not acknowledged Slack sends again
                }
                return;
            } catch (SlackException e) {
                LOG.warn("Slack Socket Mode cannot connect again ({}); trying again", e.getMessage());
                Thread.sleep(backoff.nextMillis());
            }
        }
    }

    /** Waits (a while) for the envelope being handed over, then closes the connection; what is not acknowledged comes again. */
    @Override
    public void close() {
        SocketConnection last;
        synchronized (this) {
            closing = true;
            last = current;
            notifyAll();
        }
        keeper.interrupt();
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
            if (last != null) {
                last.close();
            }
            keeper.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (locked) {
                handing.unlock();
            }
        }
    }
}
