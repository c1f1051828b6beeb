package org.openpista.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openpista.api.admin.wire.Frames;

/** A daemon's admin socket played frame by frame, for the tests of the launcher's clients of it. */
final class ScriptedDaemon {

    /** What the daemon does after it read the client's request. */
    interface Script {
        void play(SocketChannel client) throws IOException;
    }

    private ScriptedDaemon() {}

    /**
     * Listens on {@code socket}, runs {@code client} and plays {@code script} to the connection it
     * makes, after adding its request to {@code received} (type, then its fields joined by |); waits
     * for both, and removes the socket.
     *
     * @return what the client returned
     */
    static <T> T serve(Path socket, int maxRequest, List<String> received, Script script, Callable<T> client) throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            CompletableFuture<Void> daemon = CompletableFuture.runAsync(() -> {
                try (SocketChannel connection = server.accept()) {
                    Frames.Frame request = Frames.read(connection, maxRequest);
                    received.add((char) request.type() + String.join("|", request.fields()));
                    script.play(connection);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            T result = client.call();
            daemon.get(10, TimeUnit.SECONDS);
            return result;
        } finally {
            Files.deleteIfExists(socket);
        }
    }
}
