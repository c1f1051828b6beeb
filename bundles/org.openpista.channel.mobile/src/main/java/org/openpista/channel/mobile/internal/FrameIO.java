package org.openpista.channel.mobile.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.openpista.channel.support.FrameFields;

/**
 * The framing of every stream: a 4-byte big-endian unsigned length, then that many bytes of UTF-8
 * JSON. A frame above the reader's limit is refused before its body is read, so an unauthenticated
 * peer cannot make the server buffer more than 64 KiB.
 */
final class FrameIO {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Frames before authentication stay below this. */
    static final int PRE_AUTH_LIMIT = 64 * 1024;
    /** Frames of an authenticated device stay below this (the original's limit). */
    static final int LIMIT = 1024 * 1024;

    private FrameIO() {}

    /** A frame announced a length above the limit; its body was not read. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final long length;
        final int limit;

        TooLarge(long length, int limit) {
            super("a frame of " + length + " bytes is above the limit of " + limit + " bytes");
            this.length = length;
            this.limit = limit;
        }
    }

    /** The bytes of a frame are not a JSON object with a {@code type}. */
    static final class Malformed extends IOException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message);
        }
    }

    /**
     * Reads one frame.
     *
     * @return the frame's JSON object, or {@code null} when the stream ended before a frame began
     * @throws TooLarge when the frame is longer than {@code limit}
     * @throws Malformed when it is not a JSON object
     * @throws EOFException when the stream ended inside a frame
     */
    static JsonNode read(InputStream in, int limit) throws IOException {
        byte[] header = new byte[4];
        int got = in.readNBytes(header, 0, 4);
        if (got == 0) {
            return null;
        }
        if (got < 4) {
            throw new EOFException("the stream ended inside a frame's length");
        }
        long length = Integer.toUnsignedLong(ByteBuffer.wrap(header).getInt());
        if (length > limit) {
            throw new TooLarge(length, limit);
        }
        byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("the stream ended inside a frame of " + length + " bytes");
        }
        JsonNode frame;
        try {
            frame = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Malformed("the frame is not valid JSON: " + FrameFields.oneLine(e.getOriginalMessage()));
        }
        if (frame == null || !frame.isObject() || !frame.path("type").isTextual()) {
            throw new Malformed("a frame must be a JSON object with a \"type\" string");
        }
        return frame;
    }

    /** Writes one frame and flushes it. */
    static void write(OutputStream out, JsonNode frame) throws IOException {
        write(out, JSON.writeValueAsBytes(frame));
    }

    static void write(OutputStream out, byte[] json) throws IOException {
        byte[] framed = new byte[4 + json.length];
        ByteBuffer.wrap(framed).putInt(json.length).put(json);
        out.write(framed);
        out.flush();
    }
}
