package org.openpista.tool.screen.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the PNGs screenshot programs write ({@code grim}, {@code screencapture}): 8 bits per
 * sample, grey, grey with alpha, RGB or RGBA, not interlaced. Enough to prepare them for
 * recognition without {@code javax.imageio}; anything else is reported as unsupported and the file
 * goes to Tesseract as it is.
 */
final class PngReader {

    private PngReader() {}

    /**
     * Hands the image's rows to a sink as RGB, alpha dropped.
     *
     * @return the width and height
     * @throws ScreenException when the data is no PNG this reader decodes
     */
    static int[] read(byte[] png, X11Capture.Rows sink) throws IOException {
        int[] size = PngWriter.size(png);
        if (size == null) {
            throw new ScreenException("the screenshot program wrote no PNG");
        }
        ByteBuffer in = ByteBuffer.wrap(png);
        in.position(8);
        int width = size[0];
        int height = size[1];
        int channels = 0;
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        while (in.remaining() >= 12) {
            int length = in.getInt();
            String type = new String(png, in.position(), 4, StandardCharsets.US_ASCII);
            in.position(in.position() + 4);
            if (length < 0 || length > in.remaining() - 4) {
                throw new ScreenException("the PNG's " + type + " chunk is truncated");
            }
            if (type.equals("IHDR")) {
                int depth = png[in.position() + 8];
                int colour = png[in.position() + 9];
                int interlace = png[in.position() + 12];
                channels = switch (colour) {
                    case 0 -> 1;
                    case 2 -> 3;
                    case 4 -> 2;
                    case 6 -> 4;
                    default -> 0;
                };
                if (depth != 8 || channels == 0 || interlace != 0) {
                    throw new ScreenException("PNGs of colour type " + colour + " with " + depth + " bits"
                            + (interlace != 0 ? ", interlaced," : "") + " are not decoded");
                }
            } else if (type.equals("IDAT")) {
                data.write(png, in.position(), length);
            } else if (type.equals("IEND")) {
                break;
            }
            in.position(in.position() + length + 4);
        }
        if (channels == 0) {
            throw new ScreenException("the PNG has no header");
        }
        unfilter(inflate(data.toByteArray(), (long) height * (1 + (long) width * channels)), width, height,
                channels, sink);
        return size;
    }

    private static byte[] inflate(byte[] compressed, long expected) throws ScreenException {
        if (expected > Integer.MAX_VALUE) {
            throw new ScreenException("the PNG is too large");
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            byte[] raw = new byte[(int) expected];
            int done = 0;
            while (done < raw.length && !inflater.finished()) {
                int n = inflater.inflate(raw, done, raw.length - done);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                done += n;
            }
            if (done < raw.length) {
                throw new ScreenException("the PNG's image data is truncated");
            }
            return raw;
        } catch (DataFormatException e) {
            throw new ScreenException("the PNG's image data is damaged: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    private static void unfilter(byte[] raw, int width, int height, int channels, X11Capture.Rows sink)
            throws IOException {
        int stride = width * channels;
        byte[] previous = new byte[stride];
        byte[] current = new byte[stride];
        byte[] rgb = new byte[3 * width];
        for (int y = 0, offset = 0; y < height; y++, offset += 1 + stride) {
            int filter = raw[offset];
            for (int i = 0; i < stride; i++) {
                int x = raw[offset + 1 + i] & 0xff;
                int a = i >= channels ? current[i - channels] & 0xff : 0;
                int b = previous[i] & 0xff;
                int c = i >= channels ? previous[i - channels] & 0xff : 0;
                current[i] = (byte) switch (filter) {
                    case 0 -> x;
                    case 1 -> x + a;
                    case 2 -> x + b;
                    case 3 -> x + ((a + b) >>> 1);
                    case 4 -> x + paeth(a, b, c);
                    default -> throw new ScreenException("the PNG uses the unknown row filter " + filter);
                };
            }
            for (int p = 0, i = 0; p < width; p++, i += channels) {
                boolean grey = channels < 3;
                rgb[3 * p] = current[i];
                rgb[3 * p + 1] = grey ? current[i] : current[i + 1];
                rgb[3 * p + 2] = grey ? current[i] : current[i + 2];
            }
            sink.row(rgb);
            byte[] swap = previous;
            previous = current;
            current = swap;
        }
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
