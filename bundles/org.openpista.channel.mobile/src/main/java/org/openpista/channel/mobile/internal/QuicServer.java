package org.openpista.channel.mobile.internal;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.security.cert.CertificateException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openpista.channel.support.FrameFields;
import tech.kwik.core.QuicConnection;
import tech.kwik.core.server.ApplicationProtocolConnection;
import tech.kwik.core.server.ApplicationProtocolConnectionFactory;
import tech.kwik.core.server.ServerConnection;
import tech.kwik.core.server.ServerConnectionConfig;
import tech.kwik.core.server.ServerConnector;

/**
 * The QUIC endpoint on kwik: a UDP socket on {@code bind:port}, TLS 1.3 with the server's certificate,
 * ALPN {@value #ALPN}. kwik refuses a client that offers no ALPN at all (RFC 9001 §8.1 makes ALPN
 * mandatory, and kwik's server enforces it), so the original's "no ALPN" is not possible here: clients
 * offer {@value #ALPN}.
 *
 * <p>kwik 0.10.8's server does not migrate connections: it announces {@code disable_active_migration}
 * and drops packets from any address but the one a connection started from. A phone that changes
 * networks therefore opens a new connection; its session continues ({@code mobile:<device_id>}) and a
 * retried message with the same {@code message_id} gets the answer of the turn it started (see {@link
 * Turns}).
 */
final class QuicServer implements AutoCloseable {

    /** The application protocol clients offer. */
    static final String ALPN = "openpista-quic-v1";
    /** Requests one connection may have open at once (each is a bidirectional stream). */
    static final int MAX_STREAMS = 32;
    /** Threads serving streams, over all connections: beyond that a stream is refused as busy. */
    static final int MAX_THREADS = 1_000;

    private final DatagramSocket socket;
    private final ServerConnector connector;
    private final ThreadPoolExecutor executor;
    private final Set<DeviceConnection> connections = ConcurrentHashMap.newKeySet();

    private QuicServer(DatagramSocket socket, ServerConnector connector, ThreadPoolExecutor executor) {
        this.socket = socket;
        this.connector = connector;
        this.executor = executor;
    }

    /**
     * Listens and serves.
     *
     * @throws IOException when the address cannot be bound or the certificate not used
     */
    static QuicServer start(MobileSettings settings, ServerIdentity identity, MobileHub hub) throws IOException {
        KwikAssertions.off();
        DatagramSocket socket = new DatagramSocket(null);
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByName(settings.bind()), settings.port()));
        } catch (IOException e) {
            socket.close();
            throw new IOException("cannot listen on " + settings.bind() + ":" + settings.port() + " (UDP): "
                    + FrameFields.describe(e), e);
        }
        AtomicInteger threads = new AtomicInteger();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(0, MAX_THREADS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "openpista-mobile-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        ServerConnectionConfig config = ServerConnectionConfig.builder()
                .maxIdleTimeoutInSeconds((int) Math.min(Integer.MAX_VALUE, settings.idleTimeout().toSeconds()))
                .maxOpenPeerInitiatedBidirectionalStreams(MAX_STREAMS)
                .maxOpenPeerInitiatedUnidirectionalStreams(0)
                .maxBidirectionalStreamBufferSize(2L * FrameIO.LIMIT)
                .maxUnidirectionalStreamBufferSize(0)
                .maxConnectionBufferSize(8L * FrameIO.LIMIT)
                .retryRequired(false)
                .connectionIdLength(8)
                .build();
        ServerConnector connector;
        try {
            connector = ServerConnector.builder()
                    .withSocket(socket)
                    .withKeyStore(identity.keyStore(), ServerIdentity.ALIAS, ServerIdentity.password())
                    .withSupportedVersion(QuicConnection.QuicVersion.V2) // besides version 1
                    .withConfiguration(config)
                    .withLogger(new KwikLog())
                    .build();
        } catch (SocketException | CertificateException | RuntimeException e) {
            socket.close();
            executor.shutdownNow();
            throw new IOException("cannot start the QUIC server: " + FrameFields.describe(e), e);
        }
        QuicServer server = new QuicServer(socket, connector, executor);
        connector.registerApplicationProtocol(ALPN, server.factory(hub));
        connector.start();
        return server;
    }

    private ApplicationProtocolConnectionFactory factory(MobileHub hub) {
        return new ApplicationProtocolConnectionFactory() {
            @Override
            public ApplicationProtocolConnection createConnection(String protocol, QuicConnection quic) {
                InetSocketAddress remote = quic instanceof ServerConnection server ? server.getInitialRemoteAddress() : null;
                DeviceConnection[] self = new DeviceConnection[1];
                DeviceConnection connection = new DeviceConnection(quic, remote, hub, executor,
                        () -> connections.remove(Objects.requireNonNull(self[0])));
                self[0] = connection;
                connections.add(connection);
                return connection;
            }

            @Override
            public int maxConcurrentPeerInitiatedUnidirectionalStreams() {
                return 0;
            }

            @Override
            public int maxConcurrentPeerInitiatedBidirectionalStreams() {
                return MAX_STREAMS;
            }
        };
    }

    /** @return the UDP port it listens on */
    int port() {
        return socket.getLocalPort();
    }

    /** @return the connections, authenticated or not */
    int connections() {
        return connections.size();
    }

    /** @return the distinct devices connected now */
    long devices() {
        return connections.stream().map(DeviceConnection::device).filter(Objects::nonNull).map(Device::id).distinct().count();
    }

    @Override
    public void close() {
        connections.forEach(connection -> connection.close(DeviceConnection.SHUTDOWN, "the mobile channel is stopping"));
        connector.close();
        executor.shutdownNow();
        socket.close();
    }
}
