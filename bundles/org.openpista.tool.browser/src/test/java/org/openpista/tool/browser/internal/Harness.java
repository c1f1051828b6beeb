package org.openpista.tool.browser.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;

/** The browser service and all its tools, as DS would make them, on a home folder of the test's. */
final class Harness implements AutoCloseable {

    static final int WIDTH = 1024;
    static final int HEIGHT = 640;

    final Path home;
    final BrowserService service;
    private final Map<String, BrowserTool> tools;

    Harness(Path home, String... allowedHosts) {
        this(home, BrowserSettings.DEFAULT_IDLE_SECS, allowedHosts, new String[0], 8000);
    }

    Harness(Path home, int idleSecs, String[] allowedHosts, String[] blockedHosts, int snapshotChars) {
        this(home, "", idleSecs, allowedHosts, blockedHosts, snapshotChars);
    }

    Harness(Path home, String executable, int idleSecs, String[] allowedHosts, String[] blockedHosts, int snapshotChars) {
        this.home = home;
        LaunchSettings launch = new LaunchSettings(executable, true, home.resolve("browser/profile"),
                home.resolve("browser"), WIDTH, HEIGHT, List.of());
        BrowserSettings settings = new BrowserSettings(home, "", Duration.ofSeconds(idleSecs), Duration.ofSeconds(5),
                snapshotChars, allowedHosts, blockedHosts, launch, System.getenv());
        service = new BrowserService(null, settings);
        List<Function<BrowserService, BrowserTool>> all = List.of(NavigateTool::new, SnapshotTool::new, ClickTool::new,
                TypeTool::new, SelectTool::new, PressTool::new, HoverTool::new, ScreenshotTool::new, BackTool::new,
                TabsTool::new, WaitTool::new);
        tools = all.stream().map(make -> make.apply(service))
                .collect(java.util.stream.Collectors.toMap(tool -> tool.spec().name(), tool -> tool));
    }

    /** @return the profile folder, which every Chromium process of this harness names */
    Path profile() {
        return home.resolve("browser/profile");
    }

    /** @return the workspace */
    Path workspace() {
        return home.resolve("workspace");
    }

    ToolResult call(String tool, String json) {
        return call("s1", tool, json);
    }

    ToolResult call(String session, String tool, String json) {
        ToolContext context = new ToolContext(session, "cli", workspace(), Instant.now().plusSeconds(120),
                Cancellation.none());
        return tools.get(tool).execute(new ToolCall("call-1", tool, json), context);
    }

    /** @return the names of the tools */
    java.util.Set<String> names() {
        return tools.keySet();
    }

    /** @return the spec of a tool */
    org.openpista.api.llm.ToolSpec spec(String tool) {
        return tools.get(tool).spec();
    }

    @Override
    public void close() {
        service.deactivate();
    }
}
