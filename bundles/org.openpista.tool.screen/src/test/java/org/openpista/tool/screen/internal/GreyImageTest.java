package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The image Tesseract gets: grey, dark screens inverted, enlarged smoothly. */
class GreyImageTest {

    /** @return an image of one colour with one pixel of another in its middle */
    static GreyImage square(int width, int height, int background, int square) {
        GreyImage image = new GreyImage(width, height);
        byte[] row = new byte[3 * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int value = x == width / 2 && y == height / 2 ? square : background;
                row[3 * x] = (byte) (value >> 16);
                row[3 * x + 1] = (byte) (value >> 8);
                row[3 * x + 2] = (byte) value;
            }
            image.row(row);
        }
        return image;
    }

    static BufferedImage png(GreyImage image, int scale) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        image.png(out, scale);
        return ImageIO.read(new ByteArrayInputStream(out.toByteArray()));
    }

    @Test
    void coloursBecomeTheirLuma() throws Exception {
        GreyImage white = square(4, 4, 0xffffff, 0xff0000);

        BufferedImage png = png(white, 1);

        assertThat(white.mean()).isGreaterThan(200);
        assertThat(png.getRaster().getSample(0, 0, 0)).isEqualTo(255);
        assertThat(png.getRaster().getSample(2, 2, 0)).as("pure red").isEqualTo(76);
    }

    @Test
    void aDarkScreenIsInvertedSoTextIsDarkOnLight() throws Exception {
        GreyImage dark = square(6, 6, 0x000000, 0xffffff);

        BufferedImage png = png(dark, 1);

        assertThat(dark.dark()).isTrue();
        assertThat(png.getRaster().getSample(0, 0, 0)).isEqualTo(255);
        assertThat(png.getRaster().getSample(3, 3, 0)).as("the white pixel").isZero();
    }

    @Test
    void enlargingDoublesTheSizeKeepsFlatAreasAndBlendsEdges() throws Exception {
        GreyImage light = square(8, 8, 0xffffff, 0x000000);

        BufferedImage png = png(light, 2);

        assertThat(png.getWidth()).isEqualTo(16);
        assertThat(png.getHeight()).isEqualTo(16);
        assertThat(png.getRaster().getSample(0, 0, 0)).isEqualTo(255);
        assertThat(png.getRaster().getSample(15, 15, 0)).isEqualTo(255);
        int centre = png.getRaster().getSample(8, 8, 0);
        assertThat(centre).as("the black pixel's block").isLessThan(128);
        assertThat(png.getRaster().getSample(9, 9, 0)).isEqualTo(centre);
        assertThat(png.getRaster().getSample(7, 8, 0)).as("its edge, between it and white").isGreaterThan(centre)
                .isLessThan(255);
    }
}
