package org.openpista.tool.screen.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes an 8-bit RGB or grey PNG row by row, so a screen is never held twice in memory, and without
 * {@code javax.imageio} (which would bring AWT's native libraries into the daemon). Each row is
 * stored with the "Sub" filter, which suits the flat areas of screens; the zlib stream is cut into
 * IDAT chunks of at most 64 KiB.
 */
final class PngWriter implements AutoCloseable {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int FILTER_SUB = 1;
    private static final int CHUNK = 64 * 1024;

    private final OutputStream out;
    private final int width;
    private final int height;
    private final int channels;
    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
    private final DeflaterOutputStream compressed;
    private final byte[] filtered;
    private int rows;

    /**
     * Writes the signature and the header.
     *
     * @param out receives the PNG; not closed by this writer
     * @param channels 3 for RGB, 1 for grey
     */
    PngWriter(OutputStream out, int width, int height, int channels) throws IOException {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("an image needs at least one pixel, not " + width + "x" + height);
        }
        this.out = out;
        this.width = width;
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("1 or 3 channels, not " + channels);
        }
        this.height = height;
        this.channels = channels;
        this.filtered = new byte[1 + channels * width];
        this.filtered[0] = FILTER_SUB;
        out.write(SIGNATURE);
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height)
                .put((byte) 8) // bits per sample
                .put((byte) (channels == 3 ? 2 : 0)) // colour type: RGB or grey
                .put((byte) 0).put((byte) 0).put((byte) 0); // deflate, adaptive filtering, no interlace
        chunk(out, "IHDR", header.array(), 13);
        this.compressed = new DeflaterOutputStream(new ChunkStream(out), deflater, CHUNK);
    }

    /**
     * Adds the next row.
     *
     * @param pixels {@code channels * width} bytes: red, green and blue of each pixel, or its grey
     */
    void row(byte[] pixels) throws IOException {
        if (rows == height) {
            throw new IllegalStateException("the image has only " + height + " rows");
        }
        int length = channels * width;
        for (int i = 0; i < length; i++) {
            filtered[1 + i] = (byte) (pixels[i] - (i < channels ? 0 : pixels[i - channels]));
        }
        compressed.write(filtered);
        rows++;
    }

    /** Ends the image data and writes the end chunk. */
    @Override
    public void close() throws IOException {
        if (rows != height) {
            deflater.end();
            throw new IllegalStateException("the image has " + rows + " of its " + height + " rows");
        }
        compressed.finish();
        compressed.flush();
        deflater.end();
        chunk(out, "IEND", new byte[0], 0);
        out.flush();
    }

    /** @return the width and height an image's header states, or {@code null} when it is no PNG */
    static int[] size(byte[] png) {
        if (png.length < 24) {
            return null;
        }
        for (int i = 0; i < SIGNATURE.length; i++) {
            if (png[i] != SIGNATURE[i]) {
                return null;
            }
        }
        ByteBuffer header = ByteBuffer.wrap(png, 16, 8);
        return new int[] {header.getInt(), header.getInt()};
    }

    private static void chunk(OutputStream out, String type, byte[] data, int length) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data, 0, length);
        ByteBuffer frame = ByteBuffer.allocate(8);
        frame.putInt(length).put(name);
        out.write(frame.array());
        out.write(data, 0, length);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Collects the zlib stream and emits it as IDAT chunks. */
    private static final class ChunkStream extends OutputStream {
        private final OutputStream out;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream(CHUNK);

        ChunkStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            pending.write(b, off, len);
            if (pending.size() >= CHUNK) {
                emit();
            }
        }

        @Override
        public void flush() throws IOException {
            if (pending.size() > 0) {
                emit();
            }
        }

        private void emit() throws IOException {
            byte[] data = pending.toByteArray();
            pending.reset();
            chunk(out, "IDAT", data, data.length);
        }
    }
}
