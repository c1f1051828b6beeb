package org.openpista.tool.browser.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.tool.ToolResult;

/**
 * When Chromium runs and when it does not: started by the first call only, closed when idle and on
 * shutdown, replaced after a crash, and never a process left behind.
 */
class BrowserLifecycleTest {

    @TempDir
    Path home;

    TestSite site;

    @BeforeEach
    void start() throws Exception {
        Chromium.require();
        site = new TestSite();
    }

    @AfterEach
    void stop() {
        site.close();
    }

    String navigate(Harness browser, String session) {
        ToolResult result = browser.call(session, "browser.navigate", "{\"url\": \"" + site.url("/form") + "\"}");
        assertThat(result.error()).as(result.content()).isFalse();
        return result.content();
    }

    @Test
    void theBrowserStartsWithTheFirstCallAndEndsWithTheService() throws Exception {
        try (Harness browser = new Harness(home, "127.0.0.1")) {
            assertThat(browser.names()).hasSize(11);
            assertThat(Chromium.processesOf(browser.profile())).as("tools that were not called cost nothing").isEmpty();
            navigate(browser, "s1");
            assertThat(Chromium.processesOf(browser.profile())).as("the browser and its helpers").hasSizeGreaterThan(1);
            browser.service.deactivate();
            assertThat(Chromium.awaitNoProcessesOf(browser.profile(), Duration.ofSeconds(10))).isEmpty();
            assertThat(browser.call("s1", "browser.snapshot", "{}").content())
                    .isEqualTo("unavailable: the browser tools are shutting down");
        }
    }

    @Test
    void aCrashIsReportedAndTheNextCallGetsAFreshBrowser() throws Exception {
        try (Harness browser = new Harness(home, "127.0.0.1")) {
            navigate(browser, "s1");
            // handles, not pids: a handle knows its start time, so a pid the new browser reuses is not it
            List<ProcessHandle> first = Chromium.processesOf(browser.profile()).stream().map(ProcessHandle::of)
                    .flatMap(Optional::stream).toList();
            ProcessHandle main = ProcessHandle.of(browser.service.browser().process().pid()).orElseThrow();
            main.destroyForcibly();
            main.onExit().get();

            ToolResult during = browser.call("s1", "browser.snapshot", "{}");
            // the call either still met the dying connection or already a new browser that says what happened
            if (during.error()) {
                assertThat(during.content()).startsWith("crashed: the browser crashed (Chromium ended: killed by signal 9)")
                        .endsWith("it is started again on the next call");
                during = browser.call("s1", "browser.snapshot", "{}");
            }
            assertThat(during.error()).as(during.content()).isFalse();
            assertThat(during.content()).contains("The browser had crashed (Chromium ended: killed by signal 9) and was"
                    + " started again: this is a new tab").contains("- Page URL: about:blank");
            assertThat(navigate(browser, "s1")).contains("Order form");
            // killed, they end a moment later
            assertThat(Chromium.awaitEnd(first, Duration.ofSeconds(10))).as("processes of the crashed browser")
                    .isEmpty();
        }
    }

    @Test
    void anIdleBrowserClosesAndComesBackWhenCalled() throws Exception {
        try (Harness browser = new Harness(home, 1, new String[] {"127.0.0.1"}, new String[0], 8000)) {
            navigate(browser, "s1");
            assertThat(Chromium.processesOf(browser.profile())).isNotEmpty();
            assertThat(Chromium.awaitNoProcessesOf(browser.profile(), Duration.ofSeconds(15))).isEmpty();
            ToolResult again = browser.call("s1", "browser.snapshot", "{}");
            assertThat(again.content()).contains("The browser had been closed after 1 s without calls; this is a new"
                    + " tab");
        }
    }

    @Test
    void aMissingChromiumSaysHowToInstallIt() {
        try (Harness browser = new Harness(home, "/nonexistent/chromium", 60, new String[] {"127.0.0.1"}, new String[0],
                8000)) {
            ToolResult result = browser.call("s1", "browser.navigate", "{\"url\": \"" + site.url("/form") + "\"}");
            assertThat(result.error()).isTrue();
            assertThat(result.content()).startsWith("chromium_missing: [tools.browser] executable \"/nonexistent/chromium\""
                    + " was not found or is not executable; install it with `sudo apt-get install chromium`");
        }
    }

    @Test
    void aChromiumThatCannotStartSaysWhy() throws Exception {
        Path fake = Files.writeString(home.resolve("fake-chromium"), "#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n");
        fake.toFile().setExecutable(true);
        try (Harness browser = new Harness(home, fake.toString(), 60, new String[] {"127.0.0.1"}, new String[0], 8000)) {
            ToolResult result = browser.call("s1", "browser.snapshot", "{}");
            assertThat(result.content()).startsWith("start_failed: Chromium (" + fake + ") did not start: exit status 3;"
                    + " it said: cannot open display");
        }
    }

    @Test
    void aProfileInUseByAnotherProcessGivesATemporaryOne() throws Exception {
        try (Harness first = new Harness(home, "127.0.0.1"); Harness second = new Harness(home, "127.0.0.1")) {
            navigate(first, "s1");
            assertThat(navigate(second, "s1")).contains("Order form");
            Path temporary;
            try (Stream<Path> folders = Files.list(home.resolve("browser"))) {
                temporary = folders.filter(path -> path.getFileName().toString().startsWith("profile-")).findFirst()
                        .orElseThrow();
            }
            assertThat(Chromium.processesOf(temporary)).isNotEmpty();
            second.service.deactivate();
            assertThat(Chromium.awaitNoProcessesOf(temporary, Duration.ofSeconds(10))).isEmpty();
            assertThat(temporary).doesNotExist();
            assertThat(Chromium.processesOf(first.profile())).as("the first browser runs on").isNotEmpty();
        }
    }
}
