package org.openpista.channel.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthService;
import org.openpista.api.auth.LoginFlow;
import org.openpista.api.auth.LoginResult;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.config.ConfigException;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.llm.ProviderException;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;
import org.openpista.api.session.SessionRouter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chat behind the WebSocket: the connected clients, the frames they send, the turns they start
 * and the approval questions waiting for them. Output of a turn goes only to the connections that
 * show its session.
 */
final class ChatHub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatHub.class);

    static final String CHANNEL = "web";
    private static final int SESSION_LIST_LIMIT = 100;
    private static final int HISTORY_LIMIT = 500;
    private static final int MAX_ID_LENGTH = 200;

    private final WebSettings settings;
    private final Authenticator authenticator;
    private final AgentGateway gateway;
    private final ConversationStore store;
    private final OptionalServices services;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<WebTurn>> turns = new ConcurrentHashMap<>();
    private final Map<String, Pending> approvals = new ConcurrentHashMap<>();
    private final Map<String, LoginFlow> logins = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final ExecutorService slow;
    private final PairingFeed pairings;

    /** An approval question waiting for its answer. */
    private record Pending(ApprovalRequest request, CompletableFuture<ApprovalDecision> answer, ObjectNode frame) {}

    ChatHub(WebSettings settings, Authenticator authenticator, AgentGateway gateway, ConversationStore store,
            OptionalServices services) {
        this.settings = settings;
        this.authenticator = authenticator;
        this.gateway = gateway;
        this.store = store;
        this.services = services;
        AtomicInteger threads = new AtomicInteger();
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, runnable -> daemon(runnable,
                "openpista-web-timer"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
        // model listings and logins talk to vendors and may take seconds: never on a socket thread
        this.slow = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64),
                runnable -> daemon(runnable, "openpista-web-" + threads.incrementAndGet()));
        this.pairings = new PairingFeed(services::pairing, timer);
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    WebSettings settings() {
        return settings;
    }

    Authenticator authenticator() {
        return authenticator;
    }

    /** @return the session a client lands in when it names none */
    String defaultSession(String clientId) {
        if (!settings.sharedSessionId().isEmpty()) {
            return settings.sharedSessionId();
        }
        String key = conversationKey(clientId);
        SessionRouter router = services.router();
        if (router != null) {
            try {
                return router.currentSession(key);
            } catch (RuntimeException e) {
                LOG.debug("The session router failed; using the conversation's own session", e);
            }
        }
        return key;
    }

    String conversationKey(String clientId) {
        return settings.sharedSessionId().isEmpty() ? CHANNEL + ":" + clientId : settings.sharedSessionId();
    }

    int connectionCount() {
        return connections.size();
    }

    // ---- connection life cycle

    /** A socket opened for an authenticated client: the connect sequence. */
    void opened(Connection connection) {
        connections.add(connection);
        connection.authenticate(settings.maxFrameBytes());
        connection.send(authResult(connection));
        sendSessions(connection);
        sendHistory(connection, connection.sessionId());
        LOG.debug("Web client connected: {}", connection);
    }

    void closed(Connection connection) {
        connection.closed();
        connections.remove(connection);
        pairings.forget(connection);
        LOG.debug("Web client disconnected: {}", connection);
    }

    /** A text frame arrived. Malformed frames get an {@code error} frame; the connection stays usable. */
    void received(Connection connection, String text) {
        JsonNode frame;
        try {
            frame = Frames.JSON.readTree(text);
        } catch (JsonProcessingException e) {
            connection.send(Frames.error("bad_json", "the frame is not valid JSON: " + oneLine(e.getOriginalMessage())));
            return;
        }
        if (frame == null || !frame.isObject()) {
            connection.send(Frames.error("bad_frame", "a frame must be a JSON object with a \"type\""));
            return;
        }
        JsonNode typeNode = frame.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            connection.send(Frames.error("bad_frame", "the frame has no \"type\" string"));
            return;
        }
        String type = typeNode.textValue();
        try {
            dispatch(connection, type, frame);
        } catch (BadFrame e) {
            connection.send(Frames.error("bad_frame", e.getMessage()).put("in_reply_to", clip(type)));
        } catch (Unavailable e) {
            connection.send(Frames.error("unavailable", e.getMessage()).put("in_reply_to", clip(type)));
        } catch (RuntimeException e) {
            LOG.warn("Web frame {} failed", clip(type), e);
            connection.send(Frames.error("internal", "the server failed to handle " + clip(type) + ": " + describe(e))
                    .put("in_reply_to", clip(type)));
        }
    }

    /** A binary frame arrived; the protocol has none. */
    void receivedBinary(Connection connection) {
        connection.send(Frames.error("bad_frame", "binary frames are not part of the protocol; send JSON text frames"));
    }

    private void dispatch(Connection connection, String type, JsonNode frame) {
        switch (type) {
            case "ping" -> connection.send(Frames.frame("pong"));
            case "auth" -> auth(connection, frame);
            case "message" -> message(connection, frame);
            case "sessions_request" -> sendSessions(connection);
            case "session_history_request" -> switchSession(connection, requiredId(frame, "session_id"));
            case "session_new" -> newSession(connection);
            case "session_delete" -> deleteSession(requiredId(frame, "session_id"));
            case "cancel_generation" -> cancel(connection);
            case "tool_approval_response" -> approvalAnswer(connection, frame);
            case "model_list_request" -> later(connection, type, () -> modelList(connection));
            case "model_change" -> later(connection, type, () -> modelChange(connection, frame));
            case "provider_auth_request" -> later(connection, type, () -> providerStatus(connection));
            case "provider_login" -> later(connection, type, () -> providerLogin(connection, frame));
            case "pairing_request" -> pairings.request(connection, requiredId(frame, "channel"), flag(frame, "watch", true));
            default -> connection.send(Frames.error("unknown_type", "unknown frame type \"" + clip(type) + "\"")
                    .put("in_reply_to", clip(type)));
        }
    }

    // ---- authentication

    private ObjectNode authResult(Connection connection) {
        ObjectNode frame = Frames.frame("auth_result")
                .put("success", true)
                .put("client_id", connection.clientId())
                .put("session_id", connection.sessionId())
                .put("shared_with_tui", !settings.sharedSessionId().isEmpty());
        ModelChoice choice = currentModel();
        if (choice != null) {
            frame.put("provider", choice.provider()).put("model", choice.model());
        }
        return frame;
    }

    /** An {@code auth} frame on an open connection: checks the token again (it counts towards the lockout). */
    private void auth(Connection connection, JsonNode frame) {
        String token = text(frame, "token");
        Authenticator.Verdict verdict = authenticator.checkToken(connection.address(), token);
        switch (verdict.outcome()) {
            case ACCEPTED -> connection.send(authResult(connection));
            case REJECTED -> connection.send(Frames.frame("auth_result").put("success", false).put("error", "Invalid token"));
            case LOCKED_OUT -> {
                connection.send(Frames.frame("auth_result").put("success", false)
                        .put("error", "Too many failed attempts; try again in " + verdict.retryAfter().toSeconds() + " s"));
                connection.close(1008, "locked out");
            }
        }
    }

    // ---- messages and turns

    private void message(Connection connection, JsonNode frame) {
        String messageId = optionalId(frame, "message_id");
        String sessionId = connection.sessionId();
        JsonNode content = frame.get("content");
        if (content == null || !content.isTextual()) {
            connection.send(messageError(messageId, sessionId, "the message needs a \"content\" string"));
            return;
        }
        String text = content.textValue();
        if (text.isBlank()) {
            connection.send(messageError(messageId, sessionId, "the message is empty"));
            return;
        }
        Map<String, String> metadata = new HashMap<>();
        metadata.put("client_id", connection.clientId());
        if (messageId != null) {
            metadata.put("message_id", messageId);
        }
        InboundMessage message = new InboundMessage(CHANNEL, connection.conversationKey(), sessionId,
                connection.clientId(), text, List.of(), metadata);
        WebTurn turn = new WebTurn(this, sessionId, messageId, settings.turnTimeout(), timer);
        // acknowledged before it is submitted: a fast agent may answer before submit() returns
        ObjectNode ack = Frames.frame("message_ack").put("session_id", sessionId);
        if (messageId != null) {
            ack.put("message_id", messageId);
        }
        connection.send(ack);
        ObjectNode echo = Frames.frame("user_message").put("session_id", sessionId).put("content", text)
                .put("client_id", connection.clientId());
        if (messageId != null) {
            echo.put("message_id", messageId);
        }
        broadcastExcept(sessionId, connection, echo);
        turns.computeIfAbsent(sessionId, key -> ConcurrentHashMap.newKeySet()).add(turn);
        turn.start();
        TurnHandle handle;
        try {
            handle = gateway.submit(message, turn);
        } catch (RuntimeException e) {
            LOG.warn("The agent refused a web message in session {}", sessionId, e);
            turnEnded(turn);
            connection.send(messageError(messageId, sessionId, "the agent could not take the message: " + describe(e)));
            return;
        }
        turn.submitted(handle);
    }

    private static ObjectNode messageError(String messageId, String sessionId, String error) {
        ObjectNode frame = Frames.frame("message_error").put("session_id", sessionId).put("error", error);
        if (messageId != null) {
            frame.put("message_id", messageId);
        }
        return frame;
    }

    void turnEnded(WebTurn turn) {
        turns.computeIfPresent(turn.sessionId(), (key, set) -> {
            set.remove(turn);
            return set.isEmpty() ? null : set;
        });
    }

    /** The stop button or Esc: cancels the turns of the connection's session. */
    private void cancel(Connection connection) {
        String sessionId = connection.sessionId();
        int cancelled = 0;
        for (WebTurn turn : new ArrayList<>(turns.getOrDefault(sessionId, Set.of()))) {
            if (turn.cancelByUser()) {
                cancelled++;
            }
        }
        // turns of the session started elsewhere (the terminal, another client) stop too
        cancelled = Math.max(cancelled, gateway.cancel(sessionId));
        for (Map.Entry<String, Pending> entry : approvals.entrySet()) {
            if (entry.getValue().request().sessionId().equals(sessionId)) {
                entry.getValue().answer().cancel(false);
            }
        }
        broadcast(sessionId, Frames.frame("generation_cancelled").put("session_id", sessionId).put("cancelled", cancelled));
    }

    // ---- approvals

    /**
     * Sends an approval question to the session's connections; it is sent again to any that binds later.
     *
     * @return completes like {@code answer}, once the outcome was sent to the connections: the agent
     *     goes on (and answers) only after the clients saw the decision
     */
    CompletableFuture<ApprovalDecision> askApproval(ApprovalRequest request, CompletableFuture<ApprovalDecision> answer) {
        String key = approvalKey(request.sessionId(), request.call().id());
        ObjectNode frame = Frames.frame("tool_approval_request")
                .put("call_id", request.call().id())
                .put("tool_name", request.call().name())
                .put("session_id", request.sessionId());
        frame.set("arguments", Frames.arguments(request.call().arguments()));
        Pending pending = new Pending(request, answer, frame);
        approvals.put(key, pending);
        answer.orTimeout(settings.approvalTimeout().toMillis(), TimeUnit.MILLISECONDS);
        // not answer.whenComplete(...) as the result: that skips its action when the agent cancelled it first
        CompletableFuture<ApprovalDecision> announced = new CompletableFuture<>();
        answer.whenComplete((decision, failure) -> {
            approvals.remove(key, pending);
            String outcome = decision != null ? decision.wireName()
                    : failure instanceof TimeoutException ? "expired" : "cancelled";
            broadcast(request.sessionId(), Frames.frame("tool_approval_resolved")
                    .put("session_id", request.sessionId())
                    .put("call_id", request.call().id())
                    .put("decision", outcome));
            if (failure != null) {
                announced.completeExceptionally(failure);
            } else {
                announced.complete(decision);
            }
        });
        broadcast(request.sessionId(), frame);
        return announced;
    }

    private void approvalAnswer(Connection connection, JsonNode frame) {
        String callId = requiredId(frame, "call_id");
        String decisionName = text(frame, "decision");
        if (decisionName == null) {
            throw new BadFrame("tool_approval_response needs a \"decision\": approve, reject or allow_for_session");
        }
        ApprovalDecision decision;
        try {
            decision = ApprovalDecision.fromWireName(decisionName);
        } catch (IllegalArgumentException e) {
            throw new BadFrame("unknown decision \"" + clip(decisionName) + "\" (approve, reject or allow_for_session)");
        }
        String sessionId = optionalId(frame, "session_id");
        Pending pending = approvals.get(approvalKey(sessionId == null ? connection.sessionId() : sessionId, callId));
        if (pending == null && sessionId == null) {
            List<Pending> matches = approvals.values().stream()
                    .filter(candidate -> candidate.request().call().id().equals(callId)).toList();
            pending = matches.size() == 1 ? matches.get(0) : null;
        }
        if (pending == null) {
            connection.send(Frames.error("unknown_call", "no tool call \"" + clip(callId) + "\" is waiting for approval")
                    .put("in_reply_to", "tool_approval_response"));
            return;
        }
        pending.answer().complete(decision);
    }

    private static String approvalKey(String sessionId, String callId) {
        return sessionId + '\u0000' + callId;
    }

    private void resendApprovals(Connection connection) {
        for (Pending pending : approvals.values()) {
            if (pending.request().sessionId().equals(connection.sessionId())) {
                connection.send(pending.frame());
            }
        }
    }

    // ---- sessions

    private void sendSessions(Connection connection) {
        connection.send(Frames.sessionsList(store.sessions(SESSION_LIST_LIMIT)));
    }

    private void sendHistory(Connection connection, String sessionId) {
        List<org.openpista.api.chat.ChatMessage> messages = store.history(sessionId);
        if (messages.size() > HISTORY_LIMIT) {
            messages = messages.subList(messages.size() - HISTORY_LIMIT, messages.size());
        }
        connection.send(Frames.history(sessionId, messages));
        resendApprovals(connection);
    }

    private void switchSession(Connection connection, String sessionId) {
        connection.bind(sessionId);
        SessionRouter router = services.router();
        if (router != null && settings.sharedSessionId().isEmpty()) {
            try {
                router.switchSession(connection.conversationKey(), sessionId);
            } catch (RuntimeException e) {
                LOG.debug("The session router failed to switch", e);
            }
        }
        sendHistory(connection, sessionId);
    }

    private void newSession(Connection connection) {
        String sessionId = null;
        SessionRouter router = services.router();
        if (router != null && settings.sharedSessionId().isEmpty()) {
            try {
                sessionId = router.newSession(connection.conversationKey());
            } catch (RuntimeException e) {
                LOG.debug("The session router failed to start a session", e);
            }
        }
        if (sessionId == null) {
            sessionId = connection.conversationKey() + ":" + LocalDateTime.now().format(
                    DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-"
                    + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        }
        connection.bind(sessionId);
        sendHistory(connection, sessionId);
    }

    private void deleteSession(String sessionId) {
        gateway.cancel(sessionId);
        boolean deleted = store.deleteSession(sessionId);
        ObjectNode done = Frames.frame("session_deleted").put("session_id", sessionId).put("deleted", deleted);
        ObjectNode list = Frames.sessionsList(store.sessions(SESSION_LIST_LIMIT));
        for (Connection connection : connections) {
            connection.send(done);
            connection.send(list);
        }
    }

    // ---- models and provider logins

    private ModelChoice currentModel() {
        ModelSelector selector = services.models();
        if (selector == null) {
            return null;
        }
        try {
            return selector.current();
        } catch (RuntimeException e) {
            LOG.debug("The model selector failed", e);
            return null;
        }
    }

    private void modelList(Connection connection) {
        ModelSelector selector = requireModels();
        ObjectNode frame = Frames.frame("model_list");
        ArrayNode models = frame.putArray("models");
        ModelChoice current = selector.current();
        String problem = null;
        List<ModelInfo> listed;
        try {
            listed = selector.models();
        } catch (ProviderException e) {
            listed = List.of();
            problem = e.getMessage();
        }
        boolean currentListed = false;
        for (ModelInfo model : listed) {
            models.addObject().put("provider", model.provider()).put("model", model.id()).put("recommended", model.recommended());
            currentListed |= model.provider().equals(current.provider()) && model.id().equals(current.model());
        }
        if (!currentListed && !current.model().isEmpty()) {
            models.insertObject(0).put("provider", current.provider()).put("model", current.model()).put("recommended", false);
        }
        frame.putObject("current").put("provider", current.provider()).put("model", current.model());
        ArrayNode providers = frame.putArray("providers");
        selector.providers().forEach(providers::add);
        if (problem != null) {
            frame.put("error", problem);
        }
        connection.send(frame);
    }

    private void modelChange(Connection connection, JsonNode frame) {
        ModelSelector selector = requireModels();
        String provider = text(frame, "provider");
        String model = text(frame, "model");
        if (model == null) {
            throw new BadFrame("model_change needs a \"model\" string (empty for the provider's default)");
        }
        ModelChoice choice;
        try {
            choice = selector.select(provider == null ? "" : provider.strip(), model.strip());
        } catch (ConfigException e) {
            connection.send(Frames.error("model_change_failed", e.getMessage()).put("in_reply_to", "model_change"));
            return;
        }
        ObjectNode changed = Frames.frame("model_changed").put("provider", choice.provider()).put("model", choice.model());
        for (Connection each : connections) {
            each.send(changed);
        }
    }

    private ModelSelector requireModels() {
        ModelSelector selector = services.models();
        if (selector == null) {
            throw new Unavailable("switching models is not available: no model selector is running");
        }
        return selector;
    }

    private AuthService requireAuth() {
        AuthService auth = services.auth();
        if (auth == null) {
            throw new Unavailable("provider logins are not available: the auth bundle is not running "
                    + "(use `openpista auth login` on the command line)");
        }
        return auth;
    }

    private void providerStatus(Connection connection) {
        AuthService auth = requireAuth();
        ObjectNode frame = Frames.frame("provider_auth_status");
        ArrayNode list = frame.putArray("providers");
        List<ProviderAuthStatus> statuses;
        try {
            statuses = auth.providers();
        } catch (AuthException e) {
            connection.send(Frames.error("auth_failed", oneLine(e.getMessage())).put("in_reply_to", "provider_auth_request"));
            return;
        }
        for (ProviderAuthStatus status : statuses) {
            ObjectNode item = list.addObject()
                    .put("name", status.name())
                    .put("display_name", status.displayName())
                    .put("auth_mode", status.authMode().wireName())
                    .put("authenticated", status.authenticated())
                    .put("supports_runtime", status.supportsRuntime());
            if (status.method() != null) {
                item.put("method", status.method().wireName());
            }
            if (!status.account().isEmpty()) {
                item.put("account", status.account());
            }
            if (status.expiresAt() != null) {
                item.put("expires_at", Frames.time(status.expiresAt()));
            }
        }
        connection.send(frame);
    }

    private void providerLogin(Connection connection, JsonNode frame) {
        AuthService auth = requireAuth();
        String provider = requiredId(frame, "provider");
        String apiKey = text(frame, "api_key");
        String endpoint = text(frame, "endpoint");
        String code = text(frame, "auth_code");
        try {
            if (apiKey != null && !apiKey.isBlank()) {
                auth.saveApiKey(provider, apiKey.strip(), endpoint == null ? "" : endpoint.strip());
                connection.send(loginCompleted(provider, true, "Saved the API key for " + provider + "."));
                providerStatus(connection);
            } else if (code != null && !code.isBlank()) {
                LoginFlow flow = logins.get(provider);
                if (flow == null) {
                    connection.send(loginCompleted(provider, false,
                            "No login of " + provider + " is waiting for a code; start the login again."));
                    return;
                }
                flow.submitCode(code.strip());
            } else {
                LoginFlow previous = logins.remove(provider);
                if (previous != null) {
                    previous.cancel();
                }
                LoginFlow flow = auth.startLogin(provider);
                logins.put(provider, flow);
                ObjectNode url = Frames.frame("provider_auth_url")
                        .put("provider", provider)
                        .put("auth_url", flow.url().toString())
                        .put("flow_type", flow.type().wireName());
                if (!flow.userCode().isEmpty()) {
                    url.put("user_code", flow.userCode());
                }
                connection.send(url);
                flow.result().whenComplete((result, failure) -> {
                    logins.remove(provider, flow);
                    LoginResult outcome = result != null ? result
                            : LoginResult.failed(provider, "the login failed: " + describe(failure));
                    connection.send(loginCompleted(provider, outcome.success(), outcome.message()));
                    if (outcome.success()) {
                        later(connection, "provider_auth_request", () -> providerStatus(connection));
                    }
                });
            }
        } catch (AuthException | IllegalStateException e) {
            connection.send(loginCompleted(provider, false, oneLine(e.getMessage())));
        }
    }

    private static ObjectNode loginCompleted(String provider, boolean success, String message) {
        return Frames.frame("provider_auth_completed").put("provider", provider).put("success", success).put("message", message);
    }

    /** Runs slow work off the socket thread; failures become {@code error} frames. */
    private void later(Connection connection, String type, Runnable work) {
        try {
            slow.execute(() -> {
                try {
                    work.run();
                } catch (BadFrame e) {
                    connection.send(Frames.error("bad_frame", e.getMessage()).put("in_reply_to", type));
                } catch (Unavailable e) {
                    connection.send(Frames.error("unavailable", e.getMessage()).put("in_reply_to", type));
                } catch (RuntimeException e) {
                    LOG.warn("Web frame {} failed", type, e);
                    connection.send(Frames.error("internal", "the server failed to handle " + type + ": " + describe(e))
                            .put("in_reply_to", type));
                }
            });
        } catch (RejectedExecutionException e) {
            connection.send(Frames.error("busy", "the server is busy; try again in a moment").put("in_reply_to", type));
        }
    }

    // ---- routing

    /** Sends a frame to every connection that shows the session. */
    void broadcast(String sessionId, JsonNode frame) {
        String text = null;
        for (Connection connection : connections) {
            if (sessionId.equals(connection.sessionId())) {
                if (text == null) {
                    text = Frames.text(frame);
                }
                connection.send(text);
            }
        }
    }

    private void broadcastExcept(String sessionId, Connection except, JsonNode frame) {
        String text = null;
        for (Connection connection : connections) {
            if (connection != except && sessionId.equals(connection.sessionId())) {
                if (text == null) {
                    text = Frames.text(frame);
                }
                connection.send(text);
            }
        }
    }

    /**
     * Sends a message nobody asked for (a scheduled job's answer) to the connections of a client, or
     * of a session.
     *
     * @return how many connections got it
     */
    int deliver(String target, String text) {
        int count = 0;
        for (Connection connection : connections) {
            if (connection.clientId().equals(target) || connection.sessionId().equals(target)) {
                connection.send(Frames.frame("response").put("content", text).put("is_error", false)
                        .put("session_id", connection.sessionId()));
                count++;
            }
        }
        return count;
    }

    @Override
    public void close() {
        for (Connection connection : connections) {
            connection.close(1001, "the web channel is stopping");
        }
        connections.clear();
        for (Pending pending : approvals.values()) {
            pending.answer().cancel(false);
        }
        logins.values().forEach(LoginFlow::cancel);
        pairings.close();
        timer.shutdownNow();
        slow.shutdownNow();
    }

    // ---- frame fields

    private static String text(JsonNode frame, String field) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new BadFrame("\"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    private static boolean flag(JsonNode frame, String field, boolean absent) {
        JsonNode value = frame.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isBoolean()) {
            throw new BadFrame("\"" + field + "\" must be true or false");
        }
        return value.booleanValue();
    }

    private static String requiredId(JsonNode frame, String field) {
        String value = optionalId(frame, field);
        if (value == null) {
            throw new BadFrame("the frame needs a \"" + field + "\" string");
        }
        return value;
    }

    private static String optionalId(JsonNode frame, String field) {
        String value = text(frame, field);
        if (value == null || value.isBlank()) {
            return null;
        }
        if (!validId(value)) {
            throw new BadFrame("\"" + field + "\" must be 1 to " + MAX_ID_LENGTH + " characters without control characters");
        }
        return value;
    }

    /** @return whether a client, session, message or call id is acceptable */
    static boolean validId(String value) {
        return value != null && !value.isBlank() && value.length() <= MAX_ID_LENGTH
                && value.codePoints().noneMatch(Character::isISOControl);
    }

    static String clip(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 64 ? clean : clean.substring(0, 63) + "…";
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s+", " ").strip();
    }

    static String describe(Throwable error) {
        if (error == null) {
            return "unknown error";
        }
        String message = error.getMessage();
        return message == null || message.isBlank() ? error.getClass().getSimpleName() : oneLine(message);
    }

    /** A frame that breaks the protocol; answered with an {@code error} frame. */
    static final class BadFrame extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadFrame(String message) {
            super(message, null, false, false);
        }
    }

    /** A frame that needs a service that is not running. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }
}
