package org.openpista.tool.screen.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code [tools.screen]} checked and normalised; values out of range fall back to the defaults.
 *
 * @param display the configured X11 display, empty for the daemon's {@code DISPLAY}
 * @param backend {@code auto}, {@code x11}, {@code grim} or {@code screencapture}
 * @param languages Tesseract languages, at least one
 * @param tesseract the configured program, empty for {@code tesseract} on {@code PATH}
 * @param scale 1 to 4
 * @param passes Tesseract's {@code --psm} of each pass: 3, 4, 6 or 11
 * @param timeout how long a capture or recognition may take
 * @param maxChars the most characters of text given to the model
 */
record ScreenSettings(String display, String backend, List<String> languages, String tesseract, int scale,
        List<Integer> passes, Duration timeout, int maxChars) {

    static final List<Integer> PAGE_SEGMENTATIONS = List.of(3, 4, 6, 11);

    private static final Logger LOG = LoggerFactory.getLogger(ScreenSettings.class);

    static final List<String> BACKENDS = List.of("auto", "x11", "grim", "screencapture");

    /** Tesseract language names: {@code eng}, {@code chi_sim}, {@code script/Latin}. */
    static final Pattern LANGUAGE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*(/[A-Za-z][A-Za-z0-9_]*)?");

    private static List<Integer> passes(int[] configured) {
        List<Integer> passes = new ArrayList<>();
        for (int psm : configured == null ? new int[0] : configured) {
            if (PAGE_SEGMENTATIONS.contains(psm) && !passes.contains(psm)) {
                passes.add(psm);
            } else if (!PAGE_SEGMENTATIONS.contains(psm)) {
                LOG.warn("[tools.screen] page_segmentation: {} is not one of {}; ignored", psm, PAGE_SEGMENTATIONS);
            }
        }
        return passes.isEmpty() ? List.of(3, 11) : List.copyOf(passes);
    }

    static ScreenSettings of(ScreenConfig config) {
        String backend = config.backend() == null ? "auto" : config.backend().strip().toLowerCase(Locale.ROOT);
        List<String> languages = new ArrayList<>();
        for (String entry : config.languages() == null ? new String[0] : config.languages()) {
            for (String language : entry.split("[,+\\s]+")) {
                if (language.isEmpty() || languages.contains(language)) {
                    continue;
                }
                if (LANGUAGE.matcher(language).matches()) {
                    languages.add(language);
                } else {
                    LOG.warn("[tools.screen] languages: \"{}\" is no Tesseract language name; ignored", language);
                }
            }
        }
        if (languages.isEmpty()) {
            languages.add("eng");
        }
        return new ScreenSettings(
                config.display() == null ? "" : config.display().strip(),
                BACKENDS.contains(backend) ? backend : "auto",
                List.copyOf(languages),
                config.tesseract() == null ? "" : config.tesseract().strip(),
                Math.max(1, Math.min(4, config.ocr_scale())),
                passes(config.page_segmentation()),
                Duration.ofSeconds(Math.max(1, Math.min(600, config.timeout_secs()))),
                Math.max(100, config.max_chars()));
    }
}
