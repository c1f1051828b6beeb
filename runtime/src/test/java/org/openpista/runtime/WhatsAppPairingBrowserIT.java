package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.RGBLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import com.google.zxing.qrcode.QRCodeReader;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.testkit.FakeOpenAiServer;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Pairing WhatsApp from the browser: {@code openpista start --foreground} of the distribution runs
 * the web chat and the WhatsApp channel in bridge mode with a fake bridge (a script printing the
 * bridge's {@code qr} and {@code connected} events when the test says so), and a real headless
 * Chromium opens the URL that {@code start} printed. The UI must draw exactly the modules the
 * channel encoded, decodable to the pairing code, follow a renewed code, and show the account once
 * paired. The mobile channel runs beside it: the same dialog shows the link {@code openpista mobile
 * setup} prints as a QR code. Screenshots go to {@code target/screenshots/}.
 */
class WhatsAppPairingBrowserIT {

    static final String TOKEN = "pairing-test-token-0123456789";
    static final String OWNER = "4915112345678";
    static final String FIRST_CODE = "2@first-pairing-code-from-the-fake-bridge,pubkey1,identity1,adv1";
    static final String RENEWED_CODE = "2@renewed-pairing-code-after-twenty-seconds,pubkey2,identity2,adv2";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String MOBILE_TOKEN = "mobile-pairing-token-0123456789";

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    Path session;
    int port;
    int step;
    WebDaemon daemon;
    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void setUp() throws Exception {
        WebDaemon.assumeNothingMissing(WebDaemon.chromiumMissing());
        fake = new FakeOpenAiServer();
        port = WebDaemon.freePort();
        session = Files.createDirectories(home.resolve("whatsapp-session"));
        Path bridge = home.resolve("fake-pairing-bridge.sh");
        try (InputStream in = WhatsAppPairingBrowserIT.class.getResourceAsStream("/fake-pairing-bridge.sh")) {
            Files.write(bridge, in.readAllBytes());
        }
        Files.setPosixFilePermissions(bridge, PosixFilePermissions.fromString("rwx------"));
        int mobilePort;
        try (DatagramSocket free = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            mobilePort = free.getLocalPort();
        }
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-pairing-it"

                [channels.web]
                port = %d
                token = "%s"

                [channels.whatsapp]
                enabled = true
                mode = "bridge"
                bridge_path = "%s"

                [channels.mobile]
                enabled = true
                port = %d
                api_token = "%s"
                """.formatted(fake.baseUrl(), port, TOKEN, bridge, mobilePort, MOBILE_TOKEN));
        // the bridge shows its first code as soon as it runs
        bridgeSays("{\"type\":\"qr\",\"data\":\"" + FIRST_CODE + "\"}");
        daemon = WebDaemon.start(home, port, Map.of(), "start", "--foreground");

        browser = WebDaemon.browser(1280, 860);
        wait = new WebDriverWait(browser, WAIT);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (daemon != null) {
            daemon.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    /** The bridge's next event: written whole, then renamed, so the bridge never prints half a line. */
    void bridgeSays(String line) throws Exception {
        step++;
        Path partial = session.resolve("partial");
        Files.writeString(partial, line + "\n");
        Files.move(partial, session.resolve("step." + step), StandardCopyOption.ATOMIC_MOVE);
    }

    void screenshot(String name) throws Exception {
        WebDaemon.screenshot(browser, name);
    }

    /** @return the modules drawn on the canvas, sampled at each module's centre, {@code 1} for dark; null when none is shown */
    @SuppressWarnings("unchecked")
    List<String> drawnModules() {
        Object rows = ((JavascriptExecutor) browser).executeScript("""
                const canvas = document.getElementById('pairing-qr');
                if (!canvas || canvas.hidden || !canvas.dataset.size) return null;
                const size = Number(canvas.dataset.size), scale = Number(canvas.dataset.scale);
                const quiet = Number(canvas.dataset.quiet);
                const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                const rows = [];
                for (let y = 0; y < size; y++) {
                  let row = '';
                  for (let x = 0; x < size; x++) {
                    const cy = (y + quiet) * scale + (scale >> 1), cx = (x + quiet) * scale + (scale >> 1);
                    row += pixels[(cy * canvas.width + cx) * 4] < 128 ? '1' : '0';
                  }
                  rows.push(row);
                }
                return rows;
                """);
        return rows == null ? null : new ArrayList<>((List<String>) rows);
    }

    /** @return the text a scanner reads from the canvas, as a phone would */
    String scanCanvas() throws Exception {
        return scanCanvas("pairing-qr");
    }

    /** @return the text a scanner reads from the canvas with that id */
    String scanCanvas(String id) throws Exception {
        String dataUrl = (String) ((JavascriptExecutor) browser).executeScript(
                "return document.getElementById(arguments[0]).toDataURL('image/png');", id);
        byte[] png = Base64.getDecoder().decode(dataUrl.substring(dataUrl.indexOf(',') + 1));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        int[] pixels = image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        RGBLuminanceSource source = new RGBLuminanceSource(image.getWidth(), image.getHeight(), pixels);
        return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(source))).getText();
    }

    /** @return the modules the server sends for WhatsApp's current code, asked over a WebSocket of our own */
    List<String> modulesTheServerSends() throws Exception {
        try (WebChatIT.Client client = WebChatIT.Client.connect(URI.create(
                "ws://127.0.0.1:" + port + "/ws?token=" + TOKEN + "&client_id=pairing-it"))) {
            client.send(WebChatIT.JSON.createObjectNode().put("type", "pairing_request").put("channel", "whatsapp")
                    .put("watch", false));
            JsonNode status = client.next("pairing_status");
            assertThat(status.path("state").asText()).isEqualTo("waiting_for_scan");
            List<String> rows = new ArrayList<>();
            status.path("qr").path("rows").forEach(row -> rows.add(row.asText()));
            assertThat(rows).hasSize(status.path("qr").path("size").asInt());
            return rows;
        }
    }

    @Test
    void theUiShowsTheWhatsAppCodeFollowsARenewedOneAndShowsThePairedAccount() throws Exception {
        // start printed the address with the token; the page takes the token from it and logs in
        String printed = daemon.stdout().lines().filter(line -> line.startsWith("Web chat: ")).findFirst().orElseThrow();
        assertThat(printed).isEqualTo("Web chat: http://127.0.0.1:" + port + "/#token=" + TOKEN);
        browser.get(printed.substring("Web chat: ".length()));
        wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "open"));
        assertThat(browser.getCurrentUrl()).as("the token is dropped from the address").doesNotContain(TOKEN);

        browser.findElement(By.id("open-login")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whatsapp-state"),
                "waiting for the QR code to be scanned"));
        WebElement connect = wait.until(ExpectedConditions.elementToBeClickable(By.id("whatsapp-connect")));
        assertThat(connect.getText()).isEqualTo("Connect WhatsApp");
        connect.click();

        // the first code: exactly the channel's modules, and a scanner reads the pairing code from it
        List<String> first = modulesTheServerSends();
        wait.until(driver -> first.equals(drawnModules()));
        assertThat(scanCanvas()).isEqualTo(FIRST_CODE);
        assertThat(browser.findElement(By.id("pairing-state")).getText()).isEqualTo("Waiting for the scan…");
        screenshot("20-whatsapp-qr");

        // WhatsApp renews the code: the page follows without being asked
        bridgeSays("{\"type\":\"qr\",\"data\":\"" + RENEWED_CODE + "\"}");
        wait.until(driver -> scanQuietly().equals(RENEWED_CODE));
        List<String> renewed = modulesTheServerSends();
        assertThat(renewed).isNotEqualTo(first);
        wait.until(driver -> renewed.equals(drawnModules()));
        screenshot("21-whatsapp-qr-renewed");

        // scanned on the phone: the code goes, the account shows
        bridgeSays("{\"type\":\"connected\",\"phone\":\"" + OWNER + "\",\"name\":\"Ada\"}");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("pairing-state"),
                "Paired as Ada (+" + OWNER + ")"));
        assertThat(browser.findElement(By.id("pairing-qr")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("whatsapp-state")).getText()).isEqualTo("paired as Ada (+" + OWNER + ")");
        assertThat(browser.findElement(By.id("whatsapp-connect")).getText()).isEqualTo("Paired");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toasts"), "WhatsApp paired as Ada"));
        screenshot("22-whatsapp-paired");

        // the daemon agrees, on its own channel list
        DistributionProcess.Result channels = DistributionProcess.run(home, Map.of(), "shell", "-c", "openpista:channels");
        assertThat(channels.exitCode()).as(channels.toString()).isZero();
        assertThat(channels.stdout()).contains("connected as +" + OWNER);

        // the page itself works as before: /health still answers with the token required
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"auth_required\":true");
    }

    @Test
    void theMobileRowShowsTheLinkOfMobileSetupAsAQrCodeToAnAuthenticatedPage() throws Exception {
        DistributionProcess.Result setup = DistributionProcess.run(home, Map.of(), "mobile", "setup", "--no-qr");
        assertThat(setup.exitCode()).as(setup.toString()).isZero();
        String link = setup.stdout().lines().filter(line -> line.startsWith("Link:")).findFirst().orElseThrow()
                .substring("Link:".length()).strip();
        assertThat(link).startsWith("openpista+quic://127.0.0.1:").contains("token=" + MOBILE_TOKEN).contains("&fp=sha256:");

        String printed = daemon.stdout().lines().filter(line -> line.startsWith("Web chat: ")).findFirst().orElseThrow();
        browser.get(printed.substring("Web chat: ".length()));
        wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "open"));
        browser.findElement(By.id("open-login")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mobile-row")));
        assertThat(browser.findElement(By.id("mobile-pairing")).isDisplayed()).isFalse();
        browser.findElement(By.id("mobile-connect")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("mobile-qr")));
        assertThat(scanCanvas("mobile-qr")).isEqualTo(link);
        assertThat(browser.findElement(By.id("mobile-link")).getText()).isEqualTo(link);
        screenshot("23-mobile-qr");

        // the token is in the code: only an authenticated client reaches the frames that carry it
        WebSocket.Listener ignore = new WebSocket.Listener() {};
        assertThatThrownBy(() -> HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), ignore).join())
                .isInstanceOf(CompletionException.class).cause().isInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e).getResponse().statusCode()).isEqualTo(401));
    }

    /** @return what a scanner reads from the canvas now, or "" while it shows no readable code */
    String scanQuietly() {
        try {
            return scanCanvas();
        } catch (Exception e) {
            return "";
        }
    }
}
