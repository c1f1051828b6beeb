package org.openpista.tool.screen.internal;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A connection to an X server speaking the core X11 protocol itself: connection set-up and {@code
 * GetImage} of the root window, nothing else. This is what {@code XGetImage} sends, without libX11
 * or AWT: it works on a headless JRE, loads nothing into the daemon, talks to any display the call
 * names (AWT reads {@code DISPLAY} once per process) and cannot take the process down with it when
 * the server goes away (Xlib's default I/O error handler exits).
 *
 * <p>Requests go out little-endian (the first byte of set-up says so); pixel data comes in the
 * server's own image byte order, which {@link #msbFirst()} reports.
 */
final class X11Connection implements Closeable {

    /** What the set-up tells about one screen, with the visual of its root window. */
    record Screen(int root, int width, int height, int depth, int visualClass, int redMask, int greenMask,
            int blueMask) {}

    /** How pixels of one depth are laid out in a ZPixmap image. */
    record Format(int depth, int bitsPerPixel, int scanlinePad) {}

    private static final int GET_IMAGE = 73;
    private static final int Z_PIXMAP = 2;
    /** Visual classes whose pixels carry their colour in bit fields. */
    static final int TRUE_COLOR = 4;

    static final int DIRECT_COLOR = 5;

    private final SocketChannel channel;
    private final X11Display display;
    private final Screen screen;
    private final Map<Integer, Format> formats;
    private final boolean msbFirst;

    private X11Connection(SocketChannel channel, X11Display display, Screen screen, Map<Integer, Format> formats,
            boolean msbFirst) {
        this.channel = channel;
        this.display = display;
        this.screen = screen;
        this.formats = formats;
        this.msbFirst = msbFirst;
    }

    /**
     * Connects and completes the set-up.
     *
     * @param cookie the authorization to present, {@code null} for none
     * @param opening receives the channel before it connects, so that a watchdog can close it
     * @throws ScreenException when there is no server, it refuses the client, or the screen is missing
     */
    static X11Connection open(X11Display display, XAuthority.Cookie cookie, Consumer<Closeable> opening)
            throws IOException {
        SocketChannel channel = connect(display, opening);
        try {
            return setUp(channel, display, cookie);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static SocketChannel connect(X11Display display, Consumer<Closeable> opening) throws IOException {
        if (display.tcp()) {
            SocketChannel channel = SocketChannel.open();
            opening.accept(channel);
            try {
                channel.connect(new InetSocketAddress(display.host(), display.port()));
                return channel;
            } catch (IOException e) {
                channel.close();
                throw new ScreenException("cannot reach the X server " + display.name() + " at " + display.host()
                        + ":" + display.port() + ": " + e.getMessage());
            }
        }
        if (!Files.exists(display.socket())) {
            throw new ScreenException("no X server runs on display " + display.name() + " (no socket "
                    + display.socket() + ")");
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        opening.accept(channel);
        try {
            channel.connect(UnixDomainSocketAddress.of(display.socket()));
            return channel;
        } catch (IOException e) {
            channel.close();
            throw new ScreenException("cannot connect to the X server " + display.name() + " (" + display.socket()
                    + "): " + e.getMessage());
        }
    }

    private static X11Connection setUp(SocketChannel channel, X11Display display, XAuthority.Cookie cookie)
            throws IOException {
        byte[] name = cookie == null ? new byte[0] : cookie.protocol().getBytes(StandardCharsets.US_ASCII);
        byte[] data = cookie == null ? new byte[0] : cookie.data();
        ByteBuffer request = ByteBuffer.allocate(12 + padded(name.length) + padded(data.length))
                .order(ByteOrder.LITTLE_ENDIAN);
        request.put((byte) 'l').put((byte) 0).putShort((short) 11).putShort((short) 0)
                .putShort((short) name.length).putShort((short) data.length).putShort((short) 0);
        request.put(name).position(12 + padded(name.length));
        request.put(data).position(request.capacity());
        write(channel, request.flip());

        ByteBuffer head = read(channel, 8);
        int status = head.get(0) & 0xff;
        ByteBuffer body = read(channel, 4 * (head.getShort(6) & 0xffff));
        if (status != 1) {
            String reason = status == 0
                    ? ascii(body, 0, head.get(1) & 0xff)
                    : ascii(body, 0, body.limit()).strip();
            throw new ScreenException("the X server " + display.name() + " refused the connection: "
                    + (reason.isBlank() ? "no reason given" : reason.strip())
                    + (cookie == null ? " (no cookie for it in the X authority file; set XAUTHORITY to the"
                            + " desktop session's file)" : ""));
        }
        int vendorLength = body.getShort(16) & 0xffff;
        int screens = body.get(20) & 0xff;
        int formatCount = body.get(21) & 0xff;
        boolean msbFirst = body.get(22) == 1;
        int offset = 32 + padded(vendorLength);
        Map<Integer, Format> formats = new HashMap<>();
        for (int i = 0; i < formatCount; i++, offset += 8) {
            Format format = new Format(body.get(offset) & 0xff, body.get(offset + 1) & 0xff, body.get(offset + 2) & 0xff);
            formats.put(format.depth(), format);
        }
        List<Screen> found = new ArrayList<>();
        for (int s = 0; s < screens; s++) {
            int root = body.getInt(offset);
            int width = body.getShort(offset + 20) & 0xffff;
            int height = body.getShort(offset + 22) & 0xffff;
            int rootVisual = body.getInt(offset + 32);
            int rootDepth = body.get(offset + 38) & 0xff;
            int depths = body.get(offset + 39) & 0xff;
            offset += 40;
            Screen screen = new Screen(root, width, height, rootDepth, -1, 0, 0, 0);
            for (int d = 0; d < depths; d++) {
                int visuals = body.getShort(offset + 2) & 0xffff;
                offset += 8;
                for (int v = 0; v < visuals; v++, offset += 24) {
                    if (body.getInt(offset) == rootVisual) {
                        screen = new Screen(root, width, height, rootDepth, body.get(offset + 4) & 0xff,
                                body.getInt(offset + 8), body.getInt(offset + 12), body.getInt(offset + 16));
                    }
                }
            }
            found.add(screen);
        }
        if (display.screen() >= found.size()) {
            throw new ScreenException("the X display " + display.name() + " has no screen " + display.screen()
                    + " (it has " + found.size() + ")");
        }
        return new X11Connection(channel, display, found.get(display.screen()), Map.copyOf(formats), msbFirst);
    }

    /** @return the screen the display name selects */
    Screen screen() {
        return screen;
    }

    /** @return the display this connection is to */
    X11Display display() {
        return display;
    }

    /** @return how pixels of a depth are laid out, {@code null} when the server named no such format */
    Format format(int depth) {
        return formats.get(depth);
    }

    /** @return whether multi-byte pixels come most significant byte first */
    boolean msbFirst() {
        return msbFirst;
    }

    /**
     * Reads a rectangle of the root window as a ZPixmap image (all planes).
     *
     * @return the pixel data, rows padded as {@link #format(int)} says for the screen's depth
     * @throws ScreenException when the server answers with an error
     */
    byte[] getImage(int x, int y, int width, int height) throws IOException {
        ByteBuffer request = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        request.put((byte) GET_IMAGE).put((byte) Z_PIXMAP).putShort((short) 5).putInt(screen.root())
                .putShort((short) x).putShort((short) y).putShort((short) width).putShort((short) height)
                .putInt(-1);
        write(channel, request.flip());
        ByteBuffer head = read(channel, 32);
        int kind = head.get(0) & 0xff;
        if (kind == 0) {
            throw new ScreenException("the X server " + display.name() + " answered GetImage with error "
                    + (head.get(1) & 0xff) + " for the rectangle " + x + "," + y + " " + width + "x" + height);
        }
        if (kind != 1) {
            throw new ScreenException("the X server " + display.name() + " sent event " + kind
                    + " where the GetImage reply was due");
        }
        long length = 4L * (head.getInt(4) & 0xffffffffL);
        if (length > Integer.MAX_VALUE - 16) {
            throw new ScreenException("the image of " + width + "x" + height + " pixels is too large");
        }
        ByteBuffer data = read(channel, (int) length);
        return data.array();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    static int padded(int length) {
        return (length + 3) & ~3;
    }

    private static void write(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    private static ByteBuffer read(SocketChannel channel, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("the X server closed the connection");
            }
        }
        return buffer.flip();
    }

    private static String ascii(ByteBuffer buffer, int offset, int length) {
        int end = Math.min(buffer.limit(), offset + length);
        return new String(buffer.array(), offset, Math.max(0, end - offset), StandardCharsets.ISO_8859_1);
    }
}
