package org.openpista.runtime;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The client side of the daemon's admin socket ({@code $OPENPISTA_HOME/admin.sock}). The wire
 * format is the one of the shell bundle's {@code Frames}: frames of a type byte, a four-byte length
 * and a payload; the client sends {@code C} (a command line), the daemon answers with {@code O}
 * (output), {@code E} (errors) and one {@code S} (exit status in decimal) per command.
 */
final class AdminClient implements AutoCloseable {

    /** Exit status when the daemon went away before the command finished. */
    static final int CONNECTION_LOST = 3;

    private final SocketChannel channel;

    private AdminClient(SocketChannel channel) {
        this.channel = channel;
    }

    static Path socket(Home home) {
        return home.dir().resolve("admin.sock");
    }

    /** @return a connection, or {@code null} when no daemon answers on the socket */
    static AdminClient connect(Path socket) {
        if (!Files.exists(socket)) {
            return null;
        }
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException | RuntimeException e) {
                channel.close();
                return null;
            }
            return new AdminClient(channel);
        } catch (IOException e) {
            return null;
        }
    }

    /** @return whether a daemon answers on the socket */
    static boolean answers(Path socket) {
        try (AdminClient client = connect(socket)) {
            return client != null;
        }
    }

    /**
     * Runs one command, copying its output as it arrives.
     *
     * @return the command's exit status, or {@link #CONNECTION_LOST}
     */
    int execute(String command, PrintStream out, PrintStream err) {
        try {
            write(command);
            while (true) {
                ByteBuffer head = ByteBuffer.allocate(5);
                fill(head);
                head.flip();
                byte type = head.get();
                int length = head.getInt();
                if (length < 0 || length > (64 << 20)) {
                    throw new IOException("bad frame length " + length);
                }
                ByteBuffer payload = ByteBuffer.allocate(length);
                fill(payload);
                switch (type) {
                    case 'O' -> {
                        out.write(payload.array(), 0, length);
                        out.flush();
                    }
                    case 'E' -> {
                        err.write(payload.array(), 0, length);
                        err.flush();
                    }
                    case 'S' -> {
                        return Integer.parseInt(new String(payload.array(), StandardCharsets.US_ASCII).strip());
                    }
                    default -> throw new IOException("unexpected frame type " + (char) type);
                }
            }
        } catch (IOException | NumberFormatException e) {
            err.println("openpista: the daemon closed the connection before the command finished (it may be shutting down)");
            return CONNECTION_LOST;
        }
    }

    /** Runs one command and returns what it printed on standard output, or throws with its errors. */
    String query(String command) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            status = execute(command, o, e);
        }
        if (status != 0) {
            throw new IOException(err.toString(StandardCharsets.UTF_8).strip());
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void write(String command) throws IOException {
        byte[] bytes = command.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(5 + bytes.length);
        frame.put((byte) 'C').putInt(bytes.length).put(bytes).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    private void fill(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException();
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
