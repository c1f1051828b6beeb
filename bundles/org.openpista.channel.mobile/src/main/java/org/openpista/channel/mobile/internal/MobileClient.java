package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.function.Consumer;
import javax.net.ssl.X509TrustManager;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;

/**
 * A client of the mobile protocol on kwik, as a phone app would be: it connects, pins the server's
 * certificate by its SHA-256 fingerprint (no certificate authority, no host name check: the pin is
 * stronger), authenticates on the first stream, then opens a stream per request. {@code openpista
 * mobile connect} and {@code status} use it, and so do the tests.
 */
final class MobileClient implements AutoCloseable {

    /** The server refused the {@code auth} frame. */
    static final class Refused extends IOException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** How long a handshake may take at most (a phone on a poor network, a busy server). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** The connection; tests move it to another local address. */
    final QuicClientConnection quic;
    private final JsonNode authOk;
    /** Nudges the streams' output (see {@link StreamOutput}). */
    private final ScheduledThreadPoolExecutor timer;

    private MobileClient(QuicClientConnection quic, JsonNode authOk) {
        this.quic = quic;
        this.authOk = authOk;
        this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "openpista-mobile-client");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true);
    }

    /**
     * Connects and authenticates.
     *
     * @param idle the idle timeout the client proposes; it pings at half of it to stay connected
     * @throws Refused when the server answered {@code auth_error}
     * @throws IOException when the server cannot be reached or its certificate is not the pinned one
     */
    static MobileClient connect(ConnectUri uri, String deviceId, Duration idle) throws IOException {
        QuicClientConnection quic = handshake(uri, idle);
        try {
            QuicStream stream = quic.createStream(true);
            try (OutputStream out = stream.getOutputStream()) {
                FrameIO.write(out, Frames.frame("auth").put("token", uri.token()).put("device_id", deviceId));
            }
            JsonNode answer = FrameIO.read(stream.getInputStream(), FrameIO.LIMIT);
            if (answer == null || !"auth_ok".equals(answer.path("type").asText())) {
                throw new Refused(answer == null ? "the server closed the auth stream"
                        : answer.path("message").asText(answer.toString()));
            }
            quic.keepAlive((int) Math.max(1, idle.toSeconds() / 2));
            return new MobileClient(quic, answer);
        } catch (IOException | RuntimeException e) {
            quic.close();
            throw e;
        }
    }

    /** Connects without authenticating: the QUIC and TLS handshake, the certificate pinned. */
    static QuicClientConnection handshake(ConnectUri uri, Duration idle) throws IOException {
        KwikAssertions.off();
        // the warning kwik prints for noServerCertificateCheck(): the pinning trust manager replaces its trust-all one,
        // and only the host name check stays off
        System.setProperty("tech.kwik.core.no-security-warnings", "true");
        QuicClientConnection quic = QuicClientConnection.newBuilder()
                .host(uri.host())
                .port(uri.port())
                .applicationProtocol(QuicServer.ALPN)
                .noServerCertificateCheck()
                .customTrustManager(new Pin(uri.fingerprint()))
                .connectTimeout(idle.compareTo(CONNECT_TIMEOUT) < 0 ? idle : CONNECT_TIMEOUT)
                .maxIdleTimeout(idle)
                .maxOpenPeerInitiatedBidirectionalStreams(0)
                .maxOpenPeerInitiatedUnidirectionalStreams(0)
                .logger(new KwikLog())
                .build();
        quic.connect();
        return quic;
    }

    /** @return the server's {@code auth_ok} */
    JsonNode authOk() {
        return authOk;
    }

    /**
     * Sends one request on a new stream and reads what comes back until the server finishes the stream.
     *
     * @param each gets every frame, the last one included
     * @return the last frame, or {@code null} when the server sent none
     */
    JsonNode request(ObjectNode frame, Consumer<JsonNode> each) throws IOException {
        try (Reply reply = open(frame)) {
            JsonNode last = null;
            JsonNode next;
            while ((next = reply.next()) != null) {
                each.accept(next);
                last = next;
            }
            return last;
        }
    }

    /** Sends one request on a new stream; the frames that come back are read one by one. */
    Reply open(ObjectNode frame) throws IOException {
        QuicStream stream = quic.createStream(true);
        OutputStream out = new StreamOutput(quic, stream, timer);
        FrameIO.write(out, frame);
        out.close();
        return new Reply(stream);
    }

    /** The frames the server sends on one request's stream. */
    static final class Reply implements AutoCloseable {
        private final QuicStream stream;
        private final InputStream in;

        private Reply(QuicStream stream) {
            this.stream = stream;
            this.in = stream.getInputStream();
        }

        /** @return the next frame, {@code null} once the server finished the stream */
        JsonNode next() throws IOException {
            return FrameIO.read(in, Integer.MAX_VALUE);
        }

        @Override
        public void close() {
            stream.abortReading(0);
        }
    }

    @Override
    public void close() {
        quic.close();
        timer.shutdownNow();
    }

    /** Trusts exactly the certificate with the pinned SHA-256 fingerprint. */
    private static final class Pin implements X509TrustManager {
        private final String fingerprint;

        Pin(String fingerprint) {
            this.fingerprint = fingerprint;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("the server sent no certificate");
            }
            String presented = ServerIdentity.fingerprint(chain[0]);
            if (!MessageDigest.isEqual(presented.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    fingerprint.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new CertificateException("the server's certificate has fingerprint " + presented
                        + ", not the pinned " + fingerprint + " (another server, or someone in between)");
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server trust manager");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
