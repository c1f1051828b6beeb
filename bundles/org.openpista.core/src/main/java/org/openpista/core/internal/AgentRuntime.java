package org.openpista.core.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openpista.api.admin.AgentStatus;
import org.openpista.api.admin.SessionActivity;
import org.openpista.api.agent.PromptContributor;
import org.openpista.api.approval.ApprovalService;
import org.openpista.api.channel.AgentGateway;
import org.openpista.api.channel.AgentReply;
import org.openpista.api.channel.InboundMessage;
import org.openpista.api.channel.ReplySink;
import org.openpista.api.channel.TurnHandle;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.llm.LlmProvider;
import org.openpista.api.memory.ConversationStore;
import org.openpista.api.session.SessionRouter;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent as channels see it (the channel router): maps each conversation to its current
 * session, and runs each session's turns one at a time, in order, while different sessions run in
 * parallel. Providers and prompt contributors are tracked dynamically, so one that appears or
 * leaves is seen by the next request; a provider that leaves in the middle of a turn is waited for
 * briefly (a bundle update re-registers it) before the turn gives up with a clear message. On
 * shutdown it stops accepting, lets running turns finish within a grace period, then cancels them.
 */
@SettingsSection(value = "agent", pid = AgentConfig.PID, formats = "base_url=url",
        env = {"model=OPENPISTA_MODEL"},
        keys = {"provider", "model", "base_url", "api_key", "max_tool_rounds", "approval", "system_prompt", "timeout_secs",
            "shutdown_grace_secs", "provider_wait_secs"})
@SettingsSection(value = "skills", pid = AgentConfig.PID, keys = "workspace", formats = "workspace=path",
        env = "workspace=OPENPISTA_WORKSPACE")
@Component(service = {AgentGateway.class, SessionRouter.class, AgentStatus.class},
        configurationPid = AgentConfig.PID, immediate = true)
public class AgentRuntime implements AgentGateway, SessionRouter, AgentStatus {

    private static final Logger LOG = LoggerFactory.getLogger(AgentRuntime.class);

    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    /** Conversation key to its current session, for conversations that left their default one. */
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    private final AtomicLong finished = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Instant startedAt = Instant.now();
    private final ExecutorService executor;
    private final AgentLoop loop;
    private final Path home;
    private volatile AgentSettings settings;
    private volatile Duration shutdownGrace;
    private volatile boolean closed;

    // the field is the list; the methods are told about arrivals and departures (Felix SCR calls the
    // unbind method of a field reference only when a bind method is named as well)
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            bind = "providerArrived", unbind = "providerLeft")
    volatile List<LlmProvider> providers = List.of();

    /** Actions waiting for a provider service to leave: the requests in flight to it. */
    private final List<Map.Entry<LlmProvider, Runnable>> whenGone = new CopyOnWriteArrayList<>();
    /** Provider services that were unregistered, whatever the field says at this instant. */
    private final Set<LlmProvider> departed =
            Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    volatile List<PromptContributor> contributors = List.of();

    @Activate
    public AgentRuntime(
            @Reference ConversationStore store,
            @Reference ToolInvoker tools,
            @Reference ApprovalService approval,
            BundleContext context,
            AgentConfig config) {
        this(store, tools, approval, ConfigurationLoader.home(context), config);
    }

    AgentRuntime(ConversationStore store, ToolInvoker tools, ApprovalService approval, Path home, AgentConfig config) {
        this.home = home;
        this.loop = new AgentLoop(store, tools, approval, new Lookup(), this::promptSections);
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "openpista-turn-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        configure(config);
    }

    @Modified
    void configure(AgentConfig config) {
        settings = new AgentSettings(
                config.provider().trim(),
                config.model().trim(),
                Math.max(1, config.max_tool_rounds()),
                config.system_prompt(),
                ConfigurationLoader.resolve(home, config.workspace().isBlank() ? "workspace" : config.workspace()),
                Duration.ofSeconds(Math.max(1, config.timeout_secs())),
                Duration.ofSeconds(Math.max(0, config.provider_wait_secs())));
        shutdownGrace = Duration.ofSeconds(Math.max(0, config.shutdown_grace_secs()));
    }

    /** @return the settings turns start with now */
    AgentSettings settings() {
        return settings;
    }

    @Override
    public TurnHandle submit(InboundMessage message, ReplySink sink) {
        String sessionId = message.sessionId() == null || message.sessionId().isBlank()
                ? currentSession(message.conversationKey())
                : message.sessionId();
        Pending pending = new Pending(new Turn(sessionId, message, sink, new Cancellation()));
        if (closed) {
            pending.finish(AgentReply.failure(sessionId, "openpista is shutting down; the message was not processed"));
            return pending;
        }
        while (true) {
            Lane lane = lanes.computeIfAbsent(sessionId, Lane::new);
            synchronized (lane) {
                if (lane.retired) {
                    continue;
                }
                pending.lane = lane;
                lane.queue.add(pending);
                if (!lane.running) {
                    lane.running = true;
                    executor.execute(() -> drain(lane));
                }
                return pending;
            }
        }
    }

    @Override
    public int cancel(String sessionId) {
        Lane lane = lanes.get(sessionId);
        if (lane == null) {
            return 0;
        }
        List<Pending> toCancel;
        synchronized (lane) {
            toCancel = new ArrayList<>(lane.queue);
            if (lane.current != null) {
                toCancel.add(lane.current);
            }
        }
        int count = 0;
        for (Pending pending : toCancel) {
            if (pending.cancel()) {
                count++;
            }
        }
        return count;
    }

    /** @return the sessions with a running or queued turn */
    List<String> busySessions() {
        return List.copyOf(lanes.keySet());
    }

    /** DS calls this (besides updating the field) when a provider service is registered. */
    void providerArrived(LlmProvider provider) {
        departed.remove(provider);
    }

    /** DS calls this (besides updating the field) when a provider service is unregistered. */
    void providerLeft(LlmProvider provider) {
        departed.add(provider);
        for (Map.Entry<LlmProvider, Runnable> watch : whenGone) {
            if (watch.getKey() == provider && whenGone.remove(watch)) {
                LOG.info("A provider service left while requests to it were in flight; they are abandoned");
                watch.getValue().run();
            }
        }
    }

    @Override
    public String currentSession(String conversationKey) {
        return routes.getOrDefault(conversationKey, conversationKey);
    }

    @Override
    public String newSession(String conversationKey) {
        String id = conversationKey + ":" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        routes.put(conversationKey, id);
        return id;
    }

    @Override
    public void switchSession(String conversationKey, String sessionId) {
        if (sessionId == null || sessionId.isBlank() || sessionId.equals(conversationKey)) {
            routes.remove(conversationKey);
        } else {
            routes.put(conversationKey, sessionId.strip());
        }
    }

    @Override
    public String provider() {
        return settings.provider();
    }

    @Override
    public String model() {
        return settings.model();
    }

    @Override
    public List<SessionActivity> activity() {
        List<SessionActivity> activity = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                Pending current = lane.current;
                Pending first = current != null ? current : lane.queue.peek();
                if (first == null) {
                    continue;
                }
                activity.add(new SessionActivity(lane.sessionId, first.turn.message().channel(),
                        current == null ? null : current.startedAt, lane.queue.size()));
            }
        }
        activity.sort(Comparator.comparing(SessionActivity::sessionId));
        return activity;
    }

    @Override
    public long turnsFinished() {
        return finished.get();
    }

    @Override
    public long turnsFailed() {
        return failed.get();
    }

    @Override
    public Instant startedAt() {
        return startedAt;
    }

    private void drain(Lane lane) {
        while (true) {
            Pending next;
            synchronized (lane) {
                next = lane.queue.poll();
                lane.current = next;
                if (next == null) {
                    lane.running = false;
                    lane.retired = true;
                    lanes.remove(lane.sessionId, lane);
                    return;
                }
            }
            next.startedAt = Instant.now();
            runTurn(next);
        }
    }

    private void runTurn(Pending pending) {
        Turn turn = pending.turn;
        AgentReply reply;
        if (turn.cancellation().isCancelled()) {
            reply = AgentReply.failure(turn.sessionId(), AgentLoop.CANCELLED);
        } else {
            try {
                reply = loop.run(turn, settings);
            } catch (RuntimeException | Error e) {
                // whatever fails, the turn ends with a reply: a thrown Error once left it running for ever
                LOG.error("Turn in session {} failed", turn.sessionId(), e);
                reply = AgentReply.failure(turn.sessionId(), "internal error: " + ToolRegistryImpl.describe(e));
            }
        }
        finished.incrementAndGet();
        if (reply.error()) {
            failed.incrementAndGet();
        }
        pending.finish(reply);
    }

    private List<String> promptSections() {
        List<PromptContributor> current = new ArrayList<>(contributors);
        // DS keeps the list in ascending ranking order; the highest ranking goes first
        Collections.reverse(current);
        List<String> sections = new ArrayList<>();
        for (PromptContributor contributor : current) {
            try {
                sections.add(contributor.contribute(""));
            } catch (RuntimeException | LinkageError e) {
                LOG.warn("A prompt contributor failed and is left out", e);
            }
        }
        return sections;
    }

    @Deactivate
    void deactivate() {
        closed = true;
        List<Pending> running = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            synchronized (lane) {
                for (Pending queued : new ArrayList<>(lane.queue)) {
                    queued.finishCancelled("openpista is shutting down; the message was not processed");
                }
                lane.queue.clear();
                if (lane.current != null) {
                    running.add(lane.current);
                }
            }
        }
        long deadline = System.nanoTime() + shutdownGrace.toNanos();
        for (Pending pending : running) {
            long left = deadline - System.nanoTime();
            try {
                pending.future.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                LOG.warn("Cancelling the turn of session {} after the shutdown grace period", pending.turn.sessionId());
                pending.turn.cancellation().cancel();
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /** The queue of one session; its turns run one at a time. */
    private static final class Lane {
        final String sessionId;
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        Pending current;
        boolean running;
        boolean retired;

        Lane(String sessionId) {
            this.sessionId = sessionId;
        }
    }

    /** A submitted message and its outcome. */
    private static final class Pending implements TurnHandle {
        final Turn turn;
        final CompletableFuture<AgentReply> future = new CompletableFuture<>();
        volatile Lane lane;
        volatile Instant startedAt;

        Pending(Turn turn) {
            this.turn = turn;
        }

        @Override
        public String sessionId() {
            return turn.sessionId();
        }

        @Override
        public CompletionStage<AgentReply> completion() {
            return future.minimalCompletionStage();
        }

        @Override
        public boolean cancel() {
            if (future.isDone()) {
                return false;
            }
            Lane current = lane;
            if (current != null) {
                synchronized (current) {
                    if (current.queue.remove(this)) {
                        finishCancelled(AgentLoop.CANCELLED);
                        return true;
                    }
                }
            }
            turn.cancellation().cancel();
            return true;
        }

        void finishCancelled(String message) {
            turn.cancellation().cancel();
            finish(AgentReply.failure(turn.sessionId(), message));
        }

        void finish(AgentReply reply) {
            if (future.isDone()) {
                return;
            }
            try {
                turn.sink().reply(reply);
            } catch (RuntimeException | LinkageError e) {
                // a broken channel must not take the session's other turns down
                LOG.warn("The channel {} failed to take the reply of session {}", turn.message().channel(),
                        turn.sessionId(), e);
            }
            future.complete(reply);
        }
    }

    /** Looks providers up in the dynamically tracked list. */
    private final class Lookup implements ProviderLookup {
        @Override
        public LlmProvider find(String name) {
            for (LlmProvider provider : providers) {
                try {
                    if (provider.name().equals(name)) {
                        return provider;
                    }
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("A provider service vanished while being looked at", e);
                }
            }
            return null;
        }

        @Override
        public LlmProvider await(String name, Duration timeout, Cancellation cancellation) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                LlmProvider provider = find(name);
                if (provider != null || cancellation.isCancelled() || System.nanoTime() >= deadline) {
                    return provider;
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }

        @Override
        public Cancellation.Registration whenGone(LlmProvider provider, Runnable action) {
            Map.Entry<LlmProvider, Runnable> watch = Map.entry(provider, action);
            whenGone.add(watch);
            if (!isRegistered(provider) && whenGone.remove(watch)) {
                action.run();
            }
            return () -> whenGone.remove(watch);
        }

        @Override
        public boolean isRegistered(LlmProvider provider) {
            if (departed.contains(provider)) {
                return false;
            }
            for (LlmProvider registered : providers) {
                if (registered == provider) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public List<String> names() {
            List<String> names = new ArrayList<>();
            for (LlmProvider provider : providers) {
                try {
                    names.add(provider.name());
                } catch (RuntimeException | LinkageError e) {
                    LOG.debug("A provider service vanished while being listed", e);
                }
            }
            return names;
        }
    }
}
