package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.openpista.tool.browser.internal.cdp.CdpException;
import org.openpista.tool.browser.internal.cdp.CdpSession;

/**
 * One page of the browser, attached over its own protocol session: what it shows, whether it is
 * loading, the dialog that blocks it, and what happened since the last result (downloads, blocked
 * requests, new tabs), which the next result reports.
 */
final class Tab {

    /** A JavaScript dialog that blocks the page until it is answered. */
    record Dialog(String type, String message, String defaultPrompt) {
        String describe() {
            return type + "(\"" + SnapshotRenderer.clip(SnapshotRenderer.squash(message), 200) + "\")";
        }
    }

    /** Where the page is: its address, title and the HTTP status of its document. */
    record Location(String url, String title, int status) {}

    private static final Duration QUIET = Duration.ofMillis(100);
    /** Requests running longer than this (long polls, event streams) do not count against "quiet". */
    private static final Duration LONG_REQUEST = Duration.ofSeconds(1);
    /** How long to wait after an action for the page to calm down when nothing loads. */
    private static final Duration SETTLE_CAP = Duration.ofSeconds(2);
    /** How soon after an action a navigation it caused has started. */
    private static final Duration NAVIGATION_START = Duration.ofMillis(120);

    private final String targetId;
    private final CdpSession page;
    private final RefTable refs = new RefTable();
    private final ReentrantLock lock = new ReentrantLock();
    private final Queue<String> notes = new ConcurrentLinkedQueue<>();
    private final Map<String, Instant> requests = new ConcurrentHashMap<>();
    private final Map<String, Integer> documentStatus = new ConcurrentHashMap<>();
    private final Queue<String> popups = new ConcurrentLinkedQueue<>();

    private volatile Dialog dialog;
    private volatile boolean loading;
    private volatile String loaderId = "";
    private volatile String loadedLoaderId = "";
    private volatile Instant lastNetwork = Instant.EPOCH;
    private volatile boolean crashed;
    private volatile boolean closed;

    Tab(String targetId, CdpSession page) {
        this.targetId = targetId;
        this.page = page;
    }

    /**
     * Enables the events the tab follows; called once, before the tab is used.
     *
     * @param viewport the viewport size to emulate (width, height), {@code null} to keep the window's
     */
    void setUp(int[] viewport) {
        listen();
        page.call("Page.enable");
        page.call("Page.setLifecycleEventsEnabled", page.params().put("enabled", true));
        page.call("Network.enable", page.params().put("maxTotalBufferSize", 0).put("maxResourceBufferSize", 0));
        page.call("Inspector.enable");
        page.call("Page.setInterceptFileChooserDialog", page.params().put("enabled", true));
        if (viewport != null) {
            // a headless window's viewport is smaller than the window by an invisible frame; this makes it exact
            page.call("Emulation.setDeviceMetricsOverride", page.params().put("width", viewport[0])
                    .put("height", viewport[1]).put("deviceScaleFactor", 1).put("mobile", false));
        }
    }

    private void listen() {
        page.on("Page.frameStartedLoading", e -> {
            if (isMain(e)) {
                loading = true;
            }
        });
        page.on("Page.frameStoppedLoading", e -> {
            if (isMain(e)) {
                loading = false;
            }
        });
        page.on("Page.frameNavigated", e -> {
            JsonNode frame = e.path("frame");
            if (!frame.has("parentId")) {
                String loader = frame.path("loaderId").asText();
                if (!loader.equals(loaderId)) {
                    loaderId = loader;
                    refs.newDocument();
                }
            }
        });
        page.on("Page.lifecycleEvent", e -> {
            if (isMain(e) && "load".equals(e.path("name").asText())) {
                loadedLoaderId = e.path("loaderId").asText();
            }
        });
        page.on("Page.javascriptDialogOpening", e -> dialog = new Dialog(e.path("type").asText(),
                e.path("message").asText(), e.path("defaultPrompt").asText()));
        page.on("Page.javascriptDialogClosed", e -> dialog = null);
        page.on("Page.fileChooserOpened", e -> notes.add("The page opened a file chooser (" + e.path("mode").asText()
                + "); nothing was chosen. To upload a file of the workspace, use browser.type on the file input"
                + " with the file's path as text."));
        page.on("Inspector.targetCrashed", e -> crashed = true);
        page.on("Network.requestWillBeSent", e -> {
            requests.put(e.path("requestId").asText(), Instant.now());
            lastNetwork = Instant.now();
        });
        page.on("Network.loadingFinished", e -> finished(e));
        page.on("Network.loadingFailed", e -> finished(e));
        page.on("Network.responseReceived", e -> {
            if ("Document".equals(e.path("type").asText()) && targetId.equals(e.path("frameId").asText())) {
                documentStatus.put(e.path("loaderId").asText(), e.path("response").path("status").asInt());
            }
        });
    }

    private void finished(JsonNode event) {
        requests.remove(event.path("requestId").asText());
        lastNetwork = Instant.now();
    }

    private boolean isMain(JsonNode event) {
        return targetId.equals(event.path("frameId").asText());
    }

    String targetId() {
        return targetId;
    }

    CdpSession page() {
        return page;
    }

    RefTable refs() {
        return refs;
    }

    ReentrantLock lock() {
        return lock;
    }

    Dialog dialog() {
        return dialog;
    }

    boolean crashed() {
        return crashed;
    }

    boolean closed() {
        return closed;
    }

    /** The page closed itself, or the browser closed it. */
    void markClosed() {
        closed = true;
    }

    /** Remembers something to report with the next result. */
    void note(String text) {
        if (notes.size() < 20) {
            notes.add(text);
        }
    }

    /** Forgets the notes that start with the text (the result says it in another way). */
    void dropNotes(String prefix) {
        notes.removeIf(note -> note.startsWith(prefix));
    }

    /** A page of this tab opened another tab; the service adopts it. */
    void popupOpened(String popupTargetId) {
        popups.add(popupTargetId);
    }

    /** @return the tabs this one opened since the last call, in order */
    List<String> takePopups() {
        List<String> taken = new ArrayList<>();
        for (String id; (id = popups.poll()) != null; ) {
            taken.add(id);
        }
        return taken;
    }

    /** @return what happened since the last result, oldest first, and forgets it */
    List<String> takeNotes() {
        List<String> taken = new ArrayList<>();
        for (String note; (note = notes.poll()) != null; ) {
            taken.add(note);
        }
        return taken;
    }

    /** @throws BrowserException {@code dialog_open} while a dialog blocks the page */
    void requireNoDialog() {
        Dialog open = dialog;
        if (open != null) {
            throw new BrowserException(BrowserException.Kind.DIALOG_OPEN, "the page shows " + open.describe()
                    + " and is blocked until it is answered: browser.press {\"key\": \"Enter\"} accepts it,"
                    + " {\"key\": \"Escape\"} dismisses it" + (open.type().equals("prompt")
                            ? ", browser.type {\"text\": \"…\"} answers the prompt" : ""));
        }
    }

    /** Answers the open dialog. */
    void answerDialog(boolean accept, String promptText) {
        ObjectNode params = page.params().put("accept", accept);
        if (promptText != null) {
            params.put("promptText", promptText);
        }
        page.call("Page.handleJavaScriptDialog", params);
        dialog = null;
    }

    /**
     * Opens a URL and waits for its load event.
     *
     * @param guard tells why a refused URL was refused
     * @throws BrowserException {@code navigation_failed} or {@code navigation_timeout}
     */
    void navigate(URI url, CallBudget budget, Duration timeout, RequestGuard guard) {
        if (dialog != null) {
            answerDialog(false, null);
        }
        Instant until = budget.until(timeout);
        CompletableFuture<JsonNode> answer = page.send("Page.navigate", page.params().put("url", url.toString()));
        JsonNode result;
        while (true) {
            try {
                result = awaitUnlessDialog(answer, "Page.navigate", budget, until);
            } catch (CdpException e) {
                if (e.kind() == CdpException.Kind.TIMEOUT) {
                    throw new BrowserException(BrowserException.Kind.NAVIGATION_TIMEOUT, url + " did not answer within "
                            + timeout.toSeconds() + " s");
                }
                throw e;
            }
            Dialog open = dialog;
            if (result != null || open == null) {
                break;
            }
            // the page asks before it is left ("leave site?"): the call said where to go
            answerDialog(open.type().equals("beforeunload"), null);
        }
        String error = result.path("errorText").asText("");
        if (!error.isEmpty()) {
            String reason = guard == null ? null : guard.reasonFor(url.toString());
            if (reason == null && guard != null && error.contains("BLOCKED_BY_CLIENT")) {
                reason = guard.lastDocumentBlock(targetId);
            }
            dropNotes(Browser.BLOCKED_NAVIGATION);
            throw reason != null
                    ? new BrowserException(BrowserException.Kind.BLOCKED_URL, reason)
                    : new BrowserException(BrowserException.Kind.NAVIGATION_FAILED, url + ": " + error);
        }
        String loader = result.path("loaderId").asText("");
        if (loader.isEmpty() || result.path("isDownload").asBoolean(false)) {
            return; // a jump within the document, or a file the browser downloads (the result will say)
        }
        waitForLoad(loader, until, budget, timeout, url.toString());
        settle(budget, false, timeout);
    }

    /** Goes one step back in the tab's history. */
    void back(CallBudget budget, Duration timeout) {
        requireNoDialog();
        JsonNode history = page.call("Page.getNavigationHistory");
        int current = history.path("currentIndex").asInt();
        if (current <= 0) {
            throw new BrowserException(BrowserException.Kind.NAVIGATION_FAILED, "there is no earlier page in this tab");
        }
        JsonNode entry = history.path("entries").get(current - 1);
        page.call("Page.navigateToHistoryEntry", page.params().put("entryId", entry.path("id").asInt()));
        settle(budget, true, timeout);
    }

    private void waitForLoad(String loader, Instant until, CallBudget budget, Duration timeout, String url) {
        while (!loader.equals(loadedLoaderId)) {
            if (dialog != null || crashed) {
                return;
            }
            if (!Instant.now().isBefore(until)) {
                throw new BrowserException(BrowserException.Kind.NAVIGATION_TIMEOUT, url + " did not finish loading"
                        + " within " + timeout.toSeconds() + " s; browser.snapshot shows what has loaded so far");
            }
            budget.pause(20);
        }
    }

    /**
     * Waits until the page is calm after an action: a navigation it started has loaded (or the
     * navigation timeout passed) and no request started or ended for a moment.
     *
     * @param action whether an action just happened, which may start a navigation in a moment
     * @param timeout how long a navigation may load
     */
    void settle(CallBudget budget, boolean action, Duration timeout) {
        Instant start = Instant.now();
        if (action) {
            while (Duration.between(start, Instant.now()).compareTo(NAVIGATION_START) < 0 && !loading && dialog == null) {
                budget.pause(15);
            }
        }
        Instant until = budget.until(timeout);
        while (dialog == null && !crashed) {
            if (!Instant.now().isBefore(until)) {
                if (loading) {
                    note("The page was still loading after " + timeout.toSeconds() + " s.");
                }
                return;
            }
            Instant now = Instant.now();
            boolean calm = Duration.between(lastNetwork, now).compareTo(QUIET) >= 0
                    && requests.values().stream().allMatch(t -> Duration.between(t, now).compareTo(LONG_REQUEST) > 0);
            if (!loading && (calm || Duration.between(start, now).compareTo(SETTLE_CAP) > 0)) {
                return;
            }
            budget.pause(20);
        }
    }

    /**
     * Waits for a protocol answer, unless a dialog opens meanwhile: an input event that opens an
     * {@code alert} is answered only once the dialog is gone.
     *
     * @return the answer, or {@code null} when a dialog opened first
     */
    JsonNode awaitUnlessDialog(CompletableFuture<JsonNode> answer, String method, CallBudget budget) {
        return awaitUnlessDialog(answer, method, budget, budget.until(CdpSession.DEFAULT_TIMEOUT));
    }

    /** {@link #awaitUnlessDialog(CompletableFuture, String, CallBudget)} until a given moment. */
    JsonNode awaitUnlessDialog(CompletableFuture<JsonNode> answer, String method, CallBudget budget, Instant until) {
        while (!answer.isDone()) {
            if (dialog != null) {
                return null;
            }
            if (!Instant.now().isBefore(until)) {
                throw new CdpException(CdpException.Kind.TIMEOUT, 0, method + " got no answer in time");
            }
            budget.pause(5);
        }
        return answer.join();
    }

    /** @return where the page is, from the browser's history (works while a script keeps the page busy) */
    Location location() {
        JsonNode history = page.call("Page.getNavigationHistory");
        JsonNode entry = history.path("entries").path(history.path("currentIndex").asInt());
        return new Location(entry.path("url").asText(""), entry.path("title").asText(""),
                documentStatus.getOrDefault(loaderId, 0));
    }
}
