package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.openpista.tool.browser.internal.cdp.CdpSession;

/**
 * Holds every request of the browser ({@code Fetch.requestPaused}) until the {@link UrlPolicy} has
 * looked at it, then lets it go or fails it as {@code BlockedByClient}. Redirects arrive as new
 * requests and are checked again. The check resolves host names, so it runs on a pool, never on
 * the connection's thread.
 */
final class RequestGuard {

    /** Hears about refused requests. */
    @FunctionalInterface
    interface Listener {
        void blocked(String frameId, String resourceType, String url, String reason);
    }

    private static final int REMEMBERED = 64;

    private final UrlPolicy policy;
    private final ExecutorService pool;
    private final Listener listener;
    private final Map<String, String> recent = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED;
        }
    });

    private final Map<String, String> documents = new java.util.concurrent.ConcurrentHashMap<>();

    RequestGuard(UrlPolicy policy, ExecutorService pool, Listener listener) {
        this.policy = policy;
        this.pool = pool;
        this.listener = listener;
    }

    /** Intercepts every request of the session's target: the whole browser, or one page. */
    void guard(CdpSession session) {
        session.on("Fetch.requestPaused", event -> {
            try {
                pool.execute(() -> decide(session, event));
            } catch (RejectedExecutionException e) {
                // shutting down: the request dies with the browser
            }
        });
        ObjectNode params = session.params();
        params.putArray("patterns").addObject().put("urlPattern", "*").put("requestStage", "Request");
        session.call("Fetch.enable", params);
    }

    /** @return the last refused page load of a frame, as a reason naming the URL, or {@code null} */
    String lastDocumentBlock(String frameId) {
        return documents.get(frameId);
    }

    /** @return why a URL was refused lately, or {@code null} */
    String reasonFor(String url) {
        return recent.get(url);
    }

    private void decide(CdpSession session, JsonNode event) {
        String url = event.path("request").path("url").asText();
        String reason = policy.refusal(url);
        ObjectNode params = session.params().put("requestId", event.path("requestId").asText());
        if (reason == null) {
            session.send("Fetch.continueRequest", params);
            return;
        }
        recent.put(url, reason);
        if ("Document".equals(event.path("resourceType").asText())) {
            documents.put(event.path("frameId").asText(), "the page led to " + SnapshotRenderer.clip(url, 120) + ": "
                    + reason);
        }
        session.send("Fetch.failRequest", params.put("errorReason", "BlockedByClient"));
        listener.blocked(event.path("frameId").asText(), event.path("resourceType").asText(), url, reason);
    }
}
