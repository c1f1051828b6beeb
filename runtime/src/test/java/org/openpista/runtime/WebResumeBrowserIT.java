package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.runtime.DistributionProcess.Result;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in real Chromium while the web channel bundle itself is updated under a turn in
 * flight ({@code openpista bundles update}): the page's socket closes, it reconnects, sends its
 * unanswered message again ({@code "resend": true}), and shows the answer, which the turn gave to
 * the channel's previous version, exactly once; the model is asked once.
 */
class WebResumeBrowserIT {

    static final String TOKEN = "resume-browser-token-0123456789";

    @TempDir
    Path home;

    FakeOpenAiServer fake;
    WebDaemon daemon;
    ChromeDriver browser;
    WebDriverWait wait;
    final CountDownLatch swapped = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        WebDaemon.assumeNothingMissing(WebDaemon.chromiumMissing());
        fake = new FakeOpenAiServer();
        // the answer to "slow one" waits until the channel was swapped: it goes to the version that took the message
        fake.fallback(request -> {
            JsonNode messages = request.json().path("messages");
            String asked = SwapUnderLoadIT.lastUserText(messages);
            if (asked.equals("slow one")) {
                try {
                    swapped.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return FakeReply.text("The slow answer.");
            }
            return FakeReply.text("Answer to " + asked + ".");
        });
        int port = WebDaemon.freePort();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "test-model"
                base_url = "%s"
                api_key = "sk-resume-it"

                [channels.web]
                port = %d
                token = "%s"
                """.formatted(fake.baseUrl(), port, TOKEN));
        daemon = WebDaemon.start(home, port, Map.of(), "start", "--foreground");
        browser = WebDaemon.browser(1280, 860);
        wait = new WebDriverWait(browser, Duration.ofSeconds(120));
    }

    @AfterEach
    void tearDown() throws Exception {
        swapped.countDown();
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

    void send(String text) {
        WebElement composer = wait.until(ExpectedConditions.elementToBeClickable(By.id("composer")));
        composer.sendKeys(text);
        composer.sendKeys(Keys.ENTER);
    }

    java.util.List<String> shown(String css) {
        return browser.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    @Test
    void aTurnInFlightWhileTheWebChannelIsUpdatedIsShownOnceAfterTheReconnect() throws Exception {
        browser.get(daemon.url());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-token"))).sendKeys(TOKEN);
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "open"));
        send("slow one");
        wait.until(driver -> fake.requests().size() >= 1);

        Path web;
        try (var jars = Files.walk(DistributionProcess.dist().resolve("bundles"))) {
            web = jars.filter(jar -> jar.getFileName().toString().startsWith("org.openpista.channel.web-")).findFirst()
                    .orElseThrow();
        }
        Path web101 = SwapUnderLoadIT.withVersion(web, home.resolve("channel-web-1.0.1.jar"), "1.0.1");
        Result updated = DistributionProcess.run(home, Map.of(), "bundles", "update", "org.openpista.channel.web",
                web101.toString());
        assertThat(updated.exitCode()).as(updated.toString()).isZero();
        swapped.countDown();

        try {
            wait.until(driver -> shown(".msg.assistant:not(.streaming)").contains("The slow answer."));
        } catch (org.openqa.selenium.TimeoutException e) {
            WebDaemon.screenshot(browser, "20-resume-failed");
            throw new AssertionError("no answer shown; the daemon's warnings: " + Files.readAllLines(home.resolve(
                    "logs/openpista.0.log")).stream().filter(line -> line.contains("WARN") || line.contains("ERROR")
                            || line.contains("Swap:")).toList() + "; the page shows " + shown(".msg"), e);
        }
        wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "open"));
        Thread.sleep(2000); // a repeated answer would arrive now
        WebDaemon.screenshot(browser, "20-resumed-after-channel-swap");
        assertThat(shown(".msg.assistant:not(.streaming)")).containsExactly("The slow answer.");
        assertThat(shown(".msg.user")).containsExactly("slow one");
        assertThat(fake.requests().stream().filter(request -> SwapUnderLoadIT.lastUserText(request.json().path("messages"))
                .equals("slow one"))).as("the model was asked once").hasSize(1);

        // and the page goes on chatting with the new version
        send("after");
        wait.until(driver -> shown(".msg.assistant:not(.streaming)").contains("Answer to after."));
        assertThat(shown(".msg.user")).containsExactly("slow one", "after");
    }
}
