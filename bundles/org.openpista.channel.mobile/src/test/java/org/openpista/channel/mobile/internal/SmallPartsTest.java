package org.openpista.channel.mobile.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.ReaderException;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.pairing.QrCode;

/** The link, the certificate, the settings' rules and the QR code. */
class SmallPartsTest {

    @TempDir
    Path home;

    @Test
    void theLinkRoundTripsAndSaysWhatIsMissing() {
        ConnectUri link = new ConnectUri("::1", 4434, "tok en/+", "sha256:" + "ab".repeat(32));
        assertThat(link.toString()).isEqualTo("openpista+quic://[::1]:4434?token=tok+en%2F%2B&fp=sha256:" + "ab".repeat(32));
        assertThat(ConnectUri.parse(link.toString())).isEqualTo(link);
        assertThat(ConnectUri.parse("openpista+quic://phone.example?token=t&fp=SHA256:" + "AB".repeat(32)))
                .isEqualTo(new ConnectUri("phone.example", 4434, "t", "sha256:" + "ab".repeat(32)));
        assertThatThrownBy(() -> ConnectUri.parse("https://x:1?token=t&fp=sha256:" + "ab".repeat(32)))
                .hasMessageContaining("must start with openpista+quic://");
        assertThatThrownBy(() -> ConnectUri.parse("openpista+quic://x:1?fp=sha256:" + "ab".repeat(32)))
                .hasMessageContaining("no token");
        assertThatThrownBy(() -> ConnectUri.parse("openpista+quic://x:1?token=t&fp=md5:12")).hasMessageContaining("fingerprint");
    }

    @Test
    void aGeneratedCertificateIsKeptAndReadBackWithTheSameFingerprint() throws Exception {
        MobileSettings settings = new MobileSettings(true, "127.0.0.1", 0, "t", null, null, Duration.ofSeconds(30),
                Duration.ofSeconds(120), Duration.ofSeconds(600));
        ServerIdentity first = ServerIdentity.load(settings, home);
        assertThat(first.chain().get(0).getPublicKey().getAlgorithm()).isEqualTo("EC");
        assertThat(first.chain().get(0).getSigAlgName()).isEqualTo("SHA256withECDSA");
        first.chain().get(0).verify(first.chain().get(0).getPublicKey());
        first.chain().get(0).checkValidity();
        assertThat(first.chain().get(0).getSubjectAlternativeNames()).extracting(name -> String.valueOf(name.get(1)))
                .contains("localhost", "127.0.0.1");
        assertThat(first.fingerprint()).matches("sha256:[0-9a-f]{64}");
        assertThat(ServerIdentity.load(settings, home).fingerprint()).isEqualTo(first.fingerprint());

        // configured files win; a key in another format is explained
        Path cert = home.resolve("mine.pem");
        Path key = home.resolve("mine.key");
        Files.copy(home.resolve("mobile/cert.pem"), cert);
        Files.writeString(key, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        MobileSettings configured = new MobileSettings(true, "127.0.0.1", 0, "t", cert, key, Duration.ofSeconds(30),
                Duration.ofSeconds(120), Duration.ofSeconds(600));
        assertThatThrownBy(() -> ServerIdentity.load(configured, home)).hasMessageContaining("openssl pkcs8 -topk8");
        Files.copy(home.resolve("mobile/key.pem"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(ServerIdentity.load(configured, home).fingerprint()).isEqualTo(first.fingerprint());
    }

    @Test
    void onlyLoopbackListensWithoutALongToken() {
        assertThat(settings("127.0.0.1", "").refusal()).isNull();
        assertThat(settings("::1", "").refusal()).isNull();
        assertThat(settings("localhost", "").refusal()).isNull();
        assertThat(settings("0.0.0.0", "").refusal()).startsWith("refusing to listen on 0.0.0.0 without a token");
        assertThat(settings("192.168.1.2", "fifteen-chars!!").refusal()).contains("fewer than 16");
        assertThat(settings("loopback.example", "0123456789abcdef").refusal()).isNull();
        assertThat(settings("loopback.example", "").refusal()).as("a name is not trusted as loopback").isNotNull();
        assertThat(settings("0.0.0.0", "x").host(null)).isEqualTo("127.0.0.1");
        assertThat(settings("::1", "x").host(null)).isEqualTo("[::1]");
    }

    @Test
    void theQrCodeDecodesToTheLinkWithItsFingerprint() throws Exception {
        String fingerprint = ServerIdentity.generate("127.0.0.1").fingerprint();
        ConnectUri link = new ConnectUri("192.168.1.20", 4434, MobileChannel.newToken(), fingerprint);
        QrCode code = QrEncoder.encode(link.toString());
        String decoded = scan(code);
        assertThat(ConnectUri.parse(decoded)).isEqualTo(link);
        assertThat(ConnectUri.parse(decoded).fingerprint()).isEqualTo(fingerprint);
        assertThat(code.toTerminal()).contains("█");
    }

    @Test
    void everyLinkGetsACodeAScannerReads() {
        // about one random link in fifteen got a code ZXing's reader could not read before masks were tried
        Random random = new Random(42);
        for (int i = 0; i < 150; i++) {
            byte[] digest = new byte[32];
            random.nextBytes(digest);
            String fingerprint = "sha256:" + HexFormat.of().formatHex(digest);
            ConnectUri link = new ConnectUri("127.0.0.1", 20000 + random.nextInt(40000), "t" + Long.toHexString(random.nextLong()),
                    fingerprint);
            assertThat(scan(QrEncoder.encode(link.toString()))).as(link.toString()).isEqualTo(link.toString());
        }
    }

    /** @return what ZXing's reader, without hints, reads from a plain image of the code */
    static String scan(QrCode code) {
        int scale = 4;
        int border = 4;
        int side = (code.size() + 2 * border) * scale;
        int[] pixels = new int[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                pixels[y * side + x] = code.dark(x / scale - border, y / scale - border) ? 0 : 0xffffff;
            }
        }
        try {
            return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(side, side,
                    pixels)))).getText();
        } catch (ReaderException e) {
            return e.toString();
        }
    }

    @Test
    void framesTheServerSendsFitWhatAnOriginalClientReads() throws Exception {
        String huge = "y".repeat(FrameIO.LIMIT);
        var response = Frames.fit(Frames.response("mobile:p", null, huge, false));
        assertThat(FrameIO.JSON.writeValueAsBytes(response).length).isLessThanOrEqualTo(FrameIO.LIMIT);
        String content = response.path("content").asText();
        assertThat(content.endsWith("(cut: the whole answer is in the session's history)")).isTrue();
        var small = Frames.response("mobile:p", "m1", "short", false);
        assertThat(Frames.fit(small)).isSameAs(small);
        assertThat(small.path("content").asText()).isEqualTo("short");
    }

    static MobileSettings settings(String bind, String token) {
        return new MobileSettings(true, bind, 0, token, null, null, Duration.ofSeconds(30), Duration.ofSeconds(120),
                Duration.ofSeconds(600));
    }
}
