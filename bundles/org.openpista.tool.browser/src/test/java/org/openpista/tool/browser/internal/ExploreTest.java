package org.openpista.tool.browser.internal;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openpista.api.tool.ToolResult;

class ExploreTest {
    @TempDir
    Path home;

    @Test
    void explore() throws Exception {
        Chromium.require();
        try (TestSite site = new TestSite(); Harness h = new Harness(home, "127.0.0.1")) {
            print(h.call("browser.navigate", "{\"url\":\"" + site.url("/form") + "\"}"));
            print(h.call("browser.type", "{\"element\":\"Name\",\"text\":\"Ada\"}"));
            print(h.call("browser.select", "{\"ref\":\"e2\",\"value\":\"Large\"}"));
            print(h.call("browser.click", "{\"text\":\"Send order\"}"));
            System.out.println(site.reports());
            print(h.call("browser.navigate", "{\"url\":\"http://169.254.169.254/latest\"}"));
            print(h.call("browser.navigate", "{\"url\":\"" + site.url("/redirect?to=http%3A%2F%2F10.1.2.3%2F") + "\"}"));
            print(h.call("browser.navigate", "{\"url\":\"" + site.url("/big") + "\"}"));
            print(h.call("browser.snapshot", "{\"page\":3}"));
            print(h.call("browser.screenshot", "{\"labels\":true}"));
        }
    }

    static void print(ToolResult r) {
        System.out.println("=== error=" + r.error() + " attachments=" + r.attachments());
        System.out.println(r.content().length() > 3000 ? r.content().substring(0, 3000) + "..." : r.content());
    }
}
