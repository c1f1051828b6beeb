package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.Cancellation;

/**
 * grim and screencapture: their command lines, and what a call says where they are missing (neither
 * runs on the test machines: grim needs a wlroots compositor, screencapture macOS).
 */
class CommandCaptureTest {

    @TempDir
    Path emptyFolder;

    @Test
    void grimWritesAPngOfAnOutputOrARegionToStdout() {
        assertThat(CommandCapture.grimCommand(Path.of("/usr/bin/grim"), "", null))
                .containsExactly("/usr/bin/grim", "-t", "png", "-");
        assertThat(CommandCapture.grimCommand(Path.of("/usr/bin/grim"), "HDMI-A-1", new Region(10, 20, 300, 200)))
                .containsExactly("/usr/bin/grim", "-t", "png", "-o", "HDMI-A-1", "-g", "10,20 300x200", "-");
    }

    @Test
    void screencaptureIsSilentAndWritesAPngOfADisplayOrARegionToAFile() {
        Path file = Path.of("/tmp/x/screen.png");
        assertThat(CommandCapture.screencaptureCommand(Path.of("/usr/sbin/screencapture"), "", null, file))
                .containsExactly("/usr/sbin/screencapture", "-x", "-t", "png", "/tmp/x/screen.png");
        assertThat(CommandCapture.screencaptureCommand(Path.of("/usr/sbin/screencapture"), "2",
                new Region(0, 0, 640, 480), file))
                .containsExactly("/usr/sbin/screencapture", "-x", "-t", "png", "-D", "2", "-R", "0,0,640,480",
                        "/tmp/x/screen.png");
    }

    @Test
    void withoutGrimTheCallSaysHowToInstallIt() {
        CommandCapture capture = new CommandCapture(Map.of("PATH", emptyFolder.toString()));

        assertThatThrownBy(() -> capture.png(new Target("grim", "", ""), null, Cancellation.none(), Duration.ofSeconds(5)))
                .isInstanceOf(ScreenException.class)
                .hasMessage("cannot capture the screen: " + Screens.GRIM_MISSING);
    }

    @Test
    void withoutScreencaptureTheCallSaysItIsMissing() {
        CommandCapture capture = new CommandCapture(Map.of("PATH", emptyFolder.toString()));

        assertThatThrownBy(() -> capture.png(new Target("screencapture", "", ""), null, Cancellation.none(),
                Duration.ofSeconds(5)))
                .isInstanceOf(ScreenException.class)
                .hasMessage("cannot capture the screen: screencapture, macOS's own screenshot program, is not on PATH ("
                        + emptyFolder + ")");
    }
}
