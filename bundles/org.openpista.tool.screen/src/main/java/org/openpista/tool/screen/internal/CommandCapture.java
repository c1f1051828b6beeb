package org.openpista.tool.screen.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.openpista.api.chat.Cancellation;
import org.openpista.tool.support.ChildProcess;

/**
 * Captures through a screenshot program: {@code grim} on Wayland (it writes the PNG to stdout) and
 * {@code screencapture} on macOS (it writes a file, made in a private temporary folder and deleted).
 */
final class CommandCapture {

    private static final int MAX_PNG = 256 * 1024 * 1024;

    private final Map<String, String> environment;

    CommandCapture(Map<String, String> environment) {
        this.environment = environment;
    }

    Shot png(Target target, Region region, Cancellation cancellation, Duration timeout) throws IOException {
        return target.backend().equals("grim")
                ? grim(target, region, cancellation, timeout)
                : screencapture(target, region, cancellation, timeout);
    }

    /** @return the command line for grim */
    static List<String> grimCommand(Path grim, String output, Region region) {
        List<String> command = new ArrayList<>(List.of(grim.toString(), "-t", "png"));
        if (!output.isEmpty()) {
            command.addAll(List.of("-o", output));
        }
        if (region != null) {
            command.addAll(List.of("-g", region.x() + "," + region.y() + " " + region.width() + "x" + region.height()));
        }
        command.add("-");
        return command;
    }

    /** @return the command line for screencapture, writing to {@code file} */
    static List<String> screencaptureCommand(Path screencapture, String display, Region region, Path file) {
        List<String> command = new ArrayList<>(List.of(screencapture.toString(), "-x", "-t", "png"));
        if (!display.isEmpty()) {
            command.addAll(List.of("-D", display));
        }
        if (region != null) {
            command.addAll(List.of("-R", region.x() + "," + region.y() + "," + region.width() + "," + region.height()));
        }
        command.add(file.toString());
        return command;
    }

    private Shot grim(Target target, Region region, Cancellation cancellation, Duration timeout) throws IOException {
        Path grim = ChildProcess.find("grim", environment);
        if (grim == null) {
            throw new ScreenException("cannot capture the screen: " + Screens.GRIM_MISSING);
        }
        ChildProcess.Outcome outcome = ChildProcess.run(grimCommand(grim, target.display(), region),
                ChildProcess.environment(environment, Tesseract.VARIABLES), null, timeout, cancellation, MAX_PNG);
        if (outcome.stopped() != null) {
            throw new ScreenException("grim was stopped: " + outcome.stopped());
        }
        if (outcome.exitCode() != 0) {
            throw new ScreenException("grim could not capture the screen: " + outcome.problem());
        }
        String what = (target.display().isEmpty() ? "the Wayland desktop" : "the Wayland output " + target.display())
                + " (grim)";
        return shot(outcome.stdout(), region == null ? what : "the region " + region + " of " + what, target);
    }

    private Shot screencapture(Target target, Region region, Cancellation cancellation, Duration timeout)
            throws IOException {
        Path program = ChildProcess.find("screencapture", environment);
        if (program == null) {
            throw new ScreenException("cannot capture the screen: screencapture, macOS's own screenshot program, is"
                    + " not on PATH (" + environment.getOrDefault("PATH", "") + ")");
        }
        if (!target.display().isEmpty() && !target.display().matches("\\d{1,2}")) {
            throw new ScreenException("on macOS, display is the number of a display (1 is the main one), not \""
                    + target.display() + "\"");
        }
        Path folder = Files.createTempDirectory("openpista-screen",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path file = folder.resolve("screen.png");
        try {
            ChildProcess.Outcome outcome = ChildProcess.run(
                    screencaptureCommand(program, target.display(), region, file),
                    ChildProcess.environment(environment, Tesseract.VARIABLES), null, timeout, cancellation, 64 * 1024);
            if (outcome.stopped() != null) {
                throw new ScreenException("screencapture was stopped: " + outcome.stopped());
            }
            if (outcome.exitCode() != 0 || !Files.isRegularFile(file) || Files.size(file) == 0) {
                throw new ScreenException("screencapture wrote no image (" + outcome.problem() + "); allow the"
                        + " program that runs openpista to record the screen in System Settings, Privacy & Security,"
                        + " Screen Recording");
            }
            String what = target.display().isEmpty() ? "the main macOS display" : "macOS display " + target.display();
            return shot(Files.readAllBytes(file), region == null ? what : "the region " + region + " of " + what, target);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(folder);
        }
    }

    private static Shot shot(byte[] png, String what, Target target) throws ScreenException {
        int[] size = PngWriter.size(png);
        if (size == null) {
            throw new ScreenException(target.backend() + " wrote something that is no PNG (" + png.length + " bytes)");
        }
        return new Shot(png, size[0], size[1], what, target.note());
    }
}
