package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the cookie of a display from an X authority file in libXau's format. */
class XAuthorityTest {

    @TempDir
    Path folder;

    static byte[] cookie(int fill) {
        byte[] cookie = new byte[16];
        Arrays.fill(cookie, (byte) fill);
        return cookie;
    }

    Path file(byte[]... records) throws IOException {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] record : records) {
            content.write(record);
        }
        return Files.write(folder.resolve("Xauthority"), content.toByteArray());
    }

    @Test
    void theRecordOfThisHostAndDisplayIsChosenAndWildOnesServeTheRest() throws IOException {
        Path file = file(
                X11CaptureTest.record(XAuthority.FAMILY_LOCAL, "elsewhere", "5", cookie(1)),
                X11CaptureTest.record(XAuthority.FAMILY_LOCAL, "thishost", "4", cookie(2)),
                X11CaptureTest.record(XAuthority.FAMILY_LOCAL, "thishost", "5", cookie(3)),
                X11CaptureTest.record(XAuthority.FAMILY_WILD, "", "", cookie(4)));

        assertThat(XAuthority.find(file, X11Display.parse(":5"), "thishost").data()).isEqualTo(cookie(3));
        assertThat(XAuthority.find(file, X11Display.parse(":4.0"), "thishost").data()).isEqualTo(cookie(2));
        assertThat(XAuthority.find(file, X11Display.parse(":9"), "thishost").data()).isEqualTo(cookie(4));
        assertThat(XAuthority.find(file, X11Display.parse(":5"), "thishost").protocol())
                .isEqualTo("MIT-MAGIC-COOKIE-1");
    }

    @Test
    void aForwardedDisplayOnLoopbackUsesTheLocalRecord() throws IOException {
        Path file = file(X11CaptureTest.record(XAuthority.FAMILY_LOCAL, "thishost", "10", cookie(7)));

        assertThat(XAuthority.find(file, X11Display.parse("localhost:10.0"), "thishost").data()).isEqualTo(cookie(7));
    }

    @Test
    void withoutAMatchingRecordOrFileThereIsNoCookie() throws IOException {
        Path file = file(X11CaptureTest.record(XAuthority.FAMILY_LOCAL, "elsewhere", "0", cookie(1)));

        assertThat(XAuthority.find(file, X11Display.parse(":0"), "thishost")).isNull();
        assertThat(XAuthority.find(folder.resolve("missing"), X11Display.parse(":0"), "thishost")).isNull();
    }

    @Test
    void aTruncatedFileIsReported() throws IOException {
        byte[] record = X11CaptureTest.record(XAuthority.FAMILY_LOCAL, "thishost", "0", cookie(1));
        Path file = Files.write(folder.resolve("Xauthority"), Arrays.copyOf(record, record.length - 3));

        assertThatThrownBy(() -> XAuthority.find(file, X11Display.parse(":1"), "thishost"))
                .isInstanceOf(IOException.class)
                .hasMessage("the X authority file " + file + " is truncated");
    }

    @Test
    void theFileIsXauthorityOrElseTheOneInHome() {
        assertThat(XAuthority.file(Map.of("XAUTHORITY", "/run/user/1000/gdm/Xauthority", "HOME", "/home/ada")))
                .isEqualTo(Path.of("/run/user/1000/gdm/Xauthority"));
        assertThat(XAuthority.file(Map.of("HOME", "/home/ada"))).isEqualTo(Path.of("/home/ada/.Xauthority"));
    }
}
