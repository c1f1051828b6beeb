package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** X11 display names as {@code DISPLAY} holds them. */
class X11DisplayTest {

    @Test
    void aLocalDisplayIsItsSocketInTmp() {
        assertThat(X11Display.parse(":0")).isEqualTo(new X11Display(":0", "", 0, 0, Path.of("/tmp/.X11-unix/X0")));
        assertThat(X11Display.parse(" :12.1 ")).isEqualTo(
                new X11Display(":12.1", "", 12, 1, Path.of("/tmp/.X11-unix/X12")));
        assertThat(X11Display.parse("unix:3").socket()).isEqualTo(Path.of("/tmp/.X11-unix/X3"));
        assertThat(X11Display.parse(":0").tcp()).isFalse();
    }

    @Test
    void aHostIsReachedOverTcpOnPort6000PlusTheNumber() {
        X11Display forwarded = X11Display.parse("localhost:10.0");

        assertThat(forwarded.tcp()).isTrue();
        assertThat(forwarded.host()).isEqualTo("localhost");
        assertThat(forwarded.port()).isEqualTo(6010);
        assertThat(X11Display.parse("[::1]:2").host()).isEqualTo("::1");
        assertThat(X11Display.parse("tcp/example.org:1").host()).isEqualTo("example.org");
    }

    @Test
    void xquartzSocketPathsAreKept() {
        X11Display display = X11Display.parse("/private/tmp/com.apple.launchd.abc/org.xquartz:0");

        assertThat(display.socket()).isEqualTo(Path.of("/private/tmp/com.apple.launchd.abc/org.xquartz"));
        assertThat(display.number()).isZero();
    }

    @Test
    void somethingElseIsNoDisplayName() {
        for (String name : new String[] {"", "0", "host", ":x", ":0.", null}) {
            assertThatThrownBy(() -> X11Display.parse(name))
                    .as(String.valueOf(name))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageEndingWith("is not an X11 display name such as :0 or :1.0");
        }
    }
}
