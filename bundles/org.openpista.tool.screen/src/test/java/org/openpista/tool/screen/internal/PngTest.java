package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The bundle's PNG writer and reader, each checked against {@code javax.imageio}. */
class PngTest {

    /** Flat areas, a gradient and noise: every row filter an encoder might choose. */
    static BufferedImage sample(int type, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random random = new Random(42);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = y < height / 3 ? 0x2050F0 : y < 2 * height / 3 ? (x * 3) << 16 | (y * 2) << 8 | (x + y)
                        : random.nextInt(0x1000000);
                image.setRGB(x, y, 0xff000000 | rgb);
            }
        }
        return image;
    }

    static byte[] rgbRow(BufferedImage image, int y) {
        byte[] row = new byte[3 * image.getWidth()];
        for (int x = 0; x < image.getWidth(); x++) {
            int rgb = image.getRGB(x, y);
            row[3 * x] = (byte) (rgb >> 16);
            row[3 * x + 1] = (byte) (rgb >> 8);
            row[3 * x + 2] = (byte) rgb;
        }
        return row;
    }

    /** Grey samples as stored (getRGB would convert them to sRGB). */
    static byte[] greyRow(BufferedImage image, int y) {
        byte[] row = new byte[3 * image.getWidth()];
        for (int x = 0; x < image.getWidth(); x++) {
            byte grey = (byte) image.getRaster().getSample(x, y, 0);
            row[3 * x] = grey;
            row[3 * x + 1] = grey;
            row[3 * x + 2] = grey;
        }
        return row;
    }

    @Test
    void anRgbPngWrittenRowByRowDecodesToTheSamePixels() throws Exception {
        BufferedImage source = sample(BufferedImage.TYPE_INT_RGB, 70, 60);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PngWriter png = new PngWriter(out, 70, 60, 3)) {
            for (int y = 0; y < 60; y++) {
                png.row(rgbRow(source, y));
            }
        }

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));

        assertThat(decoded.getWidth()).isEqualTo(70);
        assertThat(decoded.getHeight()).isEqualTo(60);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 70; x++) {
                assertThat(decoded.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(source.getRGB(x, y));
            }
        }
        assertThat(PngWriter.size(out.toByteArray())).containsExactly(70, 60);
    }

    @Test
    void aLargeImageSpansSeveralDataChunksAndStillDecodes() throws Exception {
        BufferedImage source = sample(BufferedImage.TYPE_INT_RGB, 400, 300);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PngWriter png = new PngWriter(out, 400, 300, 3)) {
            for (int y = 0; y < 300; y++) {
                png.row(rgbRow(source, y));
            }
        }

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));

        assertThat(out.size()).as("more than one 64 KiB IDAT chunk").isGreaterThan(64 * 1024 + 100);
        assertThat(decoded.getRGB(399, 299)).isEqualTo(source.getRGB(399, 299));
        assertThat(decoded.getRGB(123, 250)).isEqualTo(source.getRGB(123, 250));
    }

    @Test
    void aGreyPngDecodesToTheSameValues() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PngWriter png = new PngWriter(out, 256, 2, 1)) {
            byte[] row = new byte[256];
            for (int x = 0; x < 256; x++) {
                row[x] = (byte) x;
            }
            png.row(row);
            png.row(row);
        }

        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(out.toByteArray()));

        assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
        for (int x = 0; x < 256; x++) {
            assertThat(decoded.getRaster().getSample(x, 1, 0)).isEqualTo(x);
        }
    }

    @Test
    void anImageWithMissingRowsIsNotFinished() {
        assertThatThrownBy(() -> {
            try (PngWriter png = new PngWriter(new ByteArrayOutputStream(), 2, 2, 3)) {
                png.row(new byte[6]);
            }
        }).isInstanceOf(IllegalStateException.class).hasMessage("the image has 1 of its 2 rows");
    }

    @Test
    void theReaderDecodesWhatImageioWritesInEveryColourTypeScreenshotProgramsUse() throws Exception {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB,
                BufferedImage.TYPE_BYTE_GRAY}) {
            BufferedImage source = sample(type, 90, 45);
            ByteArrayOutputStream encoded = new ByteArrayOutputStream();
            ImageIO.write(source, "png", encoded);
            BufferedImage expected = ImageIO.read(new ByteArrayInputStream(encoded.toByteArray()));
            List<byte[]> rows = new ArrayList<>();

            int[] size = PngReader.read(encoded.toByteArray(), rgb -> rows.add(rgb.clone()));

            assertThat(size).containsExactly(90, 45);
            assertThat(rows).hasSize(45);
            for (int y = 0; y < 45; y++) {
                assertThat(rows.get(y)).as("row %d of type %d", y, type).isEqualTo(type == BufferedImage.TYPE_BYTE_GRAY
                        ? greyRow(expected, y) : rgbRow(expected, y));
            }
        }
    }

    @Test
    void somethingThatIsNoPngIsRefused() {
        assertThatThrownBy(() -> PngReader.read("GIF89a and more bytes than that".getBytes(), rgb -> {}))
                .isInstanceOf(ScreenException.class)
                .hasMessage("the screenshot program wrote no PNG");
        assertThat(PngWriter.size(new byte[10])).isNull();
    }
}
