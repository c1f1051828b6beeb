package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openpista.testkit.ImageData;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Photos and files sent from the web chat in a real headless Chromium, through {@code openpista web
 * start} of the distribution, to the fake OpenAI server: picked with the button, dropped or pasted,
 * they reach the model as image parts of their type and size; files too large are refused in the
 * browser before they are read, and files that are not what they claim are refused by the agent,
 * with a message, and never stored.
 */
class WebUploadIT {

    static final String TOKEN = "upload-test-token-0123456789";
    /** The frame limit of this test: files above (limit − 64 KiB) × ¾ = 96 KiB are refused by the page. */
    static final int MAX_FRAME = 192 * 1024;

    @TempDir
    Path home;

    @TempDir
    Path files;

    FakeOpenAiServer fake;
    WebDaemon daemon;
    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeEach
    void setUp() throws Exception {
        WebDaemon.assumeNothingMissing(WebDaemon.chromiumMissing());
        fake = new FakeOpenAiServer();
        int port = WebDaemon.freePort();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "gpt-4o"
                base_url = "%s"
                api_key = "sk-upload-it"

                [channels.web]
                port = %d
                token = "%s"
                max_frame_bytes = %d
                """.formatted(fake.baseUrl(), port, TOKEN, MAX_FRAME));
        daemon = WebDaemon.start(home, port, Map.of());
        browser = WebDaemon.browser(1280, 860);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() {
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

    @Test
    void imagesPickedDroppedAndPastedReachTheModelAndBadFilesAreRefusedUnstored() throws Exception {
        logIn();

        // picked with the attach button's file input
        byte[] png = picture(320, 200, "png");
        Path photo = Files.write(files.resolve("chart.png"), png);
        pick(photo);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("attachments"), "chart.png"));
        fake.enqueue(FakeReply.text("A blue chart."));
        send("what is in this picture?");
        assertThat(awaitAnswer(1).getText()).isEqualTo("A blue chart.");
        assertThat(browser.findElements(By.cssSelector(".msg.user img"))).hasSize(1);
        JsonNode user = lastUserMessage();
        assertThat(user.path("content").get(0).path("text").asText()).isEqualTo("what is in this picture?");
        List<ImageData.Image> images = ImageData.inRequest(fake.lastRequest().json());
        assertThat(images).singleElement().satisfies(image -> {
            assertThat(image.mimeType()).isEqualTo("image/png");
            assertThat(image.data()).hasSize(png.length).isEqualTo(png);
        });
        WebDaemon.screenshot(browser, "upload-01-photo");

        // dropped on the chat, without text
        byte[] jpeg = picture(160, 120, "jpg");
        dispatchFile("drop", "photo.jpg", "image/jpeg", jpeg);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("attachments"), "photo.jpg"));
        fake.enqueue(FakeReply.text("A photo."));
        browser.findElement(By.id("send")).click();
        assertThat(awaitAnswer(2).getText()).isEqualTo("A photo.");
        List<ImageData.Image> second = ImageData.inRequest(fake.lastRequest().json());
        assertThat(second).hasSize(2); // the history keeps the first picture
        assertThat(second.get(1).mimeType()).isEqualTo("image/jpeg");
        assertThat(second.get(1).data()).isEqualTo(jpeg);

        // too large: refused by the page before it is read; nothing is sent
        int requests = fake.requests().size();
        byte[] big = new byte[120 * 1024];
        new Random(7).nextBytes(big);
        pick(Files.write(files.resolve("huge.png"), big));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toasts"), "\"huge.png\" is too large"));
        assertThat(browser.findElement(By.id("attachments")).getText()).doesNotContain("huge.png");

        // not an image although it says so, pasted: refused by the agent with a message, nothing stored
        dispatchFile("paste", "fake.png", "image/png", "<html>not a picture</html>".getBytes(StandardCharsets.UTF_8));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("attachments"), "fake.png"));
        send("and this one?");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toasts"),
                "\"fake.png\" is not a valid image: its content is not PNG, JPEG, GIF or WebP"));
        assertThat(fake.requests()).hasSize(requests);
        WebDaemon.screenshot(browser, "upload-02-refused");

        // the next message's history holds neither refused file nor its text
        fake.enqueue(FakeReply.text("Still here."));
        send("still there?");
        assertThat(awaitAnswer(3).getText()).isEqualTo("Still here.");
        String body = fake.lastRequest().body();
        assertThat(body).doesNotContain("and this one?").doesNotContain(Base64.getEncoder().encodeToString(
                "<html>not a picture</html>".getBytes(StandardCharsets.UTF_8)));
        assertThat(ImageData.inRequest(fake.lastRequest().json())).hasSize(2);

        // a reload shows the pictures of the history again
        browser.navigate().refresh();
        wait.until(driver -> browser.findElements(By.cssSelector(".msg.user img")).size() == 2);
    }

    void logIn() {
        browser.get(daemon.url());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-token"))).sendKeys(TOKEN);
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "open"));
    }

    /** Chooses a file in the attach button's file input, as the file dialog does. */
    void pick(Path file) {
        WebElement input = browser.findElement(By.id("file-input"));
        // the input is hidden behind the button; WebDriver types only into visible inputs
        ((JavascriptExecutor) browser).executeScript("arguments[0].hidden = false;", input);
        input.sendKeys(file.toAbsolutePath().toString());
        ((JavascriptExecutor) browser).executeScript("arguments[0].hidden = true;", input);
    }

    /** Drops a file on the chat or pastes it into the composer, with the browser's own events. */
    void dispatchFile(String event, String name, String type, byte[] bytes) {
        ((JavascriptExecutor) browser).executeScript("""
                const [event, name, type, b64] = arguments;
                const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], name, { type }));
                if (event === 'drop') {
                  document.querySelector('main').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
                } else {
                  document.getElementById('composer').dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
                }
                """, event, name, type, Base64.getEncoder().encodeToString(bytes));
    }

    void send(String text) {
        WebElement composer = wait.until(ExpectedConditions.elementToBeClickable(By.id("composer")));
        composer.sendKeys(text);
        composer.sendKeys(Keys.ENTER);
    }

    WebElement awaitAnswer(int count) {
        wait.until(driver -> browser.findElements(By.cssSelector(".msg.assistant:not(.streaming)")).size() >= count);
        return browser.findElements(By.cssSelector(".msg.assistant:not(.streaming)")).get(count - 1);
    }

    JsonNode lastUserMessage() {
        JsonNode user = null;
        for (JsonNode message : fake.lastRequest().json().path("messages")) {
            if (message.path("role").asText().equals("user")) {
                user = message;
            }
        }
        return user;
    }

    /** @return a real picture (a gradient with a bar), encoded by ImageIO */
    static byte[] picture(int width, int height, String format) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int x = 0; x < width; x++) {
            g.setColor(new Color(20, 40 + x * 200 / width, 200));
            g.drawLine(x, 0, x, height);
        }
        g.setColor(Color.ORANGE);
        g.fillRect(width / 4, height / 3, width / 2, height / 4);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }
}
