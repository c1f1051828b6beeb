package org.openpista.tool.screen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.Cancellation;
import org.openpista.tool.support.VirtualScreen;

/**
 * The X11 capture against a real X server (Xvfb) showing a window of a known colour; the PNGs are
 * decoded with {@code javax.imageio} here, independently of the bundle's own reader.
 */
class X11CaptureTest {

    static final int WIDTH = 800;
    static final int HEIGHT = 600;
    /** Three different channel values: a swapped channel shows. */
    static final int BLUE = 0x2050F0;

    static VirtualScreen screen;

    @BeforeAll
    static void start() throws Exception {
        screen = VirtualScreen.start(WIDTH, HEIGHT, null);
        screen.window("colour probe", 100, 120, "10x20", "#2050F0", "#FFFFFF");
    }

    @AfterAll
    static void stop() throws Exception {
        if (screen != null) {
            screen.close();
        }
    }

    Screens screens(Map<String, String> environment) {
        return new Screens(ScreenSettings.of(Configs.defaults()), environment, "Linux");
    }

    Shot capture(Region region) throws IOException {
        Screens screens = screens(screen.environment());
        return screens.png(screens.target(null), region, Cancellation.none(), Duration.ofSeconds(30));
    }

    static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a PNG javax.imageio reads").isNotNull();
        return image;
    }

    /** Waits until the window has been drawn (mapped is not yet painted), then captures. */
    Shot drawn() throws Exception {
        awaitPixel(screen, 104, 124, BLUE);
        return capture(null);
    }

    @Test
    void theWholeScreenIsAPngOfTheDisplaysSizeShowingTheWindowInItsColours() throws Exception {
        Shot shot = drawn();

        BufferedImage image = decode(shot.png());
        assertThat(image.getWidth()).isEqualTo(WIDTH);
        assertThat(image.getHeight()).isEqualTo(HEIGHT);
        assertThat(shot.width()).isEqualTo(WIDTH);
        assertThat(shot.what()).isEqualTo("the X11 display " + screen.display() + " (800x600)");
        // inside the window its background, outside it the black root window (-br)
        assertThat(image.getRGB(104, 124) & 0xffffff).isEqualTo(BLUE);
        assertThat(image.getRGB(50, 50) & 0xffffff).isZero();
        assertThat(image.getRGB(WIDTH - 1, HEIGHT - 1) & 0xffffff).isZero();
        // the white text is there too
        int white = 0;
        for (int y = 120; y < 160; y++) {
            for (int x = 100; x < 260; x++) {
                white += (image.getRGB(x, y) & 0xffffff) == 0xffffff ? 1 : 0;
            }
        }
        assertThat(white).as("white text pixels in the window").isGreaterThan(50);
    }

    @Test
    void aRegionIsExactlyThatPartOfTheScreen() throws Exception {
        BufferedImage whole = decode(drawn().png());

        Shot part = capture(new Region(90, 110, 200, 50));

        BufferedImage image = decode(part.png());
        assertThat(image.getWidth()).isEqualTo(200);
        assertThat(image.getHeight()).isEqualTo(50);
        for (int y = 0; y < 50; y++) {
            for (int x = 0; x < 200; x++) {
                assertThat(image.getRGB(x, y)).as("pixel %d,%d", x, y).isEqualTo(whole.getRGB(90 + x, 110 + y));
            }
        }
        assertThat(part.what()).isEqualTo("the region 90,110 200x50 of the X11 display " + screen.display()
                + " (800x600)");
    }

    @Test
    void aRegionReachingBeyondTheScreenIsCutAtItsEdge() throws Exception {
        Shot part = capture(new Region(700, 550, 500, 500));

        assertThat(decode(part.png()).getWidth()).isEqualTo(100);
        assertThat(decode(part.png()).getHeight()).isEqualTo(50);
        assertThat(part.what()).endsWith(", cut from 700,550 500x500");
    }

    @Test
    void aRegionOutsideTheScreenIsRefusedWithTheScreensSize() {
        assertThatThrownBy(() -> capture(new Region(900, 0, 10, 10)))
                .isInstanceOf(ScreenException.class)
                .hasMessage("the region 900,0 10x10 lies outside the screen, which is 800x600");
    }

    @Test
    void greyForRecognitionHasTheScreensSizeAndPlace() throws Exception {
        Screens screens = screens(screen.environment());

        Scan whole = screens.grey(screens.target(null), null, Cancellation.none(), Duration.ofSeconds(30));
        Scan part = screens.grey(screens.target(null), new Region(30, 40, 100, 50), Cancellation.none(),
                Duration.ofSeconds(30));

        assertThat(whole.image().width()).isEqualTo(WIDTH);
        assertThat(whole.image().height()).isEqualTo(HEIGHT);
        assertThat(whole.image().dark()).as("a black screen with one window").isTrue();
        assertThat(whole.what()).isEqualTo("the X11 display " + screen.display() + " (800x600)");
        assertThat(List.of(part.x(), part.y(), part.image().width(), part.image().height()))
                .containsExactly(30, 40, 100, 50);
    }

    @Test
    void aDisplayWithoutServerSaysSo() {
        Map<String, String> environment = new HashMap<>(screen.environment());
        environment.put("DISPLAY", ":4999");

        assertThatThrownBy(() -> {
            Screens screens = screens(environment);
            screens.png(screens.target(null), null, Cancellation.none(), Duration.ofSeconds(30));
        }).isInstanceOf(ScreenException.class)
                .hasMessage("no X server runs on display :4999 (no socket /tmp/.X11-unix/X4999)");
    }

    @Test
    void aServerThatDemandsACookieGetsTheOneFromXauthority(@TempDir Path folder) throws Exception {
        byte[] cookie = new byte[16];
        new SecureRandom().nextBytes(cookie);
        Path authority = folder.resolve("Xauthority");
        Files.write(authority, record(XAuthority.FAMILY_WILD, "", "", cookie));
        try (VirtualScreen guarded = VirtualScreen.start(320, 200, authority)) {
            Map<String, String> withoutCookie = guarded.environment();
            withoutCookie.put("HOME", folder.toString()); // no ~/.Xauthority there
            assertThatThrownBy(() -> {
                Screens screens = screens(withoutCookie);
                screens.png(screens.target(null), null, Cancellation.none(), Duration.ofSeconds(30));
            }).isInstanceOf(ScreenException.class)
                    .hasMessageStartingWith("the X server " + guarded.display() + " refused the connection: ")
                    .hasMessageContaining("Authorization required")
                    .hasMessageEndingWith("(no cookie for it in the X authority file; set XAUTHORITY to the desktop"
                            + " session's file)");

            Map<String, String> withCookie = guarded.environment();
            withCookie.put("XAUTHORITY", authority.toString());
            Screens screens = screens(withCookie);
            Shot shot = screens.png(screens.target(null), null, Cancellation.none(), Duration.ofSeconds(30));
            assertThat(decode(shot.png()).getWidth()).isEqualTo(320);
        }
    }

    /** @return one record of an X authority file as libXau writes it */
    static byte[] record(int family, String address, String number, byte[] cookie) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeShort(family);
        for (byte[] field : new byte[][] {address.getBytes(StandardCharsets.US_ASCII),
                number.getBytes(StandardCharsets.US_ASCII),
                XAuthority.MIT_MAGIC_COOKIE.getBytes(StandardCharsets.US_ASCII), cookie}) {
            out.writeShort(field.length);
            out.write(field);
        }
        return bytes.toByteArray();
    }

    /**
     * Waits until a pixel of the screen has a colour: a mapped window is painted a moment later.
     *
     * @param rgb {@code 0xrrggbb}
     */
    static void awaitPixel(VirtualScreen screen, int x, int y, int rgb) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        byte[] seen = new byte[3];
        while (Instant.now().isBefore(deadline)) {
            try (X11Connection connection = X11Connection.open(X11Display.parse(screen.display()), null, channel -> {})) {
                X11Capture.read(connection, new Region(x, y, 1, 1), row -> System.arraycopy(row, 0, seen, 0, 3));
            }
            if (((seen[0] & 0xff) << 16 | (seen[1] & 0xff) << 8 | (seen[2] & 0xff)) == rgb) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(String.format("the pixel %d,%d never became #%06x", x, y, rgb));
    }
}
