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
     * Writes the image as a grey PNG, inverted when {@link #dark()}.
     *
     * @param scale 1 to 4: each pixel becomes a block of this size
     */
    void png(OutputStream out, int scale) throws IOException {
        if (rows != height) {
            throw new IllegalStateException("the image has " + rows + " of its " + height + " rows");
        }
        int flip = dark() ? 0xff : 0;
        byte[] line = new byte[width * scale];
        try (PngWriter png = new PngWriter(out, width * scale, height * scale, 1)) {
            for (int y = 0; y < height; y++) {
                for (int x = 0, target = 0; x < width; x++) {
                    byte value = (byte) ((grey[y * width + x] & 0xff) ^ flip);
                    for (int repeat = 0; repeat < scale; repeat++) {
                        line[target++] = value;
                    }
                }
                for (int repeat = 0; repeat < scale; repeat++) {
                    png.row(line);
                }
            }
        }
    }
}
