package org.openpista.api.admin.wire;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin socket's wire format: frames of a one-byte type, a four-byte big-endian length and that
 * many bytes. The client sends {@value #COMMAND} frames (one Gogo command line each, UTF-8); for
 * each, the server answers with any number of {@value #OUT} and {@value #ERR} frames (the command's
 * standard output and error) and one {@value #STATUS} frame whose payload is the exit status in
 * decimal.
 *
 * <p>{@code openpista run -e} served by the daemon sends one {@value #RUN} frame instead (fields:
 * the configuration file the client would read, the session, the prompt). The server either answers
 * {@value #DECLINE} (a reason; the client then runs the turn itself) or streams the turn: {@value
 * #ERR} (configuration warnings, for standard error), {@value #DELTA} (answer text as the model
 * writes it), {@value #PROGRESS} (fields: kind, tool, detail), {@value #ASK} (an approval question,
 * answered by the client's {@value #ANSWER}: {@code y}, {@code n}, {@code a}, or {@code !} and why
 * nobody could answer) and last {@value #REPLY} (fields: {@code 1} for an error else {@code 0}, the
 * text).
 *
 * <p>A launcher command served by the daemon ({@code openpista stop}, {@code openpista shell -c
 * COMMAND}) sends one {@value #CLI} frame (fields: the configuration file the client would read,
 * then the command's arguments after the global options). The server answers {@value #DECLINE} (the
 * client then runs the command itself, as ever) or runs it: {@value #OUT} and {@value #ERR} frames,
 * then either {@value #STATUS} or {@value #AWAIT_EXIT} (fields: a process id, seconds, a text for
 * standard output, a text for standard error): the client waits that long for the process to exit and
 * then prints the first text and exits with 0, else the second and exits with 1.
 *
 * <p>A daemon that predates a frame type closes the connection without a frame. Fields are a
 * four-byte length and that many bytes of UTF-8 each. Untrusted text is sent as it is: the client
 * makes it safe for its terminal. Reads and writes use the channel directly, so one thread can read
 * while another writes.
 */
public final class Frames {

    public static final byte COMMAND = 'C';
    public static final byte OUT = 'O';
    public static final byte ERR = 'E';
    public static final byte STATUS = 'S';
    public static final byte RUN = 'R';
    public static final byte ANSWER = 'Y';
    public static final byte DECLINE = 'N';
    public static final byte DELTA = 'D';
    public static final byte PROGRESS = 'P';
    public static final byte ASK = 'A';
    public static final byte REPLY = 'F';
    public static final byte CLI = 'L';
    public static final byte AWAIT_EXIT = 'W';

    /** Larger frames from a client are refused: a command line is never that long. */
    public static final int MAX_COMMAND = 1 << 20;

    /** Larger frames from the daemon are refused: an answer or a command's output is never that long. */
    public static final int MAX_ANSWER = 64 << 20;

    /**
     * A received frame.
     *
     * @param type the frame's type, one of the constants
     * @param payload its bytes
     */
    public record Frame(byte type, byte[] payload) {

        /**
         * Copies a command's output as it arrives: an {@link Frames#OUT} frame's bytes to {@code out},
         * an {@link Frames#ERR} frame's to {@code err}, flushed.
         *
         * @return whether the frame was one of the two
         * @throws IOException when writing fails
         */
        public boolean copyOutput(OutputStream out, OutputStream err) throws IOException {
            OutputStream to = type == OUT ? out : type == ERR ? err : null;
            if (to == null) {
                return false;
            }
            to.write(payload);
            to.flush();
            return true;
        }

        /** @return the payload as UTF-8 text */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /**
         * @return the payload read as fields (see {@link Frames#fields(String...)})
         * @throws IOException when a field's length does not fit the payload
         */
        public List<String> fields() throws IOException {
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

    /**
     * @param maxPayload larger frames are refused
     * @return the next frame, or {@code null} at the end of the stream
     * @throws IOException when the stream ends in a frame or the frame is too large
     */
    public static Frame read(SocketChannel channel, int maxPayload) throws IOException {
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

    /**
     * Writes one frame; callers writing from several threads hold a common lock.
     *
     * @throws IOException when the connection is gone
     */
    public static void write(SocketChannel channel, byte type, byte[] payload, int offset, int length) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(5 + length);
        frame.put(type).putInt(length).put(payload, offset, length).flip();
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    /**
     * Writes one frame of a whole payload.
     *
     * @throws IOException when the connection is gone
     */
    public static void write(SocketChannel channel, byte type, byte[] payload) throws IOException {
        write(channel, type, payload, 0, payload.length);
    }

    /**
     * Writes one frame of UTF-8 text.
     *
     * @throws IOException when the connection is gone
     */
    public static void write(SocketChannel channel, byte type, String text) throws IOException {
        write(channel, type, text.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the values as one payload: each a four-byte length and its UTF-8 bytes */
    public static byte[] fields(String... values) {
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
