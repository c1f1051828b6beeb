package org.openpista.tool.screen.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpista.api.chat.Cancellation;
import org.openpista.tool.support.ChildProcess;

/**
 * Text recognition through Tesseract's command line ({@code tesseract stdin stdout -l LANGS}), the
 * image on its stdin. The command line rather than Tess4J: no JNA and native library inside the
 * daemon (a crash in Leptonica cannot take it down), nothing to bundle, and Debian's {@code
 * tesseract-ocr} is all it needs.
 *
 * <p>Tesseract binarises with Sauvola's local threshold ({@code thresholding_method=2}, Tesseract
 * 5): its default global Otsu threshold turns a mid-grey panel and its text into one black block,
 * and whole regions of a screen come back empty. Its OpenMP threads are limited to one unless the
 * daemon's environment says otherwise: on a screen image they cost more CPU than they save.
 */
final class Tesseract {

    /** What Tesseract reads from the environment: the screen tools' helpers get it besides {@link ChildProcess#PASSED}. */
    static final String[] VARIABLES = {"TESSDATA_PREFIX", "OMP_THREAD_LIMIT"};

    static final String MISSING = "Tesseract is not installed (Debian/Ubuntu: sudo apt install tesseract-ocr"
            + " tesseract-ocr-eng; Fedora: sudo dnf install tesseract; macOS: brew install tesseract)";

    private static final Pattern FAILED_LANGUAGE = Pattern.compile("Failed loading language '([^']+)'");
    private static final int MAX_TEXT_BYTES = 16 * 1024 * 1024;

    private final String program;
    private final Map<String, String> environment;

    /**
     * @param program the configured program, empty for {@code tesseract} on {@code PATH}
     * @param environment the daemon's environment
     */
    Tesseract(String program, Map<String, String> environment) {
        this.program = program;
        this.environment = environment;
    }

    /**
     * @param requested the call's {@code lang}, {@code null} for all configured languages
     * @return the {@code -l} argument
     * @throws ScreenException when a language is not among the configured ones
     */
    static String languages(String requested, List<String> configured) throws ScreenException {
        if (requested == null || requested.isBlank()) {
            return String.join("+", configured);
        }
        List<String> chosen = new ArrayList<>();
        for (String language : requested.strip().split("[+,\\s]+")) {
            if (!configured.contains(language)) {
                throw new ScreenException("the language \"" + language + "\" is not among [tools.screen] languages ("
                        + String.join(", ", configured) + "); add it there, with its Tesseract data, to use it");
            }
            if (!chosen.contains(language)) {
                chosen.add(language);
            }
        }
        return String.join("+", chosen);
    }

    /** @return the Debian package that holds a language's data */
    static String debianPackage(String language) {
        String name = language.toLowerCase(Locale.ROOT).replace('_', '-');
        if (name.startsWith("script/")) {
            name = "script-" + name.substring("script/".length());
        }
        return "tesseract-ocr-" + name;
    }

    /**
     * Recognises the text of an image, in one pass per page segmentation, the passes side by side.
     *
     * @param image a PNG
     * @param languages the {@code -l} argument
     * @param passes the {@code --psm} of each pass
     * @return the runs of text found, merged ({@link OcrText#merge})
     * @throws ScreenException when Tesseract is missing, lacks a language or fails
     */
    List<OcrLine> read(byte[] image, String languages, List<Integer> passes, Duration timeout,
            Cancellation cancellation) throws IOException {
        Path executable = executable();
        Map<String, String> child = ChildProcess.environment(environment, Tesseract.VARIABLES);
        child.putIfAbsent("OMP_THREAD_LIMIT", "1");
        List<FutureTask<ChildProcess.Outcome>> runs = new ArrayList<>();
        for (int psm : passes) {
            FutureTask<ChildProcess.Outcome> run = new FutureTask<>(() -> ChildProcess.run(
                    command(executable, languages, psm), child, image, timeout, cancellation, MAX_TEXT_BYTES));
            runs.add(run);
            if (runs.size() > 1) {
                Thread thread = new Thread(run, "tesseract --psm " + psm);
                thread.setDaemon(true);
                thread.start();
            }
        }
        runs.get(0).run();
        List<List<OcrLine>> found = new ArrayList<>();
        for (FutureTask<ChildProcess.Outcome> run : runs) {
            found.add(OcrText.parse(text(outcome(run))));
        }
        return OcrText.merge(found);
    }

    private static ChildProcess.Outcome outcome(FutureTask<ChildProcess.Outcome> run) throws IOException {
        try {
            return run.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScreenException("interrupted while Tesseract ran");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    private static String text(ChildProcess.Outcome outcome) throws ScreenException {
        if (outcome.stopped() != null) {
            throw new ScreenException("Tesseract was stopped: " + outcome.stopped());
        }
        Matcher failed = FAILED_LANGUAGE.matcher(outcome.stderr());
        if (failed.find()) {
            String language = failed.group(1);
            throw new ScreenException("Tesseract has no data for the language \"" + language + "\" (Debian/Ubuntu:"
                    + " sudo apt install " + debianPackage(language) + "; macOS: brew install tesseract-lang)");
        }
        if (outcome.exitCode() != 0) {
            throw new ScreenException("Tesseract failed: " + outcome.problem());
        }
        return new String(outcome.stdout(), StandardCharsets.UTF_8);
    }

    /** @return the command line: the image on stdin, the words with their boxes on stdout */
    static List<String> command(Path executable, String languages, int pageSegmentation) {
        return List.of(executable.toString(), "stdin", "stdout", "-l", languages, "--psm",
                Integer.toString(pageSegmentation), "-c", "thresholding_method=2", "tsv");
    }

    private Path executable() throws ScreenException {
        if (!program.isEmpty()) {
            Path configured = Path.of(program);
            if (configured.getNameCount() > 1 || configured.isAbsolute()) {
                if (!Files.isExecutable(configured)) {
                    throw new ScreenException("[tools.screen] tesseract = \"" + program + "\" is not an executable"
                            + " file; " + MISSING);
                }
                return configured;
            }
            Path found = ChildProcess.find(program, environment);
            if (found == null) {
                throw new ScreenException("\"" + program + "\" is not on PATH; " + MISSING);
            }
            return found;
        }
        Path found = ChildProcess.find("tesseract", environment);
        if (found == null) {
            throw new ScreenException(MISSING);
        }
        return found;
    }
}
