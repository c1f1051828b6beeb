package org.openpista.shell.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin socket's wire format, shared with the launcher's {@code openpista shell}: frames of a
 * one-byte type, a four-byte big-endian length and that many bytes. The client sends {@value
 * #COMMAND} frames (one command line each, UTF-8); for each, the server answers with any number of
 * {@value #OUT} and {@value #ERR} frames (the command's standard output and error) and one {@value
 * #STATUS} frame whose payload is the exit status in decimal.
 *
 * <p>{@code openpista run -e} served by the daemon ({@link DaemonRuns}) sends one {@value #RUN}
 * frame instead (fields: the configuration file the client would read, the session, the prompt).
 * The server either answers {@value #DECLINE} (a reason; the client then runs the turn itself) or
 * streams the turn: {@value #ERR} (configuration warnings, for standard error), {@value #DELTA} (answer text as the model writes it), {@value #PROGRESS} (fields:
 * kind, tool, detail), {@value #ASK} (an approval question, answered by the client's {@value
 * #ANSWER}: {@code y}, {@code n}, {@code a}, or {@code !} and why nobody could answer) and last
 * {@value #REPLY} (fields: {@code 1} for an error else {@code 0}, the text). A daemon that predates
 * {@value #RUN} closes the connection without a frame. Fields are a four-byte length and that many
 * bytes of UTF-8 each. Untrusted text is sent as it is: the client makes it safe for its terminal.
 * Reads and writes use the channel directly, so one thread can read while another writes.
 */
final class Frames {

    static final byte COMMAND = 'C';
    static final byte OUT = 'O';
    static final byte ERR = 'E';
    static final byte STATUS = 'S';
    static final byte RUN = 'R';
    static final byte ANSWER = 'Y';
    static final byte DECLINE = 'N';
    static final byte DELTA = 'D';
    static final byte PROGRESS = 'P';
    static final byte ASK = 'A';
    static final byte REPLY = 'F';

    /** Larger frames from a client are refused: a command line is never that long. */
    static final int MAX_COMMAND = 1 << 20;

    /** A received frame. */
    record Frame(byte type, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** @return the payload read as fields (see {@link Frames#fields(String...)}) */
        List<String> fields() throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(payload);
            List<String> fields = new ArrayList<>();
            try {
                while (buffer.hasRemaining()) {
                    int length = buffer.getInt();
                    if (length < 0 || length > buffer.remaining()) {
                        throw new IOException("a field of " + length + " bytes in a frame of " + payload.length);
                    }
                    fields.add(new String(payload, buffer.position(), length, StandardCharsets.UTF_8));
                    buffer.position(buffer.position() + length);
                }
            } catch (BufferUnderflowException e) {
                throw new IOException("a field's length is cut off", e);
            }
            return fields;
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

    /** @return the values as one payload: each a four-byte length and its UTF-8 bytes */
    static byte[] fields(String... values) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String value : values) {
            byte[] text = value.getBytes(StandardCharsets.UTF_8);
            bytes.writeBytes(ByteBuffer.allocate(4).putInt(text.length).array());
            bytes.writeBytes(text);
        }
        return bytes.toByteArray();
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
