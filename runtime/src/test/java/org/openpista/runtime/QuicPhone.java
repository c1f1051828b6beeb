package org.openpista.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.X509TrustManager;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.QuicStream;
import tech.kwik.core.log.NullLogger;

/**
 * A phone as the mobile protocol sees it, written for the tests from the protocol alone (not the
 * bundle's client): a kwik QUIC connection that pins the server's certificate by the link's
 * fingerprint, 4-byte big-endian length-prefixed JSON frames, one bidirectional stream per request.
 */
final class QuicPhone implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The parts of an {@code openpista+quic://HOST:PORT?token=…&fp=sha256:…} link.
     *
     * @param host the host
     * @param port the UDP port
     * @param token the token
     * @param fingerprint {@code sha256:} and 64 hex digits
     */
    record Link(String host, int port, String token, String fingerprint) {
        static Link parse(String text) {
            URI uri = URI.create(text.strip());
            String token = null;
            String fingerprint = null;
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.startsWith("token=")) {
                    token = pair.substring(6);
                } else if (pair.startsWith("fp=")) {
                    fingerprint = pair.substring(3);
                }
            }
            if (!"openpista+quic".equals(uri.getScheme()) || token == null || fingerprint == null) {
                throw new IllegalArgumentException("not a mobile link: " + text);
            }
            return new Link(uri.getHost(), uri.getPort(), token, fingerprint);
        }

        Link withToken(String other) {
            return new Link(host, port, other, fingerprint);
        }
    }

    final QuicClientConnection quic;

    private QuicPhone(QuicClientConnection quic) {
        this.quic = quic;
    }

    /** The handshake only, certificate pinned. */
    static QuicPhone handshake(Link link) throws IOException {
        // kwik 0.10.8 asserts a positive loss delay, which fails on loopback (0 ms round trips) and stalls the
        // connection when the JVM runs with -ea, as tests do; fixed in kwik after 0.10.8
        QuicPhone.class.getClassLoader().setPackageAssertionStatus("tech.kwik", false);
        System.setProperty("tech.kwik.core.no-security-warnings", "true");
        QuicClientConnection quic = QuicClientConnection.newBuilder()
                .host(link.host())
                .port(link.port())
                .applicationProtocol("openpista-quic-v1")
                .noServerCertificateCheck()
                .customTrustManager(new Pin(link.fingerprint()))
                .connectTimeout(Duration.ofSeconds(30))
                .maxIdleTimeout(Duration.ofSeconds(30))
                .logger(new NullLogger())
                .build();
        quic.connect();
        return new QuicPhone(quic);
    }

    /** Connects and sends {@code auth}; @return the phone and the server's answer */
    static QuicPhone connect(Link link, String deviceId, List<JsonNode> answer) throws IOException {
        QuicPhone phone = handshake(link);
        answer.addAll(phone.request(JSON.createObjectNode().put("type", "auth").put("token", link.token())
                .put("device_id", deviceId)));
        return phone;
    }

    /** Connects, authenticates and fails unless {@code auth_ok} came back. */
    static QuicPhone connect(Link link, String deviceId) throws IOException {
        List<JsonNode> answer = new ArrayList<>();
        QuicPhone phone = connect(link, deviceId, answer);
        if (answer.size() != 1 || !answer.get(0).path("type").asText().equals("auth_ok")) {
            phone.close();
            throw new IOException("not authenticated: " + answer);
        }
        phone.quic.keepAlive(10);
        return phone;
    }

    /** @return every frame the server sent on the request's stream, until it finished it */
    List<JsonNode> request(ObjectNode frame) throws IOException {
        try (Stream stream = open(frame)) {
            List<JsonNode> frames = new ArrayList<>();
            JsonNode next;
            while ((next = stream.next()) != null) {
                frames.add(next);
            }
            return frames;
        }
    }

    Stream open(ObjectNode frame) throws IOException {
        QuicStream stream = quic.createStream(true);
        try (OutputStream out = stream.getOutputStream()) {
            write(out, JSON.writeValueAsBytes(frame));
        }
        return new Stream(stream);
    }

    static void write(OutputStream out, byte[] json) throws IOException {
        out.write(ByteBuffer.allocate(4).putInt(json.length).array());
        out.write(json);
        out.flush();
    }

    static ObjectNode message(String text) {
        return JSON.createObjectNode().put("type", "message").put("text", text);
    }

    /** The frames of one request's stream. */
    static final class Stream implements AutoCloseable {
        final QuicStream stream;
        private final InputStream in;

        Stream(QuicStream stream) {
            this.stream = stream;
            this.in = stream.getInputStream();
        }

        /** @return the next frame, {@code null} once the server finished the stream */
        JsonNode next() throws IOException {
            byte[] header = in.readNBytes(4);
            if (header.length == 0) {
                return null;
            }
            int length = ByteBuffer.wrap(header).getInt();
            return JSON.readTree(in.readNBytes(length));
        }

        @Override
        public void close() {
            stream.abortReading(0);
        }
    }

    @Override
    public void close() {
        quic.close();
    }

    static String fingerprint(X509Certificate certificate) throws CertificateException {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new CertificateException(e);
        }
    }

    private record Pin(String fingerprint) implements X509TrustManager {
        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            String presented = QuicPhone.fingerprint(chain[0]);
            if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.US_ASCII),
                    fingerprint.getBytes(StandardCharsets.US_ASCII))) {
                throw new CertificateException("certificate " + presented + " is not the pinned " + fingerprint);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
