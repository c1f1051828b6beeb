package org.openpista.mcp.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.openpista.api.tool.Tool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * One configured MCP server and its connection: started on a scheduler thread, never on the
 * caller's; its tools published while it is connected and withdrawn the moment it is not; started
 * again after a failure, 1 s, 2 s, 4 s ... up to a minute later; refreshed on {@code
 * notifications/tools/list_changed}. A server that fails says why in {@link #status()}, with the end
 * of its stderr, and in the log.
 */
final class ServerConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);
    /** HTTP servers have no process to watch: a ping this often notices one that went away. */
    private static final Duration PING_EVERY = Duration.ofSeconds(15);

    private final ServerConfig config;
    private final McpJsonMapper json;
    private final ObjectMapper mapper;
    private final ScheduledExecutorService scheduler;
    private final ToolSink sink;
    private final Map<String, String> daemonEnv;
    private final OwnerBridge owner;
    private final StderrTail stderr = new StderrTail(20);
    private final ToolCalls calls;

    private volatile String state;
    private volatile String detail = "";
    private volatile Instant since = Instant.now();
    private volatile McpAsyncClient client;
    private volatile McpClientTransport transport;
    private volatile List<McpSchema.Tool> tools = List.of();
    private volatile List<String> offered = List.of();
    private volatile List<String> resources = List.of();
    private volatile List<String> prompts = List.of();
    private volatile boolean hasResources;
    private int failures;
    private int restarts;
    private long generation;
    private boolean stopped;
    private ScheduledFuture<?> next;

    ServerConnection(ServerConfig config, McpJsonMapper json, ObjectMapper mapper, ScheduledExecutorService scheduler,
            ToolSink sink, Map<String, String> daemonEnv, OwnerBridge owner) {
        this.config = config;
        this.json = json;
        this.mapper = mapper;
        this.scheduler = scheduler;
        this.sink = sink;
        this.daemonEnv = daemonEnv;
        this.owner = owner;
        this.calls = new ToolCalls(config, mapper, () -> client, () -> state.equals("connected") ? "" : describeState());
        String problem = config.problem();
        this.state = !config.enabled() ? "disabled" : problem.isEmpty() ? "idle" : "failed";
        this.detail = !config.enabled() ? "enabled = false" : problem;
    }

    ServerConfig config() {
        return config;
    }

    /** Connects in the background; does nothing when disabled, misconfigured or already started. */
    synchronized void start() {
        if (stopped || !state.equals("idle")) {
            return;
        }
        enter("starting", "");
        long attempt = ++generation;
        next = scheduler.schedule(() -> connect(attempt), 0, TimeUnit.MILLISECONDS);
    }

    /** Disconnects for good: tools withdrawn, process killed. */
    void stop() {
        McpAsyncClient old;
        McpClientTransport oldTransport;
        synchronized (this) {
            stopped = true;
            generation++;
            if (next != null) {
                next.cancel(false);
            }
            old = client;
            oldTransport = transport;
            client = null;
            transport = null;
            if (!state.equals("disabled")) {
                enter("stopped", "");
            }
        }
        sink.publish(config, List.of());
        close(old, oldTransport);
    }

    private void connect(long attempt) {
        McpClientTransport created = null;
        McpAsyncClient started = null;
        try {
            synchronized (this) {
                if (stopped || attempt != generation) {
                    return;
                }
                stderr.clear();
            }
            created = transport(attempt, config.transport().equals("sse"));
            started = client(created);
            McpSchema.InitializeResult init;
            try {
                init = started.initialize().block(config.startupTimeout());
            } catch (RuntimeException streamableFailed) {
                if (!config.remote() || !config.transport().equals("auto")) {
                    throw streamableFailed;
                }
                // auto: a server that does not speak streamable HTTP may speak the older HTTP+SSE
                close(started, created);
                created = transport(attempt, true);
                started = client(created);
                try {
                    init = started.initialize().block(config.startupTimeout());
                } catch (RuntimeException sseFailed) {
                    throw new IllegalStateException("streamable HTTP: " + reason(streamableFailed) + "; HTTP+SSE: "
                            + reason(sseFailed), sseFailed);
                }
            }
            List<McpSchema.Tool> listed = listTools(started);
            List<String> listedResources = listResources(started, init);
            List<String> listedPrompts = listPrompts(started, init);
            synchronized (this) {
                if (stopped || attempt != generation) {
                    close(started, created);
                    return;
                }
                client = started;
                transport = created;
                resources = listedResources;
                prompts = listedPrompts;
                hasResources = init != null && init.capabilities() != null && init.capabilities().resources() != null;
                failures = 0;
            }
            publish(listed);
            synchronized (this) {
                if (stopped || attempt != generation) {
                    return;
                }
                String server = init == null || init.serverInfo() == null ? "" : init.serverInfo().name() + " "
                        + init.serverInfo().version();
                enter("connected", server.strip());
            }
            LOG.info("MCP server {} connected ({}): {} tools", config.name(), config.target(), offered.size());
            if (config.remote()) {
                next = scheduler.schedule(() -> ping(attempt), PING_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (RuntimeException | Error e) {
            close(started, created);
            failed(attempt, reason(e));
        }
    }

    private McpClientTransport transport(long attempt, boolean sse) {
        if (!config.remote()) {
            return Transports.stdio(config, json, stderr, why -> failed(attempt, why), daemonEnv);
        }
        return sse ? Transports.sse(config, json) : Transports.streamable(config, json);
    }

    private McpAsyncClient client(McpClientTransport created) {
        return McpClient.async(created).clientInfo(McpSchema.Implementation.builder("openpista", "0.1").title("openpista").build())
                .requestTimeout(config.toolTimeout()).initializationTimeout(config.startupTimeout())
                .capabilities(capabilities())
                .elicitation(request -> owner.elicit(config, request, calls.current()))
                .sampling(request -> owner.sample(config, request, calls.current()))
                .toolsChangeConsumer(changed -> Mono.fromRunnable(() -> publish(changed)))
                .resourcesChangeConsumer(changed -> Mono.fromRunnable(() -> resources = changed.stream()
                        .map(McpSchema.Resource::uri).toList()))
                .promptsChangeConsumer(changed -> Mono.fromRunnable(() -> prompts = changed.stream()
                        .map(McpSchema.Prompt::name).toList()))
                .build();
    }

    /**
     * Elicitation and sampling. Sampling is announced always, so that a server asking for it gets
     * openpista's reason for a refusal; the SDK marks the builder method deprecated, the protocol
     * still has the capability.
     */
    @SuppressWarnings("deprecation")
    private static McpSchema.ClientCapabilities capabilities() {
        return McpSchema.ClientCapabilities.builder().elicitation().sampling().build();
    }

    /** Every page of the server's tools. */
    private List<McpSchema.Tool> listTools(McpAsyncClient started) {
        List<McpSchema.Tool> all = new ArrayList<>();
        String cursor = null;
        do {
            McpSchema.ListToolsResult page = started.listTools(cursor).block(config.startupTimeout());
            if (page == null) {
                break;
            }
            all.addAll(page.tools());
            cursor = page.nextCursor();
        } while (cursor != null && !cursor.isEmpty() && all.size() < 10_000);
        return all;
    }

    private List<String> listResources(McpAsyncClient started, McpSchema.InitializeResult init) {
        if (init == null || init.capabilities() == null || init.capabilities().resources() == null) {
            return List.of();
        }
        McpSchema.ListResourcesResult page = started.listResources().block(config.startupTimeout());
        return page == null ? List.of() : page.resources().stream().map(McpSchema.Resource::uri).toList();
    }

    private List<String> listPrompts(McpAsyncClient started, McpSchema.InitializeResult init) {
        if (init == null || init.capabilities() == null || init.capabilities().prompts() == null) {
            return List.of();
        }
        McpSchema.ListPromptsResult page = started.listPrompts().block(config.startupTimeout());
        return page == null ? List.of() : page.prompts().stream().map(McpSchema.Prompt::name).toList();
    }

    /** Turns the server's tools into openpista tools and hands them to the sink (none under approval = deny). */
    private void publish(List<McpSchema.Tool> listed) {
        synchronized (this) {
            if (stopped || client == null) {
                return;
            }
            tools = List.copyOf(listed);
        }
        ToolFilter filter = new ToolFilter(config.include(), config.exclude());
        List<Tool> published = new ArrayList<>();
        for (McpSchema.Tool tool : listed) {
            if (filter.accepts(tool.name())) {
                published.add(new McpTool(tool.name(), calls.spec(tool), calls::call));
            }
        }
        if (hasResources) {
            published.add(new ResourceTool(config.name(), resources, () -> client, mapper, config.toolTimeout()));
        }
        if (config.approval().equals("deny")) {
            published.clear();
        }
        offered = published.stream().map(tool -> tool.spec().name()).toList();
        sink.publish(config, published);
    }

    private void ping(long attempt) {
        McpAsyncClient current = client;
        if (current == null || attempt != generation) {
            return;
        }
        try {
            current.ping().block(config.startupTimeout());
            synchronized (this) {
                if (!stopped && attempt == generation) {
                    next = scheduler.schedule(() -> ping(attempt), PING_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        } catch (RuntimeException e) {
            failed(attempt, "the server stopped answering: " + reason(e));
        }
    }

    /** Withdraws the tools, says why, and tries again after the backoff. */
    private void failed(long attempt, String why) {
        McpAsyncClient old;
        McpClientTransport oldTransport;
        Duration wait;
        synchronized (this) {
            if (stopped || attempt != generation) {
                return;
            }
            long retry = ++generation;
            old = client;
            oldTransport = transport;
            client = null;
            transport = null;
            failures++;
            wait = backoff(failures);
            enter("failed", why + "; retrying in " + wait.toSeconds() + " s");
            next = scheduler.schedule(() -> {
                synchronized (this) {
                    if (stopped || retry != generation) {
                        return;
                    }
                    restarts++;
                    // the failure stays known while it starts again: a turn's prompt must not call it merely starting
                    enter("starting", "after: " + why);
                }
                connect(retry);
            }, wait.toMillis(), TimeUnit.MILLISECONDS);
        }
        sink.publish(config, List.of());
        offered = List.of();
        List<String> tail = stderr.lines();
        LOG.warn("MCP server {} ({}) is unavailable: {}; retrying in {} s{}", config.name(), config.target(), why,
                wait.toSeconds(), tail.isEmpty() ? "" : "; its stderr ended with: " + String.join(" | ", tail.subList(
                        Math.max(0, tail.size() - 3), tail.size())));
        scheduler.execute(() -> close(old, oldTransport));
    }

    static Duration backoff(int failures) {
        long seconds = 1L << Math.min(failures - 1, 6);
        return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
    }

    private void close(McpAsyncClient old, McpClientTransport oldTransport) {
        try {
            if (old != null) {
                old.closeGracefully().block(Duration.ofSeconds(3));
            }
        } catch (RuntimeException e) {
            LOG.debug("MCP server {}: closing: {}", config.name(), e.toString());
        }
        if (oldTransport instanceof StdioTransport stdio) {
            stdio.kill();
        } else if (oldTransport != null) {
            try {
                oldTransport.closeGracefully().block(Duration.ofSeconds(3));
            } catch (RuntimeException e) {
                LOG.debug("MCP server {}: closing the transport: {}", config.name(), e.toString());
            }
        }
    }

    /** @return the server process while it runs (stdio servers) */
    java.util.Optional<ProcessHandle> process() {
        return transport instanceof StdioTransport stdio ? stdio.handle() : java.util.Optional.empty();
    }

    private void enter(String newState, String newDetail) {
        state = newState;
        detail = newDetail;
        since = Instant.now();
    }

    private String describeState() {
        return "the MCP server " + config.name() + " is " + state + (detail.isEmpty() ? "" : " (" + detail + ")");
    }

    /** @return the message of an exception and its causes, without class names where there is a message */
    static String reason(Throwable e) {
        List<String> parts = new ArrayList<>();
        for (Throwable cause = e; cause != null && parts.size() < 3; cause = cause.getCause()) {
            String message = cause.getMessage() == null ? null
                    : cause.getMessage().replace("Client failed to initialize by explicit API call: ", "");
            String part = message == null || message.isBlank() ? cause.getClass().getSimpleName() : message.strip();
            if (parts.stream().noneMatch(existing -> existing.contains(part))) {
                parts.add(part);
            }
        }
        return String.join(": ", parts);
    }

    ServerStatus status() {
        return new ServerStatus(config.name(), config.target(), state, detail, since, restarts,
                state.equals("connected") ? tools.stream().map(McpSchema.Tool::name).toList() : List.of(), offered,
                resources, prompts, stderr.lines());
    }

    /** @return the connected client, for resources and prompts; empty when not connected */
    java.util.Optional<McpAsyncClient> client() {
        return java.util.Optional.ofNullable(state.equals("connected") ? client : null);
    }

    ToolCalls calls() {
        return calls;
    }
}
