package org.openpista.mcp.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.openpista.api.admin.DaemonControl;
import org.openpista.api.agent.PromptContributor;
import org.openpista.api.config.ConfigurationLoader;
import org.openpista.api.settings.SettingsSection;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP client: one {@link ServerConnection} per {@code [mcp.servers.<name>]} table, whose tools
 * become {@code mcp.<name>.<tool>} services. A changed configuration ({@code openpista:reload})
 * connects new servers, reconnects changed ones and drops removed ones; unchanged ones keep running.
 *
 * <p>Servers are started in the daemon as soon as it runs (in the background: they never delay
 * ready), and elsewhere at the first turn, which waits for them ({@code openpista run -e}). Other
 * commands start none, so {@code openpista config check} never launches a server.
 */
@SettingsSection(value = "mcp.servers", pid = McpClientsComponent.PID, tables = SettingsSection.ANY_TABLE,
        formats = {"env=map", "headers=map", "url=url", "include_tools=csv", "exclude_tools=csv"})
@Component(service = {McpServers.class, PromptContributor.class}, configurationPid = McpClientsComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
@Designate(ocd = McpClientsComponent.Config.class)
public final class McpClientsComponent implements McpServers, PromptContributor {

    /** The configuration PID of {@code [mcp.servers]}; each server is a sub-table, see {@link ServerTable}. */
    static final String PID = "org.openpista.mcp.servers";

    private static final Logger LOG = LoggerFactory.getLogger(McpClientsComponent.class);

    /** {@code [mcp.servers]} holds only its sub-tables, one per server. */
    @ObjectClassDefinition(name = "MCP servers", description = "One sub-table [mcp.servers.NAME] per MCP server.")
    public @interface Config {
    }

    private final BundleContext context;
    private final Path workspace;
    private final ObjectMapper mapper = new ObjectMapper();
    private final McpJsonMapper json = new JacksonMcpJsonMapper(mapper);
    private final ScheduledExecutorService scheduler;
    private final ToolRegistrations registrations;
    private final OwnerBridge owner;
    private final Map<String, ServerConnection> connections = new TreeMap<>();
    private boolean started;

    @Activate
    public McpClientsComponent(BundleContext context, Map<String, Object> properties) {
        this.context = context;
        Path home = ConfigurationLoader.home(context);
        String configured = String.valueOf(properties.getOrDefault("workspace", ""));
        this.workspace = configured.isBlank() || configured.equals("null") ? home.resolve("workspace") : Path.of(configured);
        AtomicInteger threads = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "openpista-mcp-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.registrations = new ToolRegistrations(context);
        this.owner = new OwnerQuestionsBridge(mapper, new ModelSampler(context));
        apply(properties);
    }

    /**
     * Servers in the daemon start in the background once the framework has reached its top start
     * level, so that their processes do not compete with the daemon's own start for the CPU.
     */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, unbind = "daemonGone")
    void daemon(DaemonControl daemon) {
        FrameworkStartLevel framework = context.getBundle(0).adapt(FrameworkStartLevel.class);
        int top = 1;
        for (Bundle bundle : context.getBundles()) {
            BundleStartLevel level = bundle.adapt(BundleStartLevel.class);
            top = Math.max(top, level == null ? 1 : level.getStartLevel());
        }
        int wanted = top;
        FrameworkListener whenStarted = new FrameworkListener() {
            @Override
            public void frameworkEvent(FrameworkEvent event) {
                if (framework.getStartLevel() >= wanted) {
                    context.removeFrameworkListener(this);
                    connectAll();
                }
            }
        };
        context.addFrameworkListener(whenStarted);
        whenStarted.frameworkEvent(new FrameworkEvent(FrameworkEvent.STARTLEVEL_CHANGED, context.getBundle(0), null));
    }

    void daemonGone(DaemonControl daemon) {
        // the connections go with this component
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    /** Brings the connections in line with the configuration. */
    private void apply(Map<String, Object> properties) {
        Map<String, ServerConfig> wanted = ServerConfig.parse(properties, workspace);
        List<ServerConnection> stop = new ArrayList<>();
        List<ServerConnection> start = new ArrayList<>();
        synchronized (this) {
            for (String name : new ArrayList<>(connections.keySet())) {
                ServerConnection existing = connections.get(name);
                if (!existing.config().equals(wanted.get(name))) {
                    stop.add(connections.remove(name));
                }
            }
            wanted.forEach((name, config) -> {
                if (!connections.containsKey(name)) {
                    ServerConnection connection = new ServerConnection(config, json, mapper, scheduler, registrations,
                            System.getenv(), owner);
                    connections.put(name, connection);
                    start.add(connection);
                    if (!config.problem().isEmpty() && config.enabled()) {
                        LOG.warn("MCP server {} cannot start: {}", name, config.problem());
                    }
                }
            });
        }
        stop.forEach(connection -> {
            LOG.info("MCP server {} {}", connection.config().name(), wanted.containsKey(connection.config().name())
                    ? "changed: reconnecting" : "removed from the configuration: disconnecting");
            connection.stop();
        });
        if (isStarted()) {
            start.forEach(ServerConnection::start);
        }
    }

    private synchronized boolean isStarted() {
        return started;
    }

    @Deactivate
    void deactivate() {
        List<ServerConnection> all;
        synchronized (this) {
            all = new ArrayList<>(connections.values());
            connections.clear();
        }
        registrations.close();
        all.forEach(ServerConnection::stop);
        scheduler.shutdownNow();
    }

    @Override
    public List<ServerStatus> status() {
        List<ServerConnection> all;
        synchronized (this) {
            all = new ArrayList<>(connections.values());
        }
        return all.stream().map(ServerConnection::status).toList();
    }

    @Override
    public void connectAll() {
        List<ServerConnection> all;
        synchronized (this) {
            started = true;
            all = new ArrayList<>(connections.values());
        }
        all.forEach(ServerConnection::start);
    }

    @Override
    public void connectAndWait() {
        connectAll();
        List<ServerConnection> all;
        synchronized (this) {
            all = new ArrayList<>(connections.values());
        }
        Instant until = Instant.now().plus(all.stream().map(connection -> connection.config().startupTimeout())
                .max(Duration::compareTo).orElse(Duration.ZERO));
        // the first attempt of each: one that failed and starts again is unavailable to this turn
        for (ServerConnection connection : all) {
            while (connection.status().state().equals("starting") && connection.status().restarts() == 0
                    && Instant.now().isBefore(until)) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public synchronized Optional<ServerConnection> connection(String name) {
        return Optional.ofNullable(connections.get(name));
    }

    @Override
    public String contribute(String sessionId) {
        if (!isStarted()) {
            // a turn outside the daemon (openpista run -e): its first request needs the servers' tools
            connectAndWait();
        }
        return PromptSection.render(status());
    }
}
