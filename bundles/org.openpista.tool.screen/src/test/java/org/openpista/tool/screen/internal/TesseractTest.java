package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tesseract's command line and the languages a call may ask for. */
class TesseractTest {

    @Test
    void theImageGoesInOnStdinAndTheWordsWithTheirBoxesComeOut() {
        assertThat(Tesseract.command(Path.of("/usr/bin/tesseract"), "eng+deu", 11)).containsExactly(
                "/usr/bin/tesseract", "stdin", "stdout", "-l", "eng+deu", "--psm", "11", "-c", "thresholding_method=2",
                "tsv");
    }

    @Test
    void aCallPicksAmongTheConfiguredLanguagesOrGetsThemAll() throws ScreenException {
        List<String> configured = List.of("eng", "deu", "chi_sim");

        assertThat(Tesseract.languages(null, configured)).isEqualTo("eng+deu+chi_sim");
        assertThat(Tesseract.languages(" deu ", configured)).isEqualTo("deu");
        assertThat(Tesseract.languages("deu,eng+deu", configured)).isEqualTo("deu+eng");
        assertThatThrownBy(() -> Tesseract.languages("fra", configured))
                .isInstanceOf(ScreenException.class)
                .hasMessage("the language \"fra\" is not among [tools.screen] languages (eng, deu, chi_sim); add it"
                        + " there, with its Tesseract data, to use it");
    }

    @Test
    void languageDataIsInTheDebianPackageOfItsName() {
        assertThat(Tesseract.debianPackage("deu")).isEqualTo("tesseract-ocr-deu");
        assertThat(Tesseract.debianPackage("chi_sim")).isEqualTo("tesseract-ocr-chi-sim");
        assertThat(Tesseract.debianPackage("script/Latin")).isEqualTo("tesseract-ocr-script-latin");
    }

    @Test
    void settingsOutOfRangeFallBackToTheirDefaults() {
        ScreenSettings settings = ScreenSettings.of(Configs.screen(Map.of("page_segmentation", new int[] {7}, "ocr_scale", 9,
                "languages", new String[] {"eng, deu", "-l", "eng"}, "backend", "Wayland")));

        assertThat(settings.passes()).containsExactly(3, 11);
        assertThat(ScreenSettings.of(Configs.screen(Map.of("page_segmentation", new int[] {11, 6, 11}))).passes())
                .containsExactly(11, 6);
        assertThat(settings.scale()).isEqualTo(4);
        assertThat(settings.languages()).containsExactly("eng", "deu");
        assertThat(settings.backend()).isEqualTo("auto");
    }
}
