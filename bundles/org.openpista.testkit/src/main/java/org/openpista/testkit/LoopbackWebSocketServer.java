package org.openpista.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WebSocket server (RFC 6455) on 127.0.0.1 for the fakes whose services push over a WebSocket
 * (Slack's Socket Mode, Discord's gateway). The JDK has a WebSocket client but no server, and the
 * fakes need what a library server hides: dropping a connection without a close frame, as a network
 * failure does. It speaks what clients use: the upgrade handshake, masked text and binary frames
 * (fragmented too), ping/pong and the close handshake; extensions (compression) are never agreed.
 */
final class LoopbackWebSocketServer implements AutoCloseable {

    /** What happens on a connection; called from the connection's own thread. */
    interface Handler {
        /** The handshake is done; {@code path} holds the query too. */
        void opened(Connection connection);

        /** A whole text message arrived. */
        void text(Connection connection, String text);

        /** The connection ended (close frame, drop or failure). */
        void closed(Connection connection, int code);
    }

    /** One client's connection. */
    static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final String path;
        private final Map<String, String> headers;
        private volatile boolean open = true;
        private volatile boolean stalled;

        private Connection(Socket socket, String path, Map<String, String> headers) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
            this.path = path;
            this.headers = headers;
        }

        /** @return the request target of the upgrade, with its query */
        String path() {
            return path;
        }

        /** @return a header of the upgrade request (name in lower case), or null */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        /** @return whether frames can still be sent */
        boolean isOpen() {
            return open && !socket.isClosed();
        }

        /** Sends a text message. @return whether it was written */
        boolean send(String text) {
            return frame(0x1, text.getBytes(StandardCharsets.UTF_8));
        }

        /** Starts the close handshake with a code; the client's close frame ends the connection. */
        void close(int code, String reason) {
            byte[] text = reason.getBytes(StandardCharsets.UTF_8);
            byte[] payload = new byte[2 + text.length];
            payload[0] = (byte) (code >> 8);
            payload[1] = (byte) code;
            System.arraycopy(text, 0, payload, 2, text.length);
            frame(0x8, payload);
        }

        /** Drops the TCP connection without a close frame, as a network failure does. */
        void drop() {
            open = false;
            try {
                socket.setSoLinger(true, 0); // a reset, not an orderly shutdown
                socket.close();
            } catch (IOException e) {
                // gone already
            }
        }

        /**
         * The network stops carrying anything either way while the TCP connection stays up, as when
         * a NAT forgets it: nothing more is sent, and what the client sends (its pings too) is
         * read and dropped. Only the client's keepalive can tell.
         */
        void stall() {
            stalled = true;
        }

        private synchronized boolean frame(int opcode, byte[] payload) {
            if (!isOpen() || stalled) {
                return false;
            }
            try {
                ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 10);
                frame.write(0x80 | opcode);
                if (payload.length < 126) {
                    frame.write(payload.length);
                } else if (payload.length < 65_536) {
                    frame.write(126);
                    frame.write(payload.length >> 8);
                    frame.write(payload.length);
                } else {
                    frame.write(127);
                    for (int shift = 56; shift >= 0; shift -= 8) {
                        frame.write((int) ((long) payload.length >> shift));
                    }
                }
                frame.write(payload);
                out.write(frame.toByteArray());
                out.flush();
                return true;
            } catch (IOException e) {
                open = false;
                return false;
            }
        }
    }

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final String name;
    private final ServerSocket server;
    private final Handler handler;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    LoopbackWebSocketServer(String name, Handler handler) {
        this.name = name;
        this.handler = handler;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the " + name + ": " + e.getMessage(), e);
        }
        acceptor = new Thread(this::accept, name + " acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** @return {@code ws://127.0.0.1:PORT} */
    String root() {
        return "ws://127.0.0.1:" + server.getLocalPort();
    }

    /** @return the connections still open */
    List<Connection> connections() {
        return connections.stream().filter(Connection::isOpen).toList();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        connections.forEach(Connection::drop);
    }

    private void accept() {
        while (!closed) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread thread = new Thread(() -> serve(socket), name + " connection");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void serve(Socket socket) {
        Connection connection = null;
        int code = 1006;
        try (socket) {
            InputStream in = socket.getInputStream();
            Map<String, String> headers = new LinkedHashMap<>();
            String requestLine = readLine(in);
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
                }
            }
            String[] parts = requestLine.split(" ");
            String key = headers.get("sec-websocket-key");
            if (parts.length < 3 || !parts[0].equals("GET") || key == null
                    || !"websocket".equalsIgnoreCase(headers.getOrDefault("upgrade", ""))) {
                socket.getOutputStream().write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            String accept = Base64.getEncoder().encodeToString(sha1(key + GUID));
            socket.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            connection = new Connection(socket, parts[1], headers);
            connections.add(connection);
            handler.opened(connection);
            code = readFrames(in, connection);
        } catch (IOException e) {
            // a dropped or reset connection: code 1006
        } finally {
            if (connection != null) {
                connection.open = false;
                connections.remove(connection);
                handler.closed(connection, code);
            }
        }
    }

    /** @return the close code once the client closed */
    private int readFrames(InputStream in, Connection connection) throws IOException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int messageOpcode = 0;
        while (true) {
            int first = read(in);
            int second = read(in);
            boolean fin = (first & 0x80) != 0;
            int opcode = first & 0x0F;
            long length = second & 0x7F;
            if (length == 126) {
                length = ((long) read(in) << 8) | read(in);
            } else if (length == 127) {
                length = 0;
                for (int i = 0; i < 8; i++) {
                    length = (length << 8) | read(in);
                }
            }
            byte[] mask = (second & 0x80) != 0 ? in.readNBytes(4) : new byte[4];
            if (length > 16 << 20) {
                throw new IOException("frame too large");
            }
            byte[] payload = in.readNBytes((int) length);
            if (payload.length < length) {
                throw new EOFException();
            }
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
            if (connection.stalled) {
                continue;
            }
            switch (opcode) {
                case 0x8 -> {
                    int code = payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
                    connection.frame(0x8, payload.length >= 2 ? new byte[] {payload[0], payload[1]} : new byte[0]);
                    return code;
                }
                case 0x9 -> connection.frame(0xA, payload);
                case 0xA -> {
                    // a pong: nothing to do
                }
                default -> {
                    if (opcode != 0x0) {
                        messageOpcode = opcode;
                        message.reset();
                    }
                    message.write(payload);
                    if (fin && messageOpcode == 0x1) {
                        handler.text(connection, message.toString(StandardCharsets.UTF_8));
                    }
                }
            }
        }
    }

    private static int read(InputStream in) throws IOException {
        int value = in.read();
        if (value < 0) {
            throw new EOFException();
        }
        return value;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int value = read(in);
            if (value == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() > 8192) {
                throw new SocketException("header line too long");
            }
            line.append((char) value);
        }
    }

    private static byte[] sha1(String text) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
