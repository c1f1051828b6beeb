package org.openpista.tui.internal;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.openpista.api.approval.ApprovalDecision;
import org.openpista.api.approval.ApprovalRequest;
import org.openpista.api.auth.AuthException;
import org.openpista.api.auth.AuthService;
import org.openpista.api.auth.FlowType;
import org.openpista.api.auth.LoginFlow;
import org.openpista.api.auth.ProviderAuthStatus;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ProgressEvent;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.llm.ModelInfo;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.model.ModelChoice;
import org.openpista.api.model.ModelSelector;

/**
 * The agent in this process, as {@code openpista run} has it: messages go to the {@link
 * AgentGateway} of the TUI's own framework (channel {@code cli}, so {@code [channels.cli] approval}
 * applies), sessions come from the conversation store (the same {@code memory.db} a daemon uses),
 * models from the {@link ModelSelector}, logins from the {@link AuthService}. Blocking calls run on
 * a worker thread, never on the UI's.
 */
final class LocalBackend implements Backend {

    /** The channel the terminal's messages come from, as for {@code openpista run}. */
    static final String CHANNEL = "cli";

    /** The services of the framework, looked up on each use (they may come and go). */
    interface Services {
        AgentGateway gateway();

        ConversationStore store();

        ModelSelector models();

        AuthService auth();
    }

    private final Services services;
    private final Sessions sessions;
    private final String mode;
    private final ExecutorService worker = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "openpista-tui-work");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, CompletableFuture<ApprovalDecision>> questions = new ConcurrentHashMap<>();
    private final Map<TurnHandle, Boolean> turns = new ConcurrentHashMap<>();
    private final Map<String, LoginFlow> logins = new ConcurrentHashMap<>();
    private volatile Consumer<Event> events = event -> { };

    /** @param mode what the status line shows: {@code in-process}, and why when a daemon runs but is not attached */
    LocalBackend(Services services, Sessions sessions, String mode) {
        this.services = services;
        this.sessions = sessions;
        this.mode = mode;
    }

    @Override
    public void start(Consumer<Event> sink, String sessionId) {
        this.events = sink;
        ModelSelector selector = services.models();
        ModelChoice current = selector == null ? new ModelChoice("", "") : selector.current();
        events.accept(new Event.Connected(mode, current.provider(), current.model()));
        sessions();
        if (sessionId != null) {
            open(sessionId);
        }
    }

    private void work(String what, Runnable task) {
        worker.execute(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                events.accept(new Event.Notice(what + " failed: " + message(e), true));
            }
        });
    }

    static String message(Throwable e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    @Override
    public void send(String sessionId, String text) {
        AgentGateway gateway = services.gateway();
        if (gateway == null) {
            events.accept(new Event.Replied(sessionId, "the agent is not running (see openpista --log-level info)", true));
            return;
        }
        try {
            TurnHandle[] handle = new TurnHandle[1];
            handle[0] = gateway.submit(InboundMessage.text(CHANNEL, CHANNEL + ":" + sessionId, sessionId, text), new Sink(sessionId));
            turns.put(handle[0], Boolean.TRUE);
            handle[0].completion().whenComplete((reply, error) -> turns.remove(handle[0]));
        } catch (RuntimeException e) {
            events.accept(new Event.Replied(sessionId, "the message could not be stored: " + message(e), true));
        }
    }

    /** Turns the agent's output into events. */
    private final class Sink implements ReplySink {
        private final String sessionId;

        Sink(String sessionId) {
            this.sessionId = sessionId;
        }

        @Override
        public void reply(AgentReply reply) {
            events.accept(new Event.Replied(sessionId, reply.text(), reply.error()));
            sessions();
        }

        @Override
        public void textDelta(String session, String delta) {
            events.accept(new Event.TextDelta(sessionId, delta));
        }

        @Override
        public void progress(ProgressEvent event) {
            Event.Progress.Kind kind = Event.Progress.Kind.valueOf(event.kind().name());
            events.accept(new Event.Progress(sessionId, kind, event.toolName(), event.callId(), event.detail()));
        }

        @Override
        public CompletionStage<ApprovalDecision> requestApproval(ApprovalRequest request) {
            CompletableFuture<ApprovalDecision> answer = new CompletableFuture<>();
            questions.put(request.call().id(), answer);
            answer.whenComplete((decision, error) -> questions.remove(request.call().id()));
            events.accept(new Event.ApprovalAsked(sessionId, request.call().id(), request.call().name(),
                    request.call().arguments(), request.note()));
            return answer;
        }
    }

    @Override
    public void cancel(String sessionId) {
        AgentGateway gateway = services.gateway();
        int cancelled = gateway == null ? 0 : gateway.cancel(sessionId);
        refuseQuestions();
        events.accept(new Event.Cancelled(sessionId, cancelled));
    }

    @Override
    public void answer(String sessionId, String callId, ApprovalDecision decision) {
        CompletableFuture<ApprovalDecision> question = questions.get(callId);
        if (question != null) {
            question.complete(decision);
        }
    }

    private void refuseQuestions() {
        questions.values().forEach(question -> question.complete(ApprovalDecision.REJECT));
    }

    @Override
    public void sessions() {
        work("listing the sessions", () -> {
            ConversationStore store = services.store();
            if (store != null) {
                events.accept(new Event.SessionsLoaded(sessions.titled(store.sessions(100).stream().map(History::summary)
                        .toList())));
            }
        });
    }

    @Override
    public void open(String sessionId) {
        work("loading the session", () -> {
            ConversationStore store = services.store();
            events.accept(new Event.SessionOpened(sessionId, store == null ? List.of()
                    : History.entries(store.history(sessionId))));
        });
    }

    @Override
    public void delete(String sessionId) {
        work("deleting the session", () -> {
            AgentGateway gateway = services.gateway();
            if (gateway != null) {
                gateway.cancel(sessionId);
            }
            ConversationStore store = services.store();
            if (store != null && store.deleteSession(sessionId)) {
                try {
                    sessions.forget(sessionId);
                } catch (java.io.IOException e) {
                    // the name stays in the file; harmless
                }
                events.accept(new Event.SessionDeleted(sessionId));
            } else {
                events.accept(new Event.Notice("no session " + sessionId, true));
            }
        });
    }

    @Override
    public void models() {
        work("listing the models", () -> {
            ModelSelector selector = services.models();
            if (selector == null) {
                events.accept(new Event.ModelsLoaded(List.of(), "model selection is not available"));
                return;
            }
            try {
                List<ModelInfo> models = selector.models();
                events.accept(new Event.ModelsLoaded(models.stream().map(model -> new Choice(model.id(), model.id(),
                        model.provider(), model.recommended())).toList(), ""));
            } catch (Exception e) {
                ModelChoice current = selector.current();
                events.accept(new Event.ModelsLoaded(current.model().isEmpty() ? List.of()
                        : List.of(new Choice(current.model(), current.model(), current.provider(), false)), message(e)));
            }
        });
    }

    @Override
    public void selectModel(String provider, String model) {
        work("switching the model", () -> {
            ModelSelector selector = services.models();
            if (selector == null) {
                events.accept(new Event.Notice("model selection is not available", true));
                return;
            }
            try {
                ModelChoice chosen = selector.select(provider, model);
                events.accept(new Event.ModelChanged(chosen.provider(), chosen.model()));
            } catch (Exception e) {
                events.accept(new Event.Notice(message(e), true));
            }
        });
    }

    @Override
    public void providers() {
        work("listing the providers", () -> {
            AuthService auth = services.auth();
            if (auth == null) {
                events.accept(new Event.ProvidersLoaded(List.of(), "logins are not available (the auth bundle is not running)"));
                return;
            }
            try {
                events.accept(new Event.ProvidersLoaded(auth.providers().stream().map(LocalBackend::choice).toList(), ""));
            } catch (AuthException e) {
                events.accept(new Event.ProvidersLoaded(List.of(), message(e)));
            }
        });
    }

    static Choice choice(ProviderAuthStatus status) {
        String how = switch (status.authMode()) {
            case OAUTH -> "browser login";
            case API_KEY -> "API key";
            case ENDPOINT_AND_KEY -> "endpoint and key";
            case NONE -> "no login";
        };
        return new Choice(status.name(), status.displayName() + " (" + status.name() + ", " + how + ")",
                status.authMode().wireName(), status.authenticated());
    }

    @Override
    public void saveKey(String provider, String key, String endpoint) {
        work("saving the key", () -> {
            AuthService auth = services.auth();
            try {
                if (auth == null) {
                    throw new AuthException("logins are not available (the auth bundle is not running)");
                }
                ProviderAuthStatus saved = auth.saveApiKey(provider, key, endpoint);
                events.accept(new Event.LoginFinished(provider, true, "saved the API key for " + saved.displayName()));
            } catch (AuthException e) {
                events.accept(new Event.LoginFinished(provider, false, message(e)));
            }
        });
    }

    @Override
    public void startLogin(String provider) {
        work("starting the login", () -> {
            AuthService auth = services.auth();
            try {
                if (auth == null) {
                    throw new AuthException("logins are not available (the auth bundle is not running)");
                }
                LoginFlow flow = auth.startLogin(provider);
                logins.put(provider, flow);
                events.accept(new Event.LoginStarted(provider, flow.url().toString(), flow.userCode(),
                        flow.type() == FlowType.CODE_DISPLAY));
                flow.result().whenComplete((result, error) -> {
                    logins.remove(provider, flow);
                    events.accept(error != null ? new Event.LoginFinished(provider, false, message(error))
                            : new Event.LoginFinished(provider, result.success(), result.message()));
                });
            } catch (AuthException e) {
                events.accept(new Event.LoginFinished(provider, false, message(e)));
            }
        });
    }

    @Override
    public void submitCode(String provider, String code) {
        LoginFlow flow = logins.get(provider);
        if (flow == null) {
            events.accept(new Event.LoginFinished(provider, false, "the login has ended; start it again with /login"));
            return;
        }
        work("handing over the code", () -> flow.submitCode(code));
    }

    @Override
    public void cancelLogin(String provider) {
        LoginFlow flow = logins.remove(provider);
        if (flow != null) {
            flow.cancel();
        }
    }

    @Override
    public void pairing(String channel, boolean watch) {
        if (watch) {
            events.accept(new Event.Pairing(channel, "not attached to a daemon", "Channels run in the daemon, and the "
                    + "terminal UI shows their pairing once it is attached to it: start the daemon with 'openpista start' "
                    + "(with [channels." + channel + "] enabled and the web chat on, which the terminal UI attaches "
                    + "through: /web setup), then open the terminal UI again. Or pair in a terminal with 'openpista "
                    + channel + "'.", List.of()));
        }
    }

    @Override
    public void close() {
        turns.keySet().forEach(TurnHandle::cancel);
        refuseQuestions();
        logins.values().forEach(LoginFlow::cancel);
        worker.shutdownNow();
    }
}
