package org.openpista.tool.desktop.internal;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A client connection to a D-Bus message bus over its socket file, spoken by this bundle: SASL
 * {@code EXTERNAL} authentication with this process's user id, {@code Hello}, then method calls
 * that wait for their reply. What a notification needs, and no library: dbus-java would bring a
 * dozen jars, a service loader that needs SPI Fly in OSGi, and native transports.
 */
final class DBusConnection implements Closeable {

    static final String BUS = "org.freedesktop.DBus";
    static final String BUS_PATH = "/org/freedesktop/DBus";

    private final SocketChannel channel;
    private final String uniqueName;
    private int serial;

    private DBusConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.uniqueName = (String) call(BUS, BUS_PATH, BUS, "Hello", "", List.of()).arguments().get(0);
    }

    /**
     * Connects, authenticates and says hello.
     *
     * @param socket the bus's socket file
     * @param uid this process's user id, which the bus checks against the socket's peer credentials
     * @param opening receives the channel before it connects, so that a watchdog can close it
     */
    static DBusConnection open(Path socket, int uid, Consumer<Closeable> opening) throws IOException {
        if (!Files.exists(socket)) {
            throw new IOException("the bus socket " + socket + " does not exist");
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        opening.accept(channel);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
            StringBuilder hex = new StringBuilder();
            for (byte b : Integer.toString(uid).getBytes(StandardCharsets.US_ASCII)) {
                hex.append(String.format("%02x", b));
            }
            write(channel, ("\0AUTH EXTERNAL " + hex + "\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = line(channel);
            if (!answer.startsWith("OK ")) {
                throw new IOException("the bus refused the login of user " + uid + ": " + answer);
            }
            write(channel, "BEGIN\r\n".getBytes(StandardCharsets.US_ASCII));
            return new DBusConnection(channel);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** @return this connection's unique name on the bus, such as {@code :1.42} */
    String uniqueName() {
        return uniqueName;
    }

    /** @return the serial for the next message this connection sends */
    synchronized int nextSerial() {
        return ++serial;
    }

    /**
     * Calls a method and waits for its reply; signals and other messages that arrive meanwhile are
     * dropped.
     *
     * @return the reply
     * @throws DBusException when the reply is an error
     */
    DBusMessage call(String destination, String path, String iface, String member, String signature,
            List<?> arguments) throws IOException {
        DBusMessage call = DBusMessage.call(nextSerial(), destination, path, iface, member, signature, arguments);
        send(call);
        while (true) {
            DBusMessage message = receive();
            if (message.replySerial() != call.serial()) {
                continue;
            }
            if (message.type() == DBusMessage.ERROR) {
                throw new DBusException(message.errorName(), message.errorMessage());
            }
            return message;
        }
    }

    void send(DBusMessage message) throws IOException {
        write(channel, message.encode());
    }

    /** @return the next message from the bus */
    DBusMessage receive() throws IOException {
        ByteBuffer fixed = read(16);
        ByteOrder order = fixed.get(0) == 'B' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        fixed.order(order);
        long bodyLength = fixed.getInt(4) & 0xffffffffL;
        long fieldsLength = fixed.getInt(12) & 0xffffffffL;
        long headerLength = (16 + fieldsLength + 7) & ~7L;
        if (headerLength + bodyLength > DBusMessage.MAX_LENGTH) {
            throw new IOException("the bus sent a message of " + (headerLength + bodyLength) + " bytes");
        }
        byte[] header = new byte[(int) headerLength];
        System.arraycopy(fixed.array(), 0, header, 0, 16);
        read(header.length - 16).get(header, 16, header.length - 16);
        byte[] body = read((int) bodyLength).array();
        try {
            return DBusMessage.decode(header, body);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new IOException("the bus sent a malformed message: " + e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private ByteBuffer read(int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the bus closed the connection");
            }
        }
        return buffer.flip();
    }

    private static String line(SocketChannel channel) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (line.size() < 4096) {
            one.clear();
            if (channel.read(one) < 0) {
                throw new EOFException("the bus closed the connection during authentication");
            }
            byte b = one.get(0);
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII).strip();
            }
            line.write(b);
        }
        throw new IOException("the bus's authentication line is too long");
    }

    private static void write(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }
}
