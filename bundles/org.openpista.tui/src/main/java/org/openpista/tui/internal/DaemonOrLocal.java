package org.openpista.tui.internal;

import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.openpista.api.admin.DaemonClient;
import org.openpista.api.approval.ApprovalDecision;

/**
 * Attached or alone: when a daemon runs for the home and serves its web chat, the TUI attaches to
 * it ({@link AttachedBackend}); otherwise, or when attaching fails, and again when the daemon goes
 * away while attached, the agent runs in this process ({@link LocalBackend}). The status line says
 * which ({@link Event.Connected}), a notice says why it is not attached.
 *
 * <p>The choice is made on a worker thread after the first frame is drawn (asking the daemon and
 * opening the socket take a moment); calls made meanwhile wait their turn on that thread, in order.
 */
final class DaemonOrLocal implements Backend {

    static final String ALONE = "in-process";

    private final Supplier<DaemonClient> daemon;
    private final Function<String, Backend> local;
    private final ExecutorService order = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "openpista-tui-backend");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Backend current;
    private volatile Consumer<Event> events = event -> { };

    /**
     * @param daemon the client of the home's admin socket, or {@code null} when the shell bundle is absent
     * @param local makes the backend of this process, with what the status line shows for it
     */
    DaemonOrLocal(Supplier<DaemonClient> daemon, Function<String, Backend> local) {
        this.daemon = daemon;
        this.local = local;
    }

    @Override
    public void start(Consumer<Event> sink, String sessionId) {
        this.events = sink;
        order.execute(() -> choose(sessionId));
    }

    private void choose(String sessionId) {
        DaemonClient client = daemon.get();
        OptionalLong pid = client == null ? OptionalLong.empty() : client.running();
        if (pid.isEmpty()) {
            alone(ALONE, sessionId, null);
            return;
        }
        String url;
        try {
            url = Outside.webChat(client);
        } catch (IOException e) {
            alone(ALONE + " · not attached", sessionId, "A daemon runs (pid " + pid.getAsLong() + ") but did not answer: "
                    + LocalBackend.message(e) + ". The agent runs in this process.");
            return;
        }
        if (url == null) {
            alone(ALONE + " · daemon has no web chat", sessionId, "The daemon (pid " + pid.getAsLong() + ") does not serve "
                    + "the web chat, which the terminal UI attaches through: the agent runs in this process and the daemon's "
                    + "live messages do not show here. Enable it with /web setup, then restart the daemon.");
            return;
        }
        try {
            Backend attached = AttachedBackend.connect(url, sessionId, "attached · daemon " + pid.getAsLong(), this::lost);
            current = attached;
            attached.start(events, sessionId);
        } catch (IOException e) {
            alone(ALONE + " · not attached", sessionId, "Could not attach to the daemon (pid " + pid.getAsLong() + "): "
                    + e.getMessage() + ". The agent runs in this process.");
        }
    }

    private void alone(String mode, String sessionId, String why) {
        Backend backend = local.apply(mode);
        current = backend;
        backend.start(events, sessionId);
        if (why != null) {
            events.accept(new Event.Notice(why, true));
        }
    }

    /** The daemon went away while attached: on in this process, the screen as it is. */
    private void lost(String why) {
        order.execute(() -> alone(ALONE + " · daemon gone", null, why + ". The agent runs in this process now; "
                + "start the daemon again and reopen the terminal UI to attach."));
    }

    private void then(Consumer<Backend> call) {
        order.execute(() -> {
            Backend backend = current;
            if (backend != null) {
                call.accept(backend);
            }
        });
    }

    @Override
    public void send(String sessionId, String text) {
        then(backend -> backend.send(sessionId, text));
    }

    @Override
    public void cancel(String sessionId) {
        then(backend -> backend.cancel(sessionId));
    }

    @Override
    public void answer(String sessionId, String callId, ApprovalDecision decision) {
        then(backend -> backend.answer(sessionId, callId, decision));
    }

    @Override
    public void sessions() {
        then(Backend::sessions);
    }

    @Override
    public void open(String sessionId) {
        then(backend -> backend.open(sessionId));
    }

    @Override
    public void delete(String sessionId) {
        then(backend -> backend.delete(sessionId));
    }

    @Override
    public void models() {
        then(Backend::models);
    }

    @Override
    public void selectModel(String provider, String model) {
        then(backend -> backend.selectModel(provider, model));
    }

    @Override
    public void providers() {
        then(Backend::providers);
    }

    @Override
    public void saveKey(String provider, String key, String endpoint) {
        then(backend -> backend.saveKey(provider, key, endpoint));
    }

    @Override
    public void startLogin(String provider) {
        then(backend -> backend.startLogin(provider));
    }

    @Override
    public void submitCode(String provider, String code) {
        then(backend -> backend.submitCode(provider, code));
    }

    @Override
    public void cancelLogin(String provider) {
        then(backend -> backend.cancelLogin(provider));
    }

    @Override
    public void pairing(String channel, boolean watch) {
        then(backend -> backend.pairing(channel, watch));
    }

    @Override
    public void close() {
        order.shutdownNow();
        try {
            order.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Backend backend = current;
        if (backend != null) {
            backend.close();
        }
    }
}
