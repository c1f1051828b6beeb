package org.openpista.tool.screen.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Reads the root window of an X display row by row: {@code GetImage} in strips of a few MiB (a 4K
 * screen is 33 MB of pixels at once otherwise), each ZPixmap row decoded through the root visual's
 * colour masks into RGB and handed on, to a {@link PngWriter} for a capture or to a {@link
 * GreyImage} for recognition.
 */
final class X11Capture {

    private static final int STRIP_BYTES = 4 * 1024 * 1024;

    /** Receives the rows of an image from top to bottom. */
    @FunctionalInterface
    interface Rows {
        /** @param rgb red, green and blue of each pixel; the array is reused for the next row */
        void row(byte[] rgb) throws IOException;
    }

    private X11Capture() {}

    /**
     * Writes a region of the screen as an RGB PNG.
     *
     * @param region the part to take, already clipped to the screen
     */
    static void png(X11Connection connection, Region region, OutputStream out) throws IOException {
        try (PngWriter png = new PngWriter(out, region.width(), region.height(), 3)) {
            read(connection, region, png::row);
        }
    }

    /**
     * Reads a region of the screen.
     *
     * @param region the part to take, already clipped to the screen
     * @throws ScreenException when the display's pixel format cannot be decoded
     */
    static void read(X11Connection connection, Region region, Rows sink) throws IOException {
        X11Connection.Screen screen = connection.screen();
        X11Connection.Format format = connection.format(screen.depth());
        if (screen.visualClass() != X11Connection.TRUE_COLOR && screen.visualClass() != X11Connection.DIRECT_COLOR) {
            throw new ScreenException("the X display " + connection.display().name() + " uses a colour-mapped visual"
                    + " (depth " + screen.depth() + "); only true-colour displays can be captured");
        }
        if (format == null || !(format.bitsPerPixel() == 16 || format.bitsPerPixel() == 24
                || format.bitsPerPixel() == 32)) {
            throw new ScreenException("the X display " + connection.display().name() + " stores pixels of depth "
                    + screen.depth() + " in " + (format == null ? "an undeclared format" : format.bitsPerPixel()
                    + " bits") + "; only 16, 24 and 32 bits per pixel can be captured");
        }
        int bytesPerPixel = format.bitsPerPixel() / 8;
        int pad = Math.max(8, format.scanlinePad());
        int bytesPerLine = ((region.width() * format.bitsPerPixel() + pad - 1) / pad) * pad / 8;
        int stripRows = Math.max(1, STRIP_BYTES / bytesPerLine);
        Channel red = new Channel(screen.redMask());
        Channel green = new Channel(screen.greenMask());
        Channel blue = new Channel(screen.blueMask());
        boolean msbFirst = connection.msbFirst();
        byte[] rgb = new byte[3 * region.width()];
        for (int top = 0; top < region.height(); top += stripRows) {
            int rows = Math.min(stripRows, region.height() - top);
            byte[] data = connection.getImage(region.x(), region.y() + top, region.width(), rows);
            if (data.length < rows * bytesPerLine) {
                throw new ScreenException("the X server sent " + data.length + " bytes for " + rows + " rows of "
                        + bytesPerLine + " bytes");
            }
            for (int row = 0; row < rows; row++) {
                int offset = row * bytesPerLine;
                int target = 0;
                for (int column = 0; column < region.width(); column++, offset += bytesPerPixel) {
                    int pixel = pixel(data, offset, bytesPerPixel, msbFirst);
                    rgb[target++] = red.of(pixel);
                    rgb[target++] = green.of(pixel);
                    rgb[target++] = blue.of(pixel);
                }
                sink.row(rgb);
            }
        }
    }

    static int pixel(byte[] data, int offset, int bytes, boolean msbFirst) {
        int value = 0;
        for (int i = 0; i < bytes; i++) {
            int b = data[offset + i] & 0xff;
            value |= msbFirst ? b << (8 * (bytes - 1 - i)) : b << (8 * i);
        }
        return value;
    }

    /** One colour channel of a pixel value, scaled to 8 bits. */
    static final class Channel {
        private final int mask;
        private final int shift;
        private final int max;

        Channel(int mask) {
            this.mask = mask;
            this.shift = mask == 0 ? 0 : Integer.numberOfTrailingZeros(mask);
            this.max = mask == 0 ? 0 : (int) ((mask & 0xffffffffL) >>> shift);
        }

        byte of(int pixel) {
            if (max == 0) {
                return 0;
            }
            int value = (pixel & mask) >>> shift;
            return (byte) (max == 255 ? value : value * 255 / max);
        }
    }
}
