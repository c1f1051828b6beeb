package org.openpista.channel.web.internal;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openpista.api.pairing.ChannelPairing;
import org.openpista.api.pairing.PairingState;
import org.openpista.channel.support.FrameFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pairing states (a WhatsApp QR code, the linked account) for the clients that watch them. A
 * {@code pairing_request} answers with the channel's {@code pairing_status} at once and, while the
 * client watches, the status is pushed again whenever it changes: a new QR code, connected, gone.
 *
 * <p>{@link ChannelPairing} is read by polling ({@code state()} is cheap and versioned), and only
 * while somebody watches.
 */
final class PairingFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PairingFeed.class);

    /** How often watched states are compared with what was sent last. */
    static final Duration POLL = Duration.ofMillis(250);
    /** Channels one connection may watch at once. */
    static final int MAX_WATCHED = 8;

    /** What was sent last for a channel; {@code state} is {@code null} while no pairing service runs. */
    private record Sent(PairingState state) {}

    private final Function<String, ChannelPairing> lookup;
    private final ScheduledExecutorService timer;
    private final Map<Connection, Set<String>> watchers = new ConcurrentHashMap<>();
    private final Map<String, Sent> lastSent = new ConcurrentHashMap<>();
    private ScheduledFuture<?> poller;
    private boolean closed;

    /**
     * @param lookup the running pairing service of a channel id, or {@code null}
     * @param timer runs the polling
     */
    PairingFeed(Function<String, ChannelPairing> lookup, ScheduledExecutorService timer) {
        this.lookup = lookup;
        this.timer = timer;
    }

    /**
     * Answers a {@code pairing_request}: the channel's status now, and from now on every change while
     * {@code watch} holds; {@code watch = false} ends an earlier watch.
     *
     * @throws FrameFields.BadFrame when the connection already watches {@value #MAX_WATCHED} other channels
     */
    void request(Connection connection, String channel, boolean watch) {
        PairingState state = current(channel);
        if (watch) {
            Set<String> channels = watchers.computeIfAbsent(connection, key -> ConcurrentHashMap.newKeySet());
            if (!channels.contains(channel) && channels.size() >= MAX_WATCHED) {
                throw new FrameFields.BadFrame("a connection may watch at most " + MAX_WATCHED + " channels' pairing");
            }
            channels.add(channel);
            // a change the others have not seen yet stays unseen here, so the next poll still sends it
            lastSent.putIfAbsent(channel, new Sent(state));
            startPolling();
        } else {
            unwatch(connection, channel);
        }
        connection.send(Frames.pairingStatus(channel, state));
    }

    /** The connection is gone. */
    void forget(Connection connection) {
        Set<String> channels = watchers.remove(connection);
        if (channels != null) {
            channels.forEach(this::dropIfUnwatched);
        }
    }

    private void unwatch(Connection connection, String channel) {
        Set<String> channels = watchers.get(connection);
        if (channels != null && channels.remove(channel)) {
            if (channels.isEmpty()) {
                watchers.remove(connection, channels);
            }
            dropIfUnwatched(channel);
        }
    }

    private void dropIfUnwatched(String channel) {
        if (watchers.values().stream().noneMatch(channels -> channels.contains(channel))) {
            lastSent.remove(channel);
        }
    }

    /** @return the channel's state, or {@code null} when no pairing service runs for it (or it fails) */
    private PairingState current(String channel) {
        ChannelPairing pairing = lookup.apply(channel);
        if (pairing == null) {
            return null;
        }
        try {
            return pairing.state();
        } catch (RuntimeException e) {
            // the service went away between the lookup and the call, or it is broken: nothing to pair with now
            LOG.debug("The pairing state of {} cannot be read", channel, e);
            return null;
        }
    }

    private synchronized void startPolling() {
        if (poller == null && !closed) {
            poller = timer.scheduleWithFixedDelay(this::poll, POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Sends each watched channel's status to its watchers when it differs from what was sent last. */
    void poll() {
        try {
            Set<String> watched = new HashSet<>();
            watchers.values().forEach(watched::addAll);
            if (watched.isEmpty()) {
                stopPollingIfIdle();
                return;
            }
            for (String channel : watched) {
                PairingState state = current(channel);
                Sent before = lastSent.put(channel, new Sent(state));
                if (before != null && Objects.equals(before.state(), state)) {
                    continue;
                }
                String frame = Frames.text(Frames.pairingStatus(channel, state));
                watchers.forEach((connection, channels) -> {
                    if (channels.contains(channel)) {
                        connection.send(frame);
                    }
                });
            }
        } catch (RuntimeException e) {
            // never let one failure end the polling task for good
            LOG.warn("Pushing pairing states failed", e);
        }
    }

    private synchronized void stopPollingIfIdle() {
        if (watchers.isEmpty() && poller != null) {
            poller.cancel(false);
            poller = null;
        }
    }

    /** @return whether the feed is polling (somebody watches) */
    synchronized boolean polling() {
        return poller != null;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (poller != null) {
            poller.cancel(false);
            poller = null;
        }
        watchers.clear();
        lastSent.clear();
    }
}
