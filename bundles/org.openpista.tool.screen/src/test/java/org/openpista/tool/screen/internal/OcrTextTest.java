package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** From Tesseract's words and boxes to lines a model reads. */
class OcrTextTest {

    static final String HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n";

    static String word(int block, int line, int left, int top, int width, int height, double confidence, String text) {
        return "5\t1\t" + block + "\t1\t" + line + "\t1\t" + left + "\t" + top + "\t" + width + "\t" + height + "\t"
                + confidence + "\t" + text + "\n";
    }

    @Test
    void aLineIsCutWhereAWideGapSeparatesTwoWindows() {
        // as Tesseract read two windows side by side (their words, heights about 30)
        String tsv = HEADER + "1\t1\t0\t0\t0\t0\t0\t0\t3840\t2160\t-1\t\n"
                + word(3, 1, 174, 621, 172, 30, 96, "Settings:")
                + word(3, 1, 368, 629, 125, 29, 96, "Network")
                + word(3, 1, 512, 638, 89, 26, 96, "proxy")
                + word(3, 1, 2115, 613, 44, 68, 11.9, "Be")
                + word(3, 1, 2175, 627, 99, 39, 95, "Dark")
                + word(3, 1, 2303, 630, 214, 36, 96, "sidebar")
                + word(4, 1, 100, 900, 30, 30, 90, "|")
                + word(4, 2, 100, 1000, 200, 30, 15, "okay");

        List<OcrLine> lines = OcrText.parse(tsv);

        assertThat(lines).extracting(OcrLine::text).containsExactly("Settings: Network proxy", "Dark sidebar");
        assertThat(lines.get(0)).isEqualTo(new OcrLine(174, 621, 427, 43, 96, "Settings: Network proxy"));
    }

    @Test
    void aLaterPassAddsOnlyWhatTheEarlierOnesMissed() {
        List<OcrLine> first = List.of(new OcrLine(0, 0, 300, 30, 90, "Window 0: the quick brown fox"));
        List<OcrLine> second = List.of(new OcrLine(2, 1, 298, 29, 80, "Window O: the quick brown fox"),
                new OcrLine(0, 200, 300, 30, 85, "Window 1: the lazy dog"));

        assertThat(OcrText.merge(List.of(first, second))).extracting(OcrLine::text)
                .containsExactly("Window 0: the quick brown fox", "Window 1: the lazy dog");
    }

    @Test
    void aWordInAnImpossibleBoxIsDroppedAndTheFullerReadingOfALineWins() {
        // as Tesseract read an xmessage window: --psm 3 glued the first word to the window's border
        String layout = HEADER + word(1, 1, 144, 204, 9, 12, 77.8, "[Quarterly") + word(1, 1, 492, 185, 175, 96, 95.9, "report")
                + word(1, 1, 700, 185, 152, 96, 96.4, "2025:") + word(1, 1, 876, 185, 208, 96, 96.8, "revenue");
        String sparse = HEADER + word(1, 1, 191, 210, 266, 55, 95.8, "Quarterly") + word(1, 1, 467, 210, 225, 55, 96.6, "report")
                + word(1, 1, 701, 212, 116, 41, 96.8, "2025:") + word(1, 1, 830, 210, 281, 51, 96.6, "revenue");

        List<OcrLine> lines = OcrText.merge(List.of(OcrText.parse(layout), OcrText.parse(sparse)));

        assertThat(OcrText.text(lines, 1, 0, 0, false)).isEqualTo("Quarterly report 2025: revenue");
    }

    @Test
    void linesGoTopToBottomAndLeftToRightWithBlocksApart() {
        List<OcrLine> lines = List.of(
                new OcrLine(600, 3, 90, 30, 90, "right"),
                new OcrLine(0, 0, 300, 30, 90, "left"),
                new OcrLine(0, 33, 300, 30, 90, "below"),
                new OcrLine(0, 300, 300, 30, 90, "far below"));

        assertThat(OcrText.text(lines, 1, 0, 0, false)).isEqualTo("left\nright\nbelow\n\nfar below");
    }

    @Test
    void runsOfOneRowThatNoWideGapSeparatesAreOneLine() {
        // as Tesseract read a window whose first word touches its border: two blocks on one line
        List<OcrLine> lines = List.of(
                new OcrLine(120, 200, 330, 60, 80, "[Quarterly"),
                new OcrLine(480, 205, 1150, 50, 95, "report 2025: revenue grew by 17 percent"),
                new OcrLine(2000, 205, 200, 50, 95, "Other window"));

        assertThat(OcrText.text(lines, 1, 0, 0, false))
                .isEqualTo("[Quarterly report 2025: revenue grew by 17 percent\nOther window");
        assertThat(OcrText.text(lines, 1, 0, 0, true)).startsWith("[120,200 1510x60] [Quarterly report");
    }

    @Test
    void boxesAreInScreenPixels() {
        List<OcrLine> lines = List.of(new OcrLine(30, 60, 300, 45, 90, "Apply"));

        assertThat(OcrText.text(lines, 3, 100, 200, true)).isEqualTo("[110,220 100x15] Apply");
    }
}
