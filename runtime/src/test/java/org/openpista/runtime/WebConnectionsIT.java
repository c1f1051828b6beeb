package org.openpista.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.testkit.FakeOpenAiServer;
import org.openpista.testkit.FakeReply;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the browser UI shows about the daemon beyond the chat, in a real headless Chromium against
 * {@code openpista web start} of the distribution: the MCP servers in the Connections dialog (the
 * reference server {@code server-everything} from npm with its tools, and a server that fails, with
 * its state and the end of its stderr), {@code /usage} after a turn of the fake OpenAI server, and
 * the status panel with every bundle's version and state. One daemon serves all the tests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebConnectionsIT {

    static final String TOKEN = "connections-test-token-0123456789";

    // one home for the class's daemon, created before @BeforeAll and deleted after @AfterAll
    @TempDir
    static Path home;

    FakeOpenAiServer fake;
    WebDaemon daemon;
    ChromeDriver browser;
    WebDriverWait wait;

    @BeforeAll
    void startDaemon() throws Exception {
        String missing = WebDaemon.chromiumMissing();
        if (missing == null && !Files.isRegularFile(McpIT.EVERYTHING)) {
            missing = "the MCP test servers are not installed: cd " + McpIT.NODE_DIR + " && npm ci (.ci/run does it)";
        }
        WebDaemon.assumeNothingMissing(missing);
        fake = new FakeOpenAiServer();
        int port = WebDaemon.freePort();
        Files.writeString(home.resolve("config.toml"), """
                [agent]
                provider = "openai"
                model = "gpt-4o"
                base_url = "%s"
                api_key = "sk-connections-it"

                [channels.web]
                port = %d
                token = "%s"

                [mcp.servers.everything]
                command = "node"
                args = ["%s", "stdio"]

                [mcp.servers.broken]
                command = "node"
                args = ["-e", "console.error('boom: the database at db.invalid is unreachable'); process.exit(3)"]
                """.formatted(fake.baseUrl(), port, TOKEN, McpIT.EVERYTHING));
        daemon = WebDaemon.start(home, port, Map.of());
    }

    @BeforeEach
    void openBrowser() throws Exception {
        browser = WebDaemon.browser(1280, 900);
        wait = new WebDriverWait(browser, Duration.ofSeconds(60));
        browser.get(daemon.url() + "#token=" + TOKEN);
        wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "open"));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterAll
    void stopDaemon() {
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

    /**
     * @return the dialog's entry of a connection as it is shown now ({@code state}, {@code stateText}, {@code detail},
     *     {@code offers}, {@code log}), or {@code null}; read in one go, since the list is redrawn every 2 s
     */
    @SuppressWarnings("unchecked")
    Map<String, Object> entry(String name) {
        return (Map<String, Object>) browser.executeScript("""
                const li = [...document.querySelectorAll('#connection-groups li.connection')]
                    .find((node) => node.dataset.name === arguments[0]);
                if (!li) return null;
                const text = (css) => { const node = li.querySelector(css); return node ? node.textContent : null; };
                return { state: li.dataset.state, group: li.parentElement.dataset.group, stateText: text('.connection-state'),
                    detail: text('.connection-detail'), offers: text('.offers'), log: text('.log-tail') };
                """, name);
    }

    Map<String, Object> awaitEntry(String name, java.util.function.Predicate<Map<String, Object>> shown) {
        return wait.until(driver -> {
            Map<String, Object> entry = entry(name);
            return entry != null && shown.test(entry) ? entry : null;
        });
    }

    @Test
    void theConnectionsDialogShowsTheMcpServersTheirToolsAndWhyOneFailed() throws Exception {
        browser.findElement(By.id("open-login")).click();

        Map<String, Object> everything = awaitEntry("everything", entry -> "connected".equals(entry.get("state")));
        assertThat(everything.get("group")).isEqualTo("MCP servers");
        assertThat(everything.get("stateText")).isEqualTo("connected");
        assertThat((String) everything.get("offers")).contains("mcp.everything.echo", "mcp.everything.get-sum");
        assertThat(everything.get("log")).isNull();

        // the failing server is started again with a growing delay; between the attempts it shows as failed
        Map<String, Object> broken = awaitEntry("broken", entry -> "failed".equals(entry.get("state"))
                && String.valueOf(entry.get("log")).contains("boom"));
        assertThat(broken.get("stateText")).isEqualTo("failed");
        assertThat((String) broken.get("detail")).isNotBlank();
        assertThat((String) broken.get("log")).contains("boom: the database at db.invalid is unreachable");
        assertThat(broken.get("offers")).isNull();
        screenshot("connections-mcp-servers");

        browser.findElement(By.id("providers-close")).click();
        assertThat(browser.findElement(By.id("providers")).isDisplayed()).isFalse();
    }

    @Test
    void usageAfterATurnShowsTheTokensTheModelReported() throws Exception {
        int before = fake.requests().size();
        fake.enqueue(FakeReply.text("Hello from the fake model."));
        WebElement composer = wait.until(ExpectedConditions.elementToBeClickable(By.id("composer")));
        composer.sendKeys("Say hello");
        composer.sendKeys(Keys.ENTER);
        wait.until(driver -> driver.findElements(By.cssSelector(".msg.assistant:not(.streaming)")).stream()
                .anyMatch(node -> node.getText().contains("Hello from the fake model.")));
        assertThat(fake.requests()).hasSize(before + 1);
        long promptTokens = fake.requests().get(before).body().length() / 4;

        composer.sendKeys("/usage");
        composer.sendKeys(Keys.ENTER);
        WebElement note = wait.until(driver -> driver.findElements(By.cssSelector(".msg.note")).stream()
                .filter(node -> node.getText().startsWith("Usage of this session")).findFirst().orElse(null));
        String text = note.getText();
        screenshot("usage-note");
        assertThat(text).contains("Usage of this session: 1 request in 1 turn")
                .contains("tokens in " + String.format(Locale.US, "%,d", promptTokens) + ", out ")
                .contains("cache hit ").contains("cost $")
                .contains("Usage of the last 7 days (all sessions): ");
        assertThat(text).doesNotContain("no price");
    }

    @Test
    void theStatusPanelListsEveryBundleWithItsVersionAndState() throws Exception {
        browser.findElement(By.id("open-status")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#bundle-rows tr[data-name='org.openpista.channel.web']")));
        screenshot("status-panel");

        List<WebElement> rows = browser.findElements(By.cssSelector("#bundle-rows tr"));
        assertThat(rows.size()).isGreaterThan(20);
        WebElement web = browser.findElement(By.cssSelector("#bundle-rows tr[data-name='org.openpista.channel.web']"));
        List<WebElement> cells = web.findElements(By.tagName("td"));
        assertThat(cells.get(2).getText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(cells.get(3).getText()).isEqualTo("active");
        assertThat(browser.findElements(By.cssSelector("#bundle-rows tr[data-name='org.openpista.mcp'][data-state='active']")))
                .hasSize(1);
        assertThat(browser.findElement(By.id("status-summary")).getText()).contains("Bundles").contains("active of")
                .contains("Model").contains("gpt-4o");

        // /status opens the same panel
        browser.findElement(By.id("status-close")).click();
        WebElement composer = browser.findElement(By.id("composer"));
        composer.sendKeys("/status");
        composer.sendKeys(Keys.ENTER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("status-panel")));
    }
}
