package org.openpista.shell.internal;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The admin socket's wire format, shared with the launcher's {@code openpista shell}: frames of a
 * one-byte type, a four-byte big-endian length and that many bytes. The client sends {@value
 * #COMMAND} frames (one command line each, UTF-8); for each, the server answers with any number of
 * {@value #OUT} and {@value #ERR} frames (the command's standard output and error) and one {@value
 * #STATUS} frame whose payload is the exit status in decimal. Reads and writes use the channel
 * directly, so one thread can read while another writes.
 */
final class Frames {

    static final byte COMMAND = 'C';
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte STATUS = 'S';

    /** Larger frames from a client are refused: a command line is never that long. */
    static final int MAX_COMMAND = 1 << 20;

    /** A received frame. */
    record Frame(byte type, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private Frames() {}

    /** @return the next frame, or {@code null} at the end of the stream */
    static Frame read(SocketChannel channel, int maxPayload) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(5);
        if (!fill(channel, head, true)) {
            return null;
        }
        head.flip();
        byte type = head.get();
        int length = head.getInt();
        if (length < 0 || length > maxPayload) {
            throw new IOException("frame of " + length + " bytes refused (at most " + maxPayload + ")");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        fill(channel, payload, false);
        return new Frame(type, payload.array());
    }

    /** Writes one frame; callers writing from several threads hold a common lock. */
    static void write(SocketChannel channel, byte type, byte[] payload, int offset, int length) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(5 + length);
        frame.put(type).putInt(length).put(payload, offset, length).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    static void write(SocketChannel channel, byte type, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(channel, type, bytes, 0, bytes.length);
    }

    private static boolean fill(SocketChannel channel, ByteBuffer buffer, boolean endAllowed) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                if (endAllowed && buffer.position() == 0) {
                    return false;
                }
                throw new EOFException("the connection closed in the middle of a frame");
            }
        }
        return true;
    }
}
