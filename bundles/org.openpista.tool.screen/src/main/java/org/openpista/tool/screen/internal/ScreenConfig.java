package org.openpista.tool.screen.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The {@code [tools.screen]} table, read by both tools of the bundle ({@link ScreenCaptureTool}
 * designates it, {@link ScreenOcrTool} reads the same PID); a type of its own because two components
 * share it.
 */
@ObjectClassDefinition(
        name = "openpista screen tools",
        description = "screen.capture and screen.ocr: which screen, how it is captured, Tesseract's languages.")
public @interface ScreenConfig {

    @AttributeDefinition(
            name = "Display",
            description = "The X11 display captured when a call names none, for example \":0\" for the desktop of"
                    + " this machine when the daemon was started outside it (by systemd, over ssh). Empty: the"
                    + " daemon's DISPLAY.")
    String display() default "";

    @AttributeDefinition(
            name = "Capture with",
            description = "auto: screencapture on macOS, grim in a Wayland session that has it, else the X11"
                    + " display through the X protocol; or one of them by name.",
            options = {
                @Option(label = "auto", value = "auto"),
                @Option(label = "x11", value = "x11"),
                @Option(label = "grim", value = "grim"),
                @Option(label = "screencapture", value = "screencapture")
            })
    String backend() default "auto";

    @AttributeDefinition(
            name = "OCR languages",
            description = "Tesseract languages screen.ocr may use (eng, deu, fra, chi_sim, …; each needs its"
                    + " data, e.g. apt install tesseract-ocr-deu). A call's lang picks among them; without one,"
                    + " all of them are used together.")
    String[] languages() default {"eng"};

    @AttributeDefinition(
            name = "Tesseract",
            description = "The tesseract program. Empty: tesseract on PATH.")
    String tesseract() default "";

    @AttributeDefinition(
            name = "OCR scale",
            description = "The screen is enlarged by this factor before recognition: Tesseract reads text best"
                    + " when letters are 20 or more pixels high, screen fonts are 7 to 10.",
            min = "1",
            max = "4")
    int ocr_scale() default 3;

    @AttributeDefinition(
            name = "Page segmentations",
            description = "How Tesseract looks for text (its --psm), one pass each, run side by side and merged:"
                    + " 3 finds columns and blocks, but can drop windows it takes for pictures; 11 finds scattered"
                    + " text anywhere; 4 reads one column, 6 one block. One value halves the work.",
            options = {
                @Option(label = "3", value = "3"),
                @Option(label = "4", value = "4"),
                @Option(label = "6", value = "6"),
                @Option(label = "11", value = "11")
            })
    int[] page_segmentation() default {3, 11};

    @AttributeDefinition(
            name = "Timeout (s)",
            description = "Seconds a capture or a recognition may take.",
            min = "1",
            max = "600")
    int timeout_secs() default 60;

    @AttributeDefinition(
            name = "Text limit (characters)",
            description = "Characters of recognised text given to the model; the rest is cut with a note.",
            min = "100",
            max = "1000000")
    int max_chars() default 20_000;
}
