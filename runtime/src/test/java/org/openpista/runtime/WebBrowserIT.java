package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser UI in a real headless Chromium (Debian's chromium and chromedriver), against {@code
 * openpista web start} of the distribution and a fake OpenAI server. Screenshots go to {@code
 * target/screenshots/} for review.
 */
class WebBrowserIT {

    static final String TOKEN = "browser-test-token-0123456789";

    @TempDir
    Path home;

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
                model = "test-model"
                base_url = "%s"
                api_key = "sk-browser-it"

                [channels.web]
                port = %d
                token = "%s"
                """.formatted(fake.baseUrl(), port, TOKEN));
        daemon = WebDaemon.start(home, port, Map.of());
        browser = WebDaemon.browser(1280, 860);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
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

    void screenshot(String name) throws Exception {
        WebDaemon.screenshot(browser, name);
    }

    void logIn() throws Exception {
        browser.get(daemon.url());
        WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-token")));
        screenshot("01-login");
        token.sendKeys(TOKEN);
        browser.findElement(By.id("login-submit")).click();
        awaitConnected();
    }

    void awaitConnected() {
        wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "open"));
    }

    void send(String text) {
        WebElement composer = wait.until(ExpectedConditions.elementToBeClickable(By.id("composer")));
        composer.sendKeys(text);
        composer.sendKeys(Keys.ENTER);
    }

    List<WebElement> answers() {
        return browser.findElements(By.cssSelector(".msg.assistant:not(.streaming)"));
    }

    WebElement awaitAnswer(int count) {
        wait.until(driver -> answers().size() >= count);
        return answers().get(count - 1);
    }

    @Test
    void slashCommandsCompleteAsYouTypeAndRunInThePage() throws Exception {
        fake.models("test-model", "other-model");
        logIn();
        fake.enqueue(FakeReply.text("First answer."));
        send("hello");
        awaitAnswer(1);
        int requests = fake.requests().size();

        // completion: "/mo" offers the /model commands; Tab takes the first
        WebElement composer = browser.findElement(By.id("composer"));
        composer.sendKeys("/mo");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("slash-menu")));
        assertThat(browser.findElements(By.cssSelector("#slash-menu li")).stream().map(li -> li.getDomAttribute("data-command").trim()))
                .containsExactly("/model", "/model list", "/model");
        screenshot("10-slash-menu");
        composer.sendKeys(Keys.ARROW_DOWN, Keys.TAB);
        assertThat(composer.getDomProperty("value")).isEqualTo("/model list");
        composer.sendKeys(Keys.ENTER);
        wait.until(driver -> notes().stream().anyMatch(n -> n.contains("openai / other-model")));
        assertThat(notes().get(notes().size() - 1)).startsWith("Models:").contains("• openai / test-model");

        send("/model");
        wait.until(driver -> notes().stream().anyMatch(n -> n.equals("Model: openai / test-model")));
        send("/model other-model");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toasts"), "other-model"));
        send("/help");
        wait.until(driver -> notes().stream().anyMatch(n -> n.contains("/session delete — ID: delete a session")));
        send("/nonsense");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toasts"), "Unknown command /nonsense"));
        assertThat(fake.requests()).as("commands never reach the model").hasSize(requests);

        // /clear empties the screen only; /session new starts afresh; /session load brings the first back
        String first = (String) ((JavascriptExecutor) browser).executeScript(
                "return document.querySelector('#session-list li.active').dataset.sessionId");
        send("/clear");
        wait.until(driver -> browser.findElements(By.cssSelector("#messages .msg")).isEmpty());
        send("/session new");
        wait.until(driver -> !first.equals(((JavascriptExecutor) browser).executeScript(
                "const a = document.querySelector('#session-list li.active'); return a && a.dataset.sessionId")));
        send("/session load " + first.substring(0, 12));
        wait.until(driver -> answers().size() == 1);
        assertThat(answers().get(0).getText()).isEqualTo("First answer.");

        // "//" sends a text starting with "/" to the model
        fake.enqueue(FakeReply.text("Paths noted."));
        send("//etc is a folder");
        assertThat(awaitAnswer(2).getText()).isEqualTo("Paths noted.");
        assertThat(fake.lastRequest().body()).contains("/etc is a folder").doesNotContain("//etc");
        screenshot("11-slash-done");
    }

    @Test
    void theAppIsInstallableAndItsServiceWorkerKeepsTheShellOnly() throws Exception {
        logIn();
        fake.enqueue(FakeReply.text("Cached? No."));
        send("a message that must not be cached");
        awaitAnswer(1);
        JavascriptExecutor js = browser;
        Object controlled = js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                navigator.serviceWorker.ready.then(() => done(true), (e) => done(String(e)));
                """);
        assertThat(controlled).isEqualTo(true);

        // Chromium's own installability check (what decides whether "Install app" is offered)
        Map<String, Object> installability = browser.executeCdpCommand("Page.getInstallabilityErrors", Map.of());
        assertThat((List<?>) installability.get("installabilityErrors")).as(installability.toString()).isEmpty();
        Map<String, Object> manifest = browser.executeCdpCommand("Page.getAppManifest", Map.of());
        assertThat((List<?>) manifest.get("errors")).as(manifest.toString()).isEmpty();

        // the cache holds the page's own files and nothing else: no message, session, token or socket
        browser.navigate().refresh();
        awaitConnected();
        @SuppressWarnings("unchecked")
        List<String> cached = (List<String>) js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                caches.keys().then((names) => Promise.all(names.map((name) => caches.open(name).then((c) => c.keys()))))
                  .then((lists) => done(lists.flat().map((r) => new URL(r.url).pathname)), (e) => done([String(e)]));
                """);
        assertThat(cached).isNotEmpty().allSatisfy(path -> assertThat(path).isIn("/", "/index.html", "/app.js",
                "/slash.js", "/markdown.js", "/style.css", "/icon.svg", "/icon-192.png", "/icon-512.png",
                "/manifest.webmanifest"));
        assertThat(cached).contains("/app.js", "/manifest.webmanifest");
    }

    List<String> notes() {
        return browser.findElements(By.cssSelector("#messages .msg.note")).stream().map(WebElement::getText).toList();
    }

    @Test
    void chatWithStreamingApprovalsCancelSessionsAndReload() throws Exception {
        fake.models("test-model", "other-model");
        logIn();

        // a streamed answer
        fake.enqueue(FakeReply.text("Here is **bold** text and a list:\n\n- one\n- two"));
        send("hello");
        WebElement first = awaitAnswer(1);
        assertThat(first.findElement(By.tagName("strong")).getText()).isEqualTo("bold");
        assertThat(first.findElements(By.tagName("li"))).hasSize(2);
        assertThat(Integer.parseInt(first.getDomAttribute("data-deltas"))).as("streamed in several pieces").isGreaterThan(1);
        screenshot("02-streamed-answer");

        // the model picker lists the provider's models and switches live
        WebElement picker = browser.findElement(By.id("model-select"));
        wait.until(driver -> new Select(picker).getOptions().stream().anyMatch(o -> o.getText().startsWith("other-model")));
        new Select(picker).getOptions().stream().filter(o -> o.getText().startsWith("other-model")).findFirst().orElseThrow().click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toasts"), "other-model"));
        screenshot("02b-model-switched");
        fake.enqueue(FakeReply.text("Answered by the other model."));
        send("which model?");
        assertThat(awaitAnswer(2).getText()).isEqualTo("Answered by the other model.");
        assertThat(fake.lastRequest().json().path("model").asText()).isEqualTo("other-model");

        // a tool call, approved inline
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"echo approved-$((20+22))\"}"),
                FakeReply.text("The command printed approved-42."));
        send("run something");
        WebElement allow = wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".approval button[data-decision=approve]")));
        assertThat(browser.findElement(By.cssSelector(".approval pre")).getText()).contains("echo approved-");
        screenshot("03-approval");
        allow.click();
        assertThat(awaitAnswer(3).getText()).isEqualTo("The command printed approved-42.");
        assertThat(fake.requests().get(3).body()).contains("approved-42");

        // a tool call, denied
        fake.enqueue(FakeReply.toolCall("system.run", "{\"command\":\"rm -rf /tmp/nothing\"}"),
                FakeReply.text("Understood, I did not run it."));
        send("delete things");
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector(".approval:not(.resolved) button[data-decision=reject]")))
                .click();
        assertThat(awaitAnswer(4).getText()).isEqualTo("Understood, I did not run it.");
        assertThat(fake.requests().get(5).body()).contains("refused");

        // a slow generation, cancelled with Esc
        fake.enqueue(FakeReply.text("too late").delayed(Duration.ofSeconds(30)));
        send("take your time");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("stop")));
        screenshot("04-generating");
        browser.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("stop")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toasts"), "Generation stopped"));
        screenshot("05-cancelled");
        fake.enqueue(FakeReply.text("Back again."));
        send("are you there?");
        assertThat(awaitAnswer(5).getText()).isEqualTo("Back again.");

        // a second session, then back to the first
        browser.findElement(By.id("new-session")).click();
        wait.until(driver -> browser.findElements(By.cssSelector("#messages .msg")).isEmpty());
        fake.enqueue(FakeReply.text("A fresh start."));
        send("new topic");
        awaitAnswer(1);
        wait.until(driver -> browser.findElements(By.cssSelector("#session-list li")).size() == 2);
        screenshot("06-two-sessions");
        browser.findElement(By.cssSelector("#session-list li:not(.active) .open")).click();
        wait.until(driver -> answers().size() == 5);
        assertThat(browser.getCurrentUrl()).contains("/s/");

        // a reload shows the history of the session in the address
        browser.navigate().refresh();
        awaitConnected();
        wait.until(driver -> answers().size() == 5);
        assertThat(answers().get(4).getText()).isEqualTo("Back again.");
        assertThat(browser.findElements(By.cssSelector(".msg.user"))).extracting(WebElement::getText)
                .containsExactly("hello", "which model?", "run something", "delete things", "take your time", "are you there?");
        screenshot("07-after-reload");
    }

    @Test
    void theUiReconnectsByItselfAfterTheServerRestarts() throws Exception {
        logIn();
        fake.enqueue(FakeReply.text("Before the restart."));
        send("one");
        awaitAnswer(1);
        daemon.stop();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("banner")));
        assertThat(browser.findElement(By.id("banner-text")).getText()).contains("Reconnecting");
        screenshot("13-reconnecting");
        // the new server knows nothing of the old session token: the page gets a fresh one by itself
        daemon = WebDaemon.start(home, daemon.port, Map.of());
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(
                ExpectedConditions.attributeToBe(By.id("status"), "data-state", "open"));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("banner")));
        fake.enqueue(FakeReply.text("After the restart."));
        send("two");
        assertThat(awaitAnswer(2).getText()).isEqualTo("After the restart.");
    }

    @Test
    void injectedHtmlInAnAnswerIsShownAsTextAndNeverRuns() throws Exception {
        logIn();
        fake.enqueue(FakeReply.text("<img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=2</script> "
                + "[click](javascript:window.__pwned=3) **still bold**"));
        send("show me html");
        WebElement answer = awaitAnswer(1);
        assertThat(answer.findElements(By.tagName("img"))).isEmpty();
        assertThat(answer.findElements(By.tagName("script"))).isEmpty();
        assertThat(answer.findElements(By.tagName("a"))).isEmpty();
        assertThat(answer.getText()).contains("<img src=x").contains("<script>");
        assertThat(answer.findElement(By.tagName("strong")).getText()).isEqualTo("still bold");
        Object pwned = ((JavascriptExecutor) browser).executeScript("return window.__pwned === undefined");
        assertThat(pwned).isEqualTo(Boolean.TRUE);
        screenshot("08-injection-as-text");
    }

    @Test
    void aProviderKeyIsSavedFromTheProvidersModal() throws Exception {
        logIn();
        browser.findElement(By.id("open-login")).click();
        WebElement connect = wait.until(ExpectedConditions.elementToBeClickable(
                By.cssSelector("#provider-list button[data-provider=together]")));
        // web start runs no WhatsApp channel: the dialog says so and offers nothing to scan
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("whatsapp-state"), "not running with QR pairing"));
        assertThat(browser.findElement(By.id("whatsapp-connect")).isEnabled()).isFalse();
        screenshot("11-providers");
        connect.click();
        WebElement key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("provider-key")));
        key.sendKeys("together-key-from-the-browser");
        browser.findElement(By.id("provider-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("toasts"), "Saved the API key for together"));
        wait.until(driver -> browser.findElement(By.cssSelector("#provider-list button[data-provider=together]"))
                .getText().equals("Change"));
        screenshot("12-provider-connected");
        assertThat(Files.readString(home.resolve("credentials.toml"))).contains("together-key-from-the-browser");
        assertThat(browser.getPageSource()).doesNotContain("together-key-from-the-browser");
    }

    @Test
    void aWrongTokenIsRefusedAndThePhoneLayoutWorks() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.get(daemon.url());
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-token"))).sendKeys("not-the-token");
        browser.findElement(By.id("login-submit")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-error"), "Invalid token"));
        screenshot("09-phone-wrong-token");
        WebElement token = browser.findElement(By.id("login-token"));
        token.sendKeys(TOKEN);
        browser.findElement(By.id("login-submit")).click();
        awaitConnected();
        assertThat(browser.findElement(By.id("sidebar")).getRect().getX() + browser.findElement(By.id("sidebar")).getRect().getWidth())
                .as("the sidebar is a drawer off screen").isLessThanOrEqualTo(0);
        fake.enqueue(FakeReply.text("Small screens work too."));
        send("hi from a phone");
        assertThat(awaitAnswer(1).getText()).isEqualTo("Small screens work too.");
        browser.findElement(By.id("menu")).click();
        wait.until(driver -> browser.findElement(By.id("sidebar")).getRect().getX() >= 0);
        screenshot("10-phone-drawer");
        Object width = ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth");
        assertThat(((Number) width).intValue()).as("no horizontal scrolling").isLessThanOrEqualTo(390);
        assertThat(((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES)).isNotEmpty();
    }
}
