package org.openpista.tui.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.openpista.api.approval.ApprovalDecision;

/**
 * The agent of the running daemon, reached over its web chat's WebSocket (the protocol of the web
 * chat, {@code docs/web-protocol.md}): the daemon runs the turns, streams them, asks approvals;
 * every client bound to a session sees what happens in it, so a message sent from the web chat
 * shows here too. The connection shows (is bound to) one session at a time; before a message, a
 * cancel or an opened session, it binds to that session with {@code session_history_request}.
 */
final class AttachedBackend implements Backend {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The daemon closes a socket that says nothing for 2 minutes; the web page pings every 25 s too. */
    private static final long PING_SECONDS = 25;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The web chat's ids for clients: the terminal's conversation is {@code web:tui} in the daemon. */
    static final String CLIENT_ID = "tui";

    private final String mode;
    private final Consumer<String> lost;
    private final Set<String> opening = ConcurrentHashMap.newKeySet();
    /** Sessions with a message of this terminal not answered yet: told when the connection is lost. */
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set once connected and authenticated: only then is a lost connection news for the caller. */
    private volatile boolean attached;
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "openpista-tui-ping");
        thread.setDaemon(true);
        return thread;
    });
    private volatile WebSocket socket;
    private volatile String bound;
    private volatile Consumer<Event> events = event -> { };
    private volatile String provider = "";
    private volatile String model = "";

    /**
     * @param mode what the status line shows while attached
     * @param lost told once, with the reason, when the daemon goes away (not after {@link #close})
     */
    private AttachedBackend(String mode, Consumer<String> lost) {
        this.mode = mode;
        this.lost = lost;
    }

    /**
     * Connects to the web chat of the daemon and waits for its {@code auth_result}.
     *
     * @param url the web chat's address with its token, {@code http://HOST:PORT/#token=TOKEN}, as the daemon prints it
     * @param sessionId the session to bind to at once, or {@code null} for the daemon's choice
     * @throws IOException with a sentence for the user when the daemon cannot be reached or refuses the token
     */
    static AttachedBackend connect(String url, String sessionId, String mode, Consumer<String> lost) throws IOException {
        AttachedBackend backend = new AttachedBackend(mode, lost);
        backend.open(socketUri(url, sessionId), sessionId);
        return backend;
    }

    /** @return the WebSocket's address for the web chat's page address with its token */
    static URI socketUri(String url, String sessionId) throws IOException {
        URI page = URI.create(url);
        String fragment = page.getRawFragment() == null ? "" : page.getRawFragment();
        String token = fragment.startsWith("token=") ? fragment.substring("token=".length()) : "";
        if (token.isEmpty() || page.getHost() == null) {
            throw new IOException("the daemon's web chat address has no token");
        }
        String scheme = "https".equals(page.getScheme()) ? "wss" : "ws";
        String query = "token=" + token + "&client_id=" + CLIENT_ID
                + (sessionId == null ? "" : "&session_id=" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8));
        return URI.create(scheme + "://" + page.getRawAuthority() + "/ws?" + query);
    }

    private void open(URI uri, String sessionId) throws IOException {
        CompletableFuture<JsonNode> authenticated = new CompletableFuture<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        try {
            socket = http.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT).buildAsync(uri, new Listener(authenticated))
                    .get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            JsonNode result = authenticated.get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (!result.path("success").asBoolean()) {
                throw new IOException("the daemon's web chat refused the token: " + WebFrames.text(result, "error"));
            }
            provider = WebFrames.text(result, "provider");
            model = WebFrames.text(result, "model");
            bound = sessionId != null ? sessionId : WebFrames.text(result, "session_id");
        } catch (ExecutionException e) {
            closeQuietly();
            throw new IOException(refusal(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            closeQuietly();
            throw new IOException("the daemon's web chat did not answer within " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            closeQuietly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while attaching to the daemon");
        } catch (IOException e) {
            closeQuietly();
            throw e;
        }
        attached = true;
        pinger.scheduleAtFixedRate(() -> send(JSON.createObjectNode().put("type", "ping")), PING_SECONDS, PING_SECONDS,
                TimeUnit.SECONDS);
    }

    /** @return why the upgrade failed, for the user */
    static String refusal(Throwable cause) {
        if (cause instanceof WebSocketHandshakeException handshake) {
            int status = handshake.getResponse().statusCode();
            return switch (status) {
                case 401 -> "the daemon's web chat refused the token (401): the token in config.toml changed since the "
                        + "daemon started? restart it (openpista stop, openpista start)";
                case 429 -> "the daemon's web chat locks out this machine after failed logins (429): unlock it with "
                        + "openpista web unlock";
                default -> "the daemon's web chat refused the connection (HTTP " + status + ")";
            };
        }
        return "the daemon's web chat cannot be reached: " + LocalBackend.message(cause);
    }

    /** Reads the frames; text may arrive in pieces. */
    private final class Listener implements WebSocket.Listener {
        private final CompletableFuture<JsonNode> authenticated;
        private final StringBuilder text = new StringBuilder();

        Listener(CompletableFuture<JsonNode> authenticated) {
            this.authenticated = authenticated;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String whole = text.toString();
                text.setLength(0);
                try {
                    received(JSON.readTree(whole), authenticated);
                } catch (IOException e) {
                    events.accept(new Event.Notice("the daemon sent a frame that is not JSON", true));
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            gone("the daemon closed the connection" + (reason == null || reason.isBlank() ? " (" + statusCode + ")"
                    : ": " + reason), authenticated);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            gone("the connection to the daemon broke: " + LocalBackend.message(error), authenticated);
        }
    }

    private void received(JsonNode frame, CompletableFuture<JsonNode> authenticated) {
        String type = WebFrames.text(frame, "type");
        if (type.equals("auth_result")) {
            authenticated.complete(frame);
            return;
        }
        if (type.equals("session_history")) {
            String sessionId = WebFrames.text(frame, "session_id");
            if (opening.remove(sessionId)) {
                events.accept(new Event.SessionOpened(sessionId, WebFrames.history(frame.path("messages"))));
            }
            return;
        }
        if (type.equals("response") || type.equals("message_error") || type.equals("generation_cancelled")) {
            waiting.remove(WebFrames.text(frame, "session_id"));
        }
        WebFrames.events(frame).forEach(events);
        if (type.equals("response")) {
            // not on the socket's own thread, which must not wait for its own sending
            try {
                pinger.execute(() -> send(frame("sessions_request")));
            } catch (RejectedExecutionException e) {
                // closed meanwhile: nobody needs the list
            }
        }
    }

    private void gone(String why, CompletableFuture<JsonNode> authenticated) {
        authenticated.completeExceptionally(new IOException(why));
        if (attached && closed.compareAndSet(false, true)) {
            pinger.shutdownNow();
            for (String sessionId : waiting) {
                events.accept(new Event.Replied(sessionId, why + "; the answer is lost", true));
            }
            waiting.clear();
            lost.accept(why);
        }
    }

    private static ObjectNode frame(String type) {
        return JSON.createObjectNode().put("type", type);
    }

    private void send(ObjectNode frame) {
        WebSocket open = socket;
        if (open == null || closed.get()) {
            return;
        }
        // the JDK's WebSocket takes one text at a time: callers from several threads take turns
        synchronized (this) {
            try {
                open.sendText(frame.toString(), true).get(CONNECT_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                open.abort();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Makes the session the connection's, so that messages and cancels go to it and its turns come here. */
    private void bind(String sessionId) {
        if (!sessionId.equals(bound)) {
            bound = sessionId;
            send(frame("session_history_request").put("session_id", sessionId));
        }
    }

    @Override
    public void start(Consumer<Event> sink, String sessionId) {
        this.events = sink;
        events.accept(new Event.Connected(mode, provider, model));
        send(frame("sessions_request"));
        if (sessionId != null) {
            // bound at the upgrade, but its history came before anyone listened: asked again
            open(sessionId);
        }
    }

    @Override
    public void send(String sessionId, String text) {
        bind(sessionId);
        waiting.add(sessionId);
        send(frame("message").put("content", text).put("message_id", Sessions.newId()));
    }

    @Override
    public void cancel(String sessionId) {
        bind(sessionId);
        send(frame("cancel_generation"));
    }

    @Override
    public void answer(String sessionId, String callId, ApprovalDecision decision) {
        send(frame("tool_approval_response").put("call_id", callId).put("decision", decision.wireName()).put("session_id", sessionId));
    }

    @Override
    public void sessions() {
        send(frame("sessions_request"));
    }

    @Override
    public void open(String sessionId) {
        opening.add(sessionId);
        bound = sessionId;
        send(frame("session_history_request").put("session_id", sessionId));
    }

    @Override
    public void delete(String sessionId) {
        send(frame("session_delete").put("session_id", sessionId));
    }

    @Override
    public void models() {
        send(frame("model_list_request"));
    }

    @Override
    public void selectModel(String provider, String model) {
        send(frame("model_change").put("provider", provider).put("model", model));
    }

    @Override
    public void providers() {
        send(frame("provider_auth_request"));
    }

    @Override
    public void saveKey(String provider, String key, String endpoint) {
        ObjectNode login = frame("provider_login").put("provider", provider).put("api_key", key);
        if (endpoint != null && !endpoint.isBlank()) {
            login.put("endpoint", endpoint);
        }
        send(login);
    }

    @Override
    public void startLogin(String provider) {
        send(frame("provider_login").put("provider", provider));
    }

    @Override
    public void submitCode(String provider, String code) {
        send(frame("provider_login").put("provider", provider).put("auth_code", code));
    }

    @Override
    public void cancelLogin(String provider) {
        // the protocol has no frame for it: the daemon's login ends by its own time limit
    }

    @Override
    public void pairing(String channel, boolean watch) {
        send(frame("pairing_request").put("channel", channel).put("watch", watch));
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            pinger.shutdownNow();
            closeQuietly();
        }
    }

    private void closeQuietly() {
        WebSocket open = socket;
        if (open != null) {
            try {
                open.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(2, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                open.abort();
            } catch (InterruptedException e) {
                open.abort();
                Thread.currentThread().interrupt();
            }
        }
    }
}
