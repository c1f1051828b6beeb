package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.openpista.tool.browser.internal.cdp.CdpConnection;
import org.openpista.tool.browser.internal.cdp.CdpException;
import org.openpista.tool.browser.internal.cdp.CdpSession;
import org.openpista.tool.browser.internal.cdp.WebSocketTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connected browser: a Chromium this bundle started, or one it attached to ({@code cdp_url}).
 * It guards the browser's requests with the URL policy, follows its targets (pages a tab opens,
 * pages that close), sends downloads into the workspace and reports them to the tab they came from.
 */
final class Browser {

    /** How the notes about refused page loads start. */
    static final String BLOCKED_NAVIGATION = "Blocked a navigation to ";

    private static final Logger LOG = LoggerFactory.getLogger(Browser.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final CdpConnection connection;
    private final ChromiumProcess process;
    private final RequestGuard guard;
    private final Map<String, Tab> tabs = new ConcurrentHashMap<>();
    private final Map<String, String> downloads = new ConcurrentHashMap<>();
    private final int[] viewport;
    private volatile Path downloadDir;
    private volatile boolean closing;
    private final AtomicBoolean retired = new AtomicBoolean();

    private Browser(CdpConnection connection, ChromiumProcess process, UrlPolicy policy, ExecutorService pool,
            int[] viewport) {
        this.connection = connection;
        this.viewport = viewport == null ? null : viewport.clone();
        this.process = process;
        this.guard = new RequestGuard(policy, pool, this::blocked);
    }

    /** Starts Chromium and makes it ready for the tools. */
    static Browser launch(ChromiumLauncher launcher, UrlPolicy policy, ExecutorService pool) {
        ChromiumProcess process = launcher.launch();
        LaunchSettings settings = launcher.settings();
        Browser browser = new Browser(process.connection(), process, policy, pool,
                settings.headless() ? new int[] {settings.width(), settings.height()} : null);
        try {
            browser.setUp();
        } catch (RuntimeException e) {
            process.stop(Duration.ZERO);
            throw e;
        }
        return browser;
    }

    /**
     * Attaches to a running Chrome: {@code ws://…/devtools/browser/…}, or its {@code http://host:port}
     * whose {@code /json/version} names the socket.
     */
    static Browser attach(String cdpUrl, UrlPolicy policy, ExecutorService pool) {
        URI socket;
        try {
            socket = webSocketUrl(cdpUrl.strip());
        } catch (IOException | IllegalArgumentException e) {
            throw new BrowserException(BrowserException.Kind.START_FAILED, "cannot reach the browser at [tools.browser]"
                    + " cdp_url " + cdpUrl + ": " + e.getMessage());
        }
        CdpConnection connection;
        try {
            connection = CdpConnection.open(receiver -> WebSocketTransport.connect(socket, receiver, CONNECT_TIMEOUT));
        } catch (IOException e) {
            throw new BrowserException(BrowserException.Kind.START_FAILED, e.getMessage());
        }
        Browser browser = new Browser(connection, null, policy, pool, null);
        browser.setUp();
        return browser;
    }

    private static URI webSocketUrl(String cdpUrl) throws IOException {
        URI uri = URI.create(cdpUrl);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (scheme.equals("ws") || scheme.equals("wss")) {
            return uri;
        }
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("use ws://host:port/devtools/browser/… or http://host:port");
        }
        HttpRequest request = HttpRequest.newBuilder(uri.resolve("/json/version")).timeout(CONNECT_TIMEOUT).build();
        try {
            HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            String url = new ObjectMapper().readTree(response.body()).path("webSocketDebuggerUrl").asText("");
            if (response.statusCode() != 200 || url.isEmpty()) {
                throw new IOException("/json/version answered " + response.statusCode() + " without a webSocketDebuggerUrl");
            }
            return URI.create(url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void setUp() {
        CdpSession root = connection.browser();
        root.on("Target.targetCreated", this::targetCreated);
        root.on("Target.targetDestroyed", e -> {
            Tab tab = tabs.remove(e.path("targetId").asText());
            if (tab != null) {
                tab.markClosed();
                connection.forget(tab.page().id());
            }
        });
        root.on("Target.targetCrashed", e -> {
            Tab tab = tabs.get(e.path("targetId").asText());
            if (tab != null) {
                tab.note("The page crashed (" + e.path("status").asText() + ").");
            }
        });
        root.on("Browser.downloadWillBegin", this::downloadStarted);
        root.on("Browser.downloadProgress", this::downloadProgressed);
        root.call("Target.setDiscoverTargets", root.params().put("discover", true));
        if (process != null) {
            // a browser of our own is guarded as a whole: every page, frame and worker
            guard.guard(root);
        }
    }

    /** @return whether the browser is connected */
    boolean isConnected() {
        return !connection.isClosed();
    }

    /**
     * @return whether the browser ended without {@link #close()}, crashed or killed: its connection
     *     closed, or its process is gone before the connection's end was seen (a call that meets the
     *     dying connection may fail before the socket's close is delivered)
     */
    boolean crashed() {
        return !closing && (connection.isClosed() || processEnded());
    }

    /** @return whether the browser's own process ended (never for a browser attached to) */
    boolean processEnded() {
        return process != null && !process.isAlive();
    }

    /**
     * @return true the first time only: the service lets go of a browser once, whether its
     *     connection's end or the next call that finds its process gone comes first
     */
    boolean retire() {
        return retired.compareAndSet(false, true);
    }

    /** @return how the browser process ended, or why the connection closed */
    String ending() {
        if (process != null) {
            process.waitFor(Duration.ofSeconds(1));
            return process.ending().map(e -> "Chromium ended: " + e).orElse(connection.closedReason().getNow("closed"));
        }
        return connection.closedReason().getNow("closed");
    }

    /** @return the browser's process, {@code null} when attached */
    ChromiumProcess process() {
        return process;
    }

    /** @return the guard that knows why requests were refused */
    RequestGuard guard() {
        return guard;
    }

    /** Runs the callback once, when the connection to the browser ends. */
    void onDisconnect(Runnable callback) {
        connection.onClose(reason -> callback.run());
    }

    /** Opens a new, empty tab. */
    Tab newTab() {
        CdpSession root = connection.browser();
        String targetId = root.call("Target.createTarget", root.params().put("url", "about:blank"))
                .path("targetId").asText();
        return adopt(targetId);
    }

    /** Attaches to a page the browser has (a tab a page opened) and makes it a tab of the tools. */
    Tab adopt(String targetId) {
        CdpSession root = connection.browser();
        String sessionId = root.call("Target.attachToTarget", root.params().put("targetId", targetId)
                .put("flatten", true)).path("sessionId").asText();
        Tab tab = new Tab(targetId, connection.session(sessionId));
        tabs.put(targetId, tab);
        tab.setUp(viewport);
        if (process == null) {
            guard.guard(tab.page());
        }
        return tab;
    }

    /** Closes a tab; harmless when it is gone already. */
    void closeTab(Tab tab) {
        tabs.remove(tab.targetId());
        tab.markClosed();
        if (!connection.isClosed()) {
            CdpSession root = connection.browser();
            root.send("Target.closeTarget", root.params().put("targetId", tab.targetId()));
        }
        connection.forget(tab.page().id());
    }

    /** Sends downloads into the folder (created when missing). */
    void downloadInto(Path folder) {
        if (folder.equals(downloadDir)) {
            return;
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new BrowserException(BrowserException.Kind.BROWSER_ERROR, "cannot create the download folder "
                    + folder + ": " + e.getMessage());
        }
        CdpSession root = connection.browser();
        root.call("Browser.setDownloadBehavior", root.params().put("behavior", "allow")
                .put("downloadPath", folder.toString()).put("eventsEnabled", true));
        downloadDir = folder;
    }

    /**
     * Ends the browser: a started one is closed and its processes are gone when this returns; from
     * an attached one only the tabs of the tools are closed.
     */
    void close() {
        closing = true;
        if (process == null) {
            for (Tab tab : tabs.values()) {
                closeTab(tab);
            }
            connection.close();
            return;
        }
        try {
            connection.browser().call("Browser.close", null, Duration.ofSeconds(3));
        } catch (CdpException e) {
            // gone already, or stuck: the process is stopped below either way
        }
        process.stop(Duration.ofSeconds(5));
        LOG.info("Chromium (pid {}) closed", process.pid());
    }

    private void targetCreated(JsonNode event) {
        JsonNode info = event.path("targetInfo");
        Tab opener = tabs.get(info.path("openerId").asText(""));
        if (opener != null && "page".equals(info.path("type").asText())) {
            opener.popupOpened(info.path("targetId").asText());
        }
    }

    private void blocked(String frameId, String resourceType, String url, String reason) {
        Tab tab = tabs.get(frameId);
        if (tab != null && !"Document".equals(resourceType)) {
            tab.note("Blocked a request of the page: " + SnapshotRenderer.clip(url, 120) + " (" + reason + ").");
        } else if (tab != null) {
            tab.note(BLOCKED_NAVIGATION + SnapshotRenderer.clip(url, 120) + " (" + reason + ").");
        }
    }

    private void downloadStarted(JsonNode event) {
        String name = event.path("suggestedFilename").asText("download");
        downloads.put(event.path("guid").asText(), event.path("frameId").asText() + "\n" + name);
    }

    private void downloadProgressed(JsonNode event) {
        String state = event.path("state").asText();
        if (!state.equals("completed") && !state.equals("canceled")) {
            return;
        }
        String started = downloads.remove(event.path("guid").asText());
        if (started == null) {
            return;
        }
        String[] parts = started.split("\n", 2);
        Tab tab = tabs.get(parts[0]);
        if (tab != null) {
            tab.note(state.equals("completed")
                    ? "Downloaded " + parts[1] + " (" + event.path("totalBytes").asLong() / 1024 + " KB) into "
                            + downloadDir + "."
                    : "The download of " + parts[1] + " was cancelled.");
        }
    }
}
