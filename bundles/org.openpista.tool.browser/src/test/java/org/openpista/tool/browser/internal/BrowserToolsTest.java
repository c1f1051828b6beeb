package org.openpista.tool.browser.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.chat.Attachment;
import org.openpista.api.tool.ToolResult;

/**
 * The tools on a real Chromium and test pages served by the test on 127.0.0.1, whose scripts report
 * what the browser did to them. One browser for the class, a session (so a tab) per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserToolsTest {

    @TempDir
    static Path home;

    TestSite site;
    Harness browser;

    @BeforeAll
    void start() throws Exception {
        Chromium.require();
        site = new TestSite();
        browser = new Harness(home, "127.0.0.1");
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
            assertThat(Chromium.awaitNoProcessesOf(browser.profile(), Duration.ofSeconds(10))).isEmpty();
        }
        if (site != null) {
            site.close();
        }
    }

    ToolResult ok(String session, String tool, String json) {
        ToolResult result = browser.call(session, tool, json);
        assertThat(result.error()).as(result.content()).isFalse();
        return result;
    }

    String failure(String session, String tool, String json) {
        ToolResult result = browser.call(session, tool, json);
        assertThat(result.error()).as(result.content()).isTrue();
        return result.content();
    }

    ToolResult open(String session, String path) {
        return ok(session, "browser.navigate", "{\"url\": \"" + site.url(path) + "\"}");
    }

    /** @return the ref on the line of the snapshot that starts with the text, for example {@code button "Go"} */
    static String ref(ToolResult result, String line) {
        Matcher matcher = Pattern.compile("- " + Pattern.quote(line) + "[^\\n]*\\[ref=(e\\d+)]").matcher(result.content());
        assertThat(matcher.find()).as("a ref for %s in%n%s", line, result.content()).isTrue();
        return matcher.group(1);
    }

    @Test
    void navigateGivesTitleAndASnapshotWhoseRefsDriveTheForm() throws Exception {
        ToolResult page = open("form", "/form");
        assertThat(page.content()).contains("- Page URL: " + site.url("/form"), "- Page Title: Order form",
                "- heading \"Order\" [level=1]", "- paragraph: Nothing sent yet");

        ok("form", "browser.type", "{\"ref\": \"" + ref(page, "textbox \"Name\"") + "\", \"text\": \"Ada Lovelace\"}");
        ToolResult chosen = ok("form", "browser.select", "{\"ref\": \"" + ref(page, "combobox \"Size\"")
                + "\", \"value\": \"Large\"}");
        assertThat(chosen.content()).contains("Chose \"Large\"").contains("- option \"Large\" [selected]");
        assertThat(site.awaitReport("\"changed\"", "Ada Lovelace")).contains("\"size\":\"l\"");
        ToolResult checked = ok("form", "browser.click", "{\"ref\": \"" + ref(page, "checkbox \"Gift wrap\"") + "\"}");
        assertThat(checked.content()).contains("- checkbox \"Gift wrap\" [checked]");
        ToolResult sent = ok("form", "browser.click", "{\"ref\": \"" + ref(page, "button \"Send order\"") + "\"}");

        assertThat(site.awaitReport("\"clicked\"", "Ada Lovelace")).contains("\"size\":\"l\"", "\"gift\":true");
        assertThat(sent.content()).contains("- paragraph: Sent: clicked [new]")
                .containsPattern("- button \"Thanks Ada Lovelace\" \\[ref=e\\d+] \\[new]")
                .contains("- textbox \"Name\" [ref=" + ref(page, "textbox \"Name\"") + "]: Ada Lovelace");
    }

    @Test
    void typeWithSubmitPressesEnter() throws Exception {
        ToolResult page = open("submit", "/form");
        ok("submit", "browser.type", "{\"ref\": \"" + ref(page, "textbox \"Name\"") + "\", \"text\": \"Grace\","
                + " \"submit\": true}");
        assertThat(site.awaitReport("\"submitted\"", "\"name\":\"Grace\"")).isNotEmpty();
    }

    @Test
    void selectorsAndVisibleTextStandInForRefs() throws Exception {
        open("fallbacks", "/form");
        ok("fallbacks", "browser.click", "{\"selector\": \"#gift\"}");
        ok("fallbacks", "browser.type", "{\"element\": \"name\", \"text\": \"Hedy\"}");
        ok("fallbacks", "browser.select", "{\"element\": \"Size\", \"value\": \"s\"}");
        ToolResult clicked = ok("fallbacks", "browser.click", "{\"text\": \"Send order\"}");
        assertThat(clicked.content()).startsWith("Clicked button \"Send order\" [ref=");
        assertThat(site.awaitReport("\"Hedy\"", "\"clicked\"")).contains("\"size\":\"s\"", "\"gift\":true");
        assertThat(failure("fallbacks", "browser.click", "{\"selector\": \"#nothing-like-this\"}"))
                .startsWith("no_such_element: no element matches the selector");
        assertThat(failure("fallbacks", "browser.click", "{\"selector\": \"#[\"}")).startsWith("invalid_arguments:");
        assertThat(failure("fallbacks", "browser.click", "{}")).startsWith("invalid_arguments: say which element");
    }

    @Test
    void refsOfAnEarlierPageAreStaleUnlessTheElementIsUnambiguous() {
        ToolResult form = open("stale", "/form");
        String send = ref(form, "button \"Send order\"");
        ok("stale", "browser.click", "{\"ref\": \"" + ref(form, "link \"Next page\"") + "\"}");
        assertThat(failure("stale", "browser.click", "{\"ref\": \"" + send + "\"}"))
                .isEqualTo("stale_ref: button \"Send order\" [ref=" + send + "] is from an earlier page or was"
                        + " removed; take a new snapshot (browser.snapshot)");
        assertThat(failure("stale", "browser.click", "{\"ref\": \"e999\"}")).startsWith("no_such_ref: there is no ref"
                + " e999");
        ok("stale", "browser.back", "{}");
        ToolResult again = ok("stale", "browser.click", "{\"ref\": \"" + send + "\"}");
        assertThat(again.content()).contains(send + " was from an earlier state of the page; used the only button"
                + " \"Send order\"");
    }

    @Test
    void anElementCoveredByAnotherIsNotClickedBlindly() throws Exception {
        open("covered", "/covered");
        assertThat(failure("covered", "browser.click", "{\"text\": \"Hidden button\"}"))
                .startsWith("not_interactable: button \"Hidden button\"").contains("<div id=\"cookie-banner\">");
        ok("covered", "browser.click", "{\"text\": \"Accept\"}");
        ok("covered", "browser.click", "{\"text\": \"Hidden button\"}");
        assertThat(site.awaitReport("covered")).isEqualTo("covered");
    }

    @Test
    void dialogsAreReportedAndAnsweredNotHungOn() throws Exception {
        open("dialog", "/dialog");
        ToolResult asked = ok("dialog", "browser.click", "{\"text\": \"Delete\"}");
        assertThat(asked.content()).contains("- Dialog: the page shows confirm(\"Delete everything?\")")
                .contains("browser.press {\"key\": \"Enter\"} accepts it");
        assertThat(failure("dialog", "browser.click", "{\"text\": \"Ask\"}")).startsWith("dialog_open: the page shows"
                + " confirm(\"Delete everything?\")");
        assertThat(ok("dialog", "browser.press", "{\"key\": \"Enter\"}").content())
                .startsWith("Accepted confirm(\"Delete everything?\").");
        assertThat(site.awaitReport("\"confirm\"")).contains("\"ok\":true");

        ok("dialog", "browser.click", "{\"text\": \"Ask\"}");
        ok("dialog", "browser.type", "{\"text\": \"Ada\"}");
        assertThat(site.awaitReport("\"prompt\"")).contains("\"name\":\"Ada\"");
        assertThat(open("dialog", "/next").content()).as("\"leave site?\" is answered by the navigation")
                .contains("- Page Title: Next");
    }

    @Test
    void aLinkOpeningANewTabMakesItTheCurrentTab() {
        ToolResult opener = open("popup", "/popup");
        ToolResult opened = ok("popup", "browser.click", "{\"ref\": \"" + ref(opener, "link \"Open next\"") + "\"}");
        assertThat(opened.content()).contains("The page opened a new tab, which is now the current one (tab 2)")
                .contains("- Page Title: Next").contains("- Tabs: 2 open, this is tab 2");
        assertThat(ok("popup", "browser.tabs", "{}").content()).contains("1. Opener — " + site.url("/popup"))
                .contains("2. Next — " + site.url("/next") + " (current)");
        assertThat(ok("popup", "browser.tabs", "{\"action\": \"select\", \"index\": 1}").content())
                .contains("- Page Title: Opener");
        assertThat(ok("popup", "browser.tabs", "{\"action\": \"close\", \"index\": 2}").content())
                .contains("1. Opener").doesNotContain("2. Next");
    }

    @Test
    void sessionsHaveTabsOfTheirOwn() {
        open("alice", "/form");
        open("bob", "/next");
        assertThat(ok("alice", "browser.snapshot", "{}").content()).contains("- Page Title: Order form");
        assertThat(ok("bob", "browser.tabs", "{}").content()).contains("1. Next").doesNotContain("Order form");
    }

    @Test
    void waitSeesTextThatAppearsLaterAndSaysWhenItDoesNot() {
        site.page("/later", "<!doctype html><title>Later</title><p>Loading…</p><script>setTimeout(() => {"
                + " const p = document.createElement('p'); p.textContent = 'Results are READY'; document.body.append(p);"
                + " }, 700);</script>");
        open("wait", "/later");
        ToolResult waited = ok("wait", "browser.wait", "{\"text\": \"results are ready\"}");
        assertThat(waited.content()).startsWith("\"results are ready\" appeared after")
                .contains("- paragraph [new]: Results are READY");
        assertThat(failure("wait", "browser.wait", "{\"text\": \"never there\", \"timeout\": 0.3}"))
                .startsWith("timeout: \"never there\" did not appear within 0.3 s");
        ok("wait", "browser.wait", "{\"text\": \"Loading\", \"gone\": false}");
    }

    @Test
    void screenshotsArePngAttachmentsOfTheWindowOrTheWholePage() throws Exception {
        open("shot", "/form");
        ToolResult window = ok("shot", "browser.screenshot", "{\"path\": \"shots/form.png\"}");
        assertThat(window.attachments()).hasSize(1);
        Attachment png = window.attachments().get(0);
        assertThat(png.mimeType()).isEqualTo("image/png");
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.data()));
        assertThat(image.getWidth()).isEqualTo(Harness.WIDTH);
        assertThat(image.getHeight()).isEqualTo(Harness.HEIGHT);
        assertThat(window.content()).contains(Harness.WIDTH + "×" + Harness.HEIGHT + " PNG")
                .contains("Saved as shots/form.png").hasSizeLessThan(400);
        assertThat(Files.readAllBytes(browser.workspace().resolve("shots/form.png"))).isEqualTo(png.data());

        open("shot", "/big");
        ToolResult whole = ok("shot", "browser.screenshot", "{\"full_page\": true, \"labels\": true}");
        BufferedImage tall = ImageIO.read(new ByteArrayInputStream(whole.attachments().get(0).data()));
        assertThat(tall.getWidth()).isEqualTo(Harness.WIDTH);
        assertThat(tall.getHeight()).isGreaterThan(Harness.HEIGHT * 10);
        assertThat(whole.content()).containsPattern("\\d+ refs drawn");
        assertThat(failure("shot", "browser.screenshot", "{\"path\": \"../outside.png\"}"))
                .startsWith("invalid_arguments: \"path\" must be a file inside the workspace");
    }

    @Test
    void downloadsLandInTheWorkspace() throws Exception {
        site.page("/files", "<!doctype html><title>Files</title><a href=\"/download\">Get the table</a>");
        open("download", "/files");
        ToolResult clicked = ok("download", "browser.click", "{\"text\": \"Get the table\"}");
        Path file = browser.workspace().resolve("downloads/table.csv");
        Instant until = Instant.now().plusSeconds(10);
        while (!Files.exists(file) && Instant.now().isBefore(until)) {
            Thread.sleep(50);
        }
        assertThat(file).hasContent("a,b\n1,2");
        assertThat(clicked.content() + ok("download", "browser.snapshot", "{}").content())
                .contains("Downloaded table.csv (0 KB) into " + browser.workspace().resolve("downloads"));
    }

    @Test
    void theUrlPolicyHoldsForCallsAndForWhatPagesLoad() throws Exception {
        assertThat(failure("policy", "browser.navigate", "{\"url\": \"http://169.254.169.254/latest/meta-data/\"}"))
                .isEqualTo("blocked_url: 169.254.169.254 is a cloud metadata address; refused unless [tools.browser]"
                        + " allowed_hosts names it (protection against requests into your network)");
        assertThat(failure("policy", "browser.navigate", "{\"url\": \"http://10.1.2.3/admin\"}"))
                .contains("private network address");
        assertThat(failure("policy", "browser.navigate", "{\"url\": \"file:///etc/passwd\"}"))
                .startsWith("blocked_url: file: URLs are refused");
        assertThat(failure("policy", "browser.navigate", "{\"url\": \"chrome://settings\"}"))
                .startsWith("blocked_url: chrome: URLs are refused");
        assertThat(failure("policy", "browser.navigate", "{\"url\": \"" + site.url("/redirect?to=http%3A%2F%2F169.254"
                + ".169.254%2Flatest%2Fmeta-data%2F") + "\"}"))
                .isEqualTo("blocked_url: the page led to http://169.254.169.254/latest/meta-data/: 169.254.169.254 is a"
                        + " cloud metadata address; refused unless [tools.browser] allowed_hosts names it (protection"
                        + " against requests into your network)");
        site.page("/sneaky", "<!doctype html><title>Sneaky</title><script>fetch('http://192.168.0.1/router')"
                + ".catch(() => fetch('/report', {method: 'POST', body: 'fetch refused'}));</script>");
        ToolResult sneaky = open("policy", "/sneaky");
        assertThat(site.awaitReport("fetch refused")).isEqualTo("fetch refused");
        assertThat(sneaky.content() + ok("policy", "browser.snapshot", "{}").content())
                .contains("Blocked a request of the page: http://192.168.0.1/router");
    }

    @Test
    void aBigPageIsCutIntoPagesWithinTheBudget() {
        ToolResult first = open("big", "/big");
        Matcher pages = Pattern.compile("Page Snapshot \\(page 1 of (\\d+), (\\d+) characters in all").matcher(
                first.content());
        assertThat(pages.find()).as(first.content()).isTrue();
        int count = Integer.parseInt(pages.group(1));
        assertThat(count).isGreaterThan(5);
        assertThat(snapshotOf(first).length()).isLessThanOrEqualTo(8000);
        ToolResult last = ok("big", "browser.snapshot", "{\"page\": " + count + "}");
        assertThat(snapshotOf(last)).contains("The end of the catalogue").hasSizeLessThanOrEqualTo(8000);
        assertThat(last.content()).contains("(page " + count + " of " + count);
    }

    @Test
    void aPageThatDoesNotLoadInTimeIsANavigationTimeout() {
        assertThat(failure("slow", "browser.navigate", "{\"url\": \"" + site.url("/slow") + "\"}"))
                .startsWith("navigation_timeout: " + site.url("/slow")).contains("within 5 s");
        assertThat(failure("slow", "browser.back", "{}")).isEqualTo("navigation_failed: there is no earlier page in"
                + " this tab");
    }

    private static String snapshotOf(ToolResult result) {
        String text = result.content();
        int start = text.indexOf("```yaml\n");
        return text.substring(start + 8, text.indexOf("```", start + 8));
    }
}
