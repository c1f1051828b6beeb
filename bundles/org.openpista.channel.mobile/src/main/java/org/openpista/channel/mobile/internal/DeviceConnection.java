package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openpista.channel.support.FrameFields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tech.kwik.core.ConnectionListener;
import tech.kwik.core.ConnectionTerminatedEvent;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.server.ApplicationProtocolConnection;

/**
 * One QUIC connection of a device. The first bidirectional stream it opens is the authentication
 * ({@code auth} → {@code auth_ok} / {@code auth_error}, frames of at most 64 KiB); every later one is
 * a request, served once the authentication succeeded (frames of at most 1 MiB). Each stream is
 * served on a thread of its own, so a turn that takes minutes holds nothing but its stream.
 */
final class DeviceConnection implements ApplicationProtocolConnection, ConnectionListener {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceConnection.class);

    /** How long a connection may take to authenticate. */
    static final Duration AUTH_WAIT = Duration.ofSeconds(10);
    /** How long a refused connection stays open for its {@code auth_error} to arrive. */
    static final Duration CLOSE_DELAY = Duration.ofSeconds(2);
    /** Application error codes of CONNECTION_CLOSE and RESET_STREAM. */
    static final long AUTH_FAILED = 0x101;
    static final long TOO_LARGE = 0x102;
    static final long BUSY = 0x103;
    static final long SHUTDOWN = 0x104;

    private final QuicConnection quic;
    private final String address;
    private final MobileHub hub;
    private final Executor executor;
    private final Runnable onClose;
    private final CompletableFuture<Device> device = new CompletableFuture<>();
    private final AtomicBoolean first = new AtomicBoolean(true);
    private final ScheduledFuture<?> authDeadline;
    private volatile boolean closed;

    DeviceConnection(QuicConnection quic, InetSocketAddress remote, MobileHub hub, Executor executor, Runnable onClose) {
        this.quic = quic;
        this.address = remote == null ? "unknown" : remote.getAddress().getHostAddress();
        this.hub = hub;
        this.executor = executor;
        this.onClose = onClose;
        quic.setConnectionListener(this);
        this.authDeadline = hub.timer().schedule(() -> {
            if (!device.isDone()) {
                close(AUTH_FAILED, "no auth within " + AUTH_WAIT.toSeconds() + " s");
            }
        }, AUTH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean open() {
        return !closed;
    }

    /** @return the device once authenticated, else {@code null} */
    Device device() {
        return device.getNow(null);
    }

    @Override
    public void acceptPeerInitiatedStream(QuicStream stream) {
        if (!stream.isBidirectional()) {
            stream.abortReading(0);
            return;
        }
        boolean auth = first.getAndSet(false);
        try {
            executor.execute(auth ? () -> authenticate(stream) : () -> serve(stream));
        } catch (RejectedExecutionException e) {
            LOG.warn("Too many mobile requests at once; refusing a stream from {}", address);
            stream.abortReading(BUSY);
            stream.resetStream(BUSY);
            if (auth) {
                close(BUSY, "busy");
            }
        }
    }

    private void authenticate(QuicStream stream) {
        ObjectNode answer;
        MobileHub.Auth result = null;
        try {
            JsonNode frame = FrameIO.read(stream.getInputStream(), FrameIO.PRE_AUTH_LIMIT);
            if (frame == null) {
                device.cancel(false);
                close(AUTH_FAILED, "the auth stream ended without a frame");
                return;
            }
            result = hub.authenticate(address, frame);
            answer = result.answer();
        } catch (FrameIO.TooLarge e) {
            stream.abortReading(TOO_LARGE);
            answer = Frames.frame("auth_error").put("message", "Frame too large: " + e.getMessage());
        } catch (IOException e) {
            answer = Frames.frame("auth_error").put("message", FrameFields.describe(e));
        }
        boolean accepted = result != null && result.device() != null;
        if (accepted) {
            // counted before auth_ok goes out: a client that asks for the status next sees itself
            LOG.info("Mobile device {} connected from {}", FrameFields.clip(result.device().id()), address);
            device.complete(result.device());
        }
        try (OutputStream out = new StreamOutput(quic, stream, hub.timer())) {
            FrameIO.write(out, answer);
        } catch (IOException e) {
            LOG.debug("Cannot answer the auth stream of {}", address, e);
        }
        authDeadline.cancel(false);
        if (!accepted) {
            LOG.info("Mobile connection from {} refused: {}", address, answer.path("message").asText());
            device.cancel(false);
            // a CONNECTION_CLOSE now could overtake the answer: the client closes once it read it, or this does
            hub.timer().schedule(() -> close(AUTH_FAILED, "authentication failed"), CLOSE_DELAY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    private void serve(QuicStream stream) {
        Device authenticated;
        try {
            authenticated = device.get(AUTH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
            stream.abortReading(AUTH_FAILED);
            stream.resetStream(AUTH_FAILED);
            return;
        }
        OutputStream out = new StreamOutput(quic, stream, hub.timer());
        try {
            JsonNode frame;
            try {
                frame = FrameIO.read(stream.getInputStream(), FrameIO.LIMIT);
            } catch (FrameIO.TooLarge e) {
                stream.abortReading(TOO_LARGE);
                FrameIO.write(out, Frames.error("too_large", "Frame too large: " + e.getMessage()));
                return;
            } catch (FrameIO.Malformed e) {
                FrameIO.write(out, Frames.error("bad_frame", e.getMessage()));
                return;
            }
            if (frame == null) {
                return;
            }
            hub.request(authenticated, frame, next -> FrameIO.write(out, next), this::open);
        } catch (IOException e) {
            LOG.debug("Mobile stream {} of {} failed", stream.getStreamId(), address, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("Cannot finish mobile stream {}", stream.getStreamId(), e);
            }
            readToTheEnd(stream);
        }
    }

    /**
     * Reads the client's side of a request stream to its end. kwik gives the client credit for a
     * new stream only once both sides of one are finished, read included: a stream whose end was
     * never read counts as open, and a phone that sent {@value QuicServer#MAX_STREAMS} requests on
     * one connection could open no more. A client that goes on sending after its frame is stopped.
     */
    private static void readToTheEnd(QuicStream stream) {
        try {
            InputStream in = stream.getInputStream();
            byte[] rest = new byte[1024];
            long extra = 0;
            for (int n = in.read(rest); n >= 0; n = in.read(rest)) {
                extra += n;
                if (extra > FrameIO.PRE_AUTH_LIMIT) {
                    stream.abortReading(TOO_LARGE);
                    return;
                }
            }
        } catch (IOException e) {
            LOG.debug("Mobile stream {} ended abruptly", stream.getStreamId(), e);
        }
    }

    void close(long code, String reason) {
        if (!closed) {
            closed = true;
            quic.close(code, reason);
        }
    }

    @Override
    public void disconnected(ConnectionTerminatedEvent event) {
        closed = true;
        authDeadline.cancel(false);
        device.cancel(false);
        onClose.run();
        LOG.debug("Mobile connection from {} ended: {}", address, event.closeReason());
    }
}
