package org.openpista.tool.screen.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A screen image in grey, prepared for Tesseract. Tesseract finds dark text on a light page; a dark
 * screen (a dark theme, a terminal, a black desktop) makes its page layout analysis see nothing at
 * all, so an image whose mean is darker than middle grey is inverted. Small screen fonts are read
 * far better when every pixel becomes a block of {@code scale}×{@code scale}.
 */
final class GreyImage {

    private final int width;
    private final int height;
    private final byte[] grey;
    private int rows;

    GreyImage(int width, int height) {
        if ((long) width * height > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an image of " + width + "x" + height + " pixels is too large");
        }
        this.width = width;
        this.height = height;
        this.grey = new byte[width * height];
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** Adds the next row, given as red, green and blue of each pixel. */
    void row(byte[] rgb) {
        if (rows == height) {
            throw new IllegalStateException("the image has only " + height + " rows");
        }
        int offset = rows * width;
        for (int i = 0, p = 0; i < width; i++, p += 3) {
            int luma = 299 * (rgb[p] & 0xff) + 587 * (rgb[p + 1] & 0xff) + 114 * (rgb[p + 2] & 0xff);
            grey[offset + i] = (byte) (luma / 1000);
        }
        rows++;
    }

    /** @return the mean grey value, 0 (black) to 255 (white) */
    int mean() {
        long sum = 0;
        for (int i = 0; i < rows * width; i++) {
            sum += grey[i] & 0xff;
        }
        return rows == 0 ? 0 : (int) (sum / ((long) rows * width));
    }

    /** @return whether the image is mostly dark, and so inverted for recognition */
    boolean dark() {
        return mean() < 128;
    }

    /**
     * Writes the image as a grey PNG, inverted when {@link #dark()}, enlarged by bilinear
     * interpolation (blocks of equal pixels would give Tesseract stair-stepped glyphs).
     *
     * @param scale 1 to 4: the factor of width and height
     */
    void png(OutputStream out, int scale) throws IOException {
        png(out, scale, dark());
    }

    /** Writes the image as a grey PNG, enlarged, inverted or not. */
    void png(OutputStream out, int scale, boolean invert) throws IOException {
        if (rows != height) {
            throw new IllegalStateException("the image has " + rows + " of its " + height + " rows");
        }
        int flip = invert ? 0xff : 0;
        int outWidth = width * scale;
        byte[] line = new byte[outWidth];
        // source position of each output column, in 1/256 pixels, and its left neighbour
        int[] left = new int[outWidth];
        int[] weight = new int[outWidth];
        for (int x = 0; x < outWidth; x++) {
            int position = Math.max(0, ((2 * x + 1) * 256 / scale - 256) / 2);
            left[x] = Math.min(width - 1, position >> 8);
            weight[x] = left[x] == width - 1 ? 0 : position & 0xff;
        }
        try (PngWriter png = new PngWriter(out, outWidth, height * scale, 1)) {
            for (int y = 0; y < height * scale; y++) {
                int position = Math.max(0, ((2 * y + 1) * 256 / scale - 256) / 2);
                int top = Math.min(height - 1, position >> 8);
                int down = top == height - 1 ? 0 : position & 0xff;
                int upper = top * width;
                int lower = Math.min(height - 1, top + 1) * width;
                for (int x = 0; x < outWidth; x++) {
                    int l = left[x];
                    int r = Math.min(width - 1, l + 1);
                    int w = weight[x];
                    int a = (grey[upper + l] & 0xff) * (256 - w) + (grey[upper + r] & 0xff) * w;
                    int b = (grey[lower + l] & 0xff) * (256 - w) + (grey[lower + r] & 0xff) * w;
                    int value = (a * (256 - down) + b * down + (1 << 15)) >> 16;
                    line[x] = (byte) (value ^ flip);
                }
                png.row(line);
            }
        }
    }
}
