package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which way a call captures, decided from the settings, the environment and the operating system. */
class ScreensTest {

    @TempDir
    Path emptyFolder;

    Target target(Map<String, Object> config, Map<String, String> environment, String os, String requested)
            throws ScreenException {
        return new Screens(ScreenSettings.of(Configs.screen(config)), environment, os).target(requested);
    }

    @Test
    void withoutAnyDisplayTheCallIsRefusedWithWhatToConfigure() {
        assertThatThrownBy(() -> target(Map.of(), Map.of("PATH", "/usr/bin"), "Linux", null))
                .isInstanceOf(ScreenException.class)
                .hasMessage(Screens.NO_DISPLAY)
                .hasMessageContaining("neither DISPLAY nor WAYLAND_DISPLAY")
                .hasMessageContaining("[tools.screen] display = \":0\"");
    }

    @Test
    void theDaemonsDisplayTheConfiguredOneAndTheCallsOneWinInTurn() throws ScreenException {
        Map<String, String> environment = Map.of("DISPLAY", ":0");

        assertThat(target(Map.of(), environment, "Linux", null)).isEqualTo(new Target("x11", ":0", ""));
        assertThat(target(Map.of("display", ":7"), environment, "Linux", null)).isEqualTo(new Target("x11", ":7", ""));
        assertThat(target(Map.of("display", ":7"), environment, "Linux", ":8.1"))
                .isEqualTo(new Target("x11", ":8.1", ""));
        assertThat(target(Map.of("display", ":7"), Map.of(), "Linux", null)).isEqualTo(new Target("x11", ":7", ""));
    }

    @Test
    void aDisplayNameThatIsNoneIsRefused() {
        assertThatThrownBy(() -> target(Map.of(), Map.of("DISPLAY", ":0"), "Linux", "primary"))
                .isInstanceOf(ScreenException.class)
                .hasMessage("\"primary\" is not an X11 display name such as :0 or :1.0");
    }

    @Test
    void aWaylandSessionWithoutGrimFallsBackToXwaylandAndSaysWhatThatMeans() throws ScreenException {
        Map<String, String> environment = Map.of("WAYLAND_DISPLAY", "wayland-0", "DISPLAY", ":0",
                "PATH", emptyFolder.toString());

        Target target = target(Map.of(), environment, "Linux", null);

        assertThat(target.backend()).isEqualTo("x11");
        assertThat(target.note()).startsWith("This is a Wayland session without grim: the picture comes from XWayland"
                + " and shows X11 windows only (grim is not installed (Debian/Ubuntu: sudo apt install grim).");
    }

    @Test
    void aWaylandSessionWithoutGrimOrXwaylandIsRefusedWithHowToInstallGrim() {
        Map<String, String> environment = Map.of("WAYLAND_DISPLAY", "wayland-0", "PATH", emptyFolder.toString());

        assertThatThrownBy(() -> target(Map.of(), environment, "Linux", null))
                .isInstanceOf(ScreenException.class)
                .hasMessage("cannot capture this Wayland session: " + Screens.GRIM_MISSING);
    }

    @Test
    void anX11NameInAWaylandSessionMeansX11() throws ScreenException {
        Map<String, String> environment = Map.of("WAYLAND_DISPLAY", "wayland-0", "PATH", emptyFolder.toString());

        assertThat(target(Map.of(), environment, "Linux", ":1")).isEqualTo(new Target("x11", ":1", ""));
    }

    @Test
    void macOsUsesScreencaptureWithTheCallsDisplayNumber() throws ScreenException {
        assertThat(target(Map.of(), Map.of(), "Mac OS X", null)).isEqualTo(new Target("screencapture", "", ""));
        assertThat(target(Map.of(), Map.of(), "Mac OS X", "2")).isEqualTo(new Target("screencapture", "2", ""));
    }

    @Test
    void aConfiguredBackendIsUsedWhateverTheEnvironmentSays() throws ScreenException {
        assertThat(target(Map.of("backend", "grim"), Map.of("DISPLAY", ":0"), "Linux", "DP-1"))
                .isEqualTo(new Target("grim", "DP-1", ""));
        assertThat(target(Map.of("backend", "x11"), Map.of("DISPLAY", ":0"), "Mac OS X", null))
                .isEqualTo(new Target("x11", ":0", ""));
        assertThat(target(Map.of("backend", "nonsense"), Map.of("DISPLAY", ":0"), "Linux", null).backend())
                .as("an unknown backend is auto").isEqualTo("x11");
    }
}
